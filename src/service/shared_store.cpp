#include "service/shared_store.h"

namespace hitloop::service {
namespace {
// Idle reader connections kept open; a burst beyond this opens (about a
// millisecond each) and closes the extra ones.
constexpr size_t kMaxIdleReaders = 16;
}  // namespace

SharedStore::SharedStore(std::unique_ptr<Store> store, std::string location)
    : store_(std::move(store)),
      location_(std::move(location)),
      pooled_(!location_.empty() && location_ != ":memory:") {}

SharedStore::~SharedStore() = default;

Result<std::unique_ptr<Store>> SharedStore::borrow() {
  {
    std::lock_guard lock(pool_mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Store> reader = std::move(idle_.back());
      idle_.pop_back();
      return reader;
    }
  }
  return open_store(location_);
}

void SharedStore::give_back(std::unique_ptr<Store> reader) {
  std::lock_guard lock(pool_mu_);
  if (idle_.size() < kMaxIdleReaders) idle_.push_back(std::move(reader));
}

size_t SharedStore::idle_readers() const {
  std::lock_guard lock(pool_mu_);
  return idle_.size();
}

}  // namespace hitloop::service
