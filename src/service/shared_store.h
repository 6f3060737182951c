// The store shared by the server's threads. SQLite connections are not
// shared between threads, so:
// - writes go through one connection behind a lock (`with`), held only for
//   a short transaction;
// - reads borrow a connection of their own from a pool (`read_with`): in
//   WAL mode readers neither wait for the writer nor keep it waiting, so a
//   report scanning every verdict never delays a reviewer's save.
// An in-memory store has one connection only; its reads take the lock.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "service/store_access.h"

namespace hitloop::service {

class SharedStore : public StoreAccess {
 public:
  // `location`: the database the reader connections open ("" or ":memory:":
  // none; reads share the writer's connection).
  explicit SharedStore(std::unique_ptr<Store> store, std::string location = "");
  ~SharedStore() override;

  template <typename F>
  auto with(F&& f) {
    std::lock_guard lock(mu_);
    return f(*store_);
  }
  Status with(const std::function<Status(Store&)>& f) override {
    std::lock_guard lock(mu_);
    return f(*store_);
  }

  // Runs `f`, which only reads, on a pooled connection of its own.
  template <typename F>
  auto read_with(F&& f) -> decltype(f(std::declval<Store&>())) {
    if (!pooled_) return with(std::forward<F>(f));
    Result<std::unique_ptr<Store>> reader = borrow();
    if (!reader.ok()) return reader.status();
    Returner back{this, std::move(*reader)};
    return f(*back.store);
  }
  Status read(const std::function<Status(Store&)>& f) override { return read_with(f); }

  // Reader connections open and idle now (tests).
  size_t idle_readers() const;

 private:
  struct Returner {
    SharedStore* owner;
    std::unique_ptr<Store> store;
    ~Returner() { owner->give_back(std::move(store)); }
  };
  Result<std::unique_ptr<Store>> borrow();
  void give_back(std::unique_ptr<Store> reader);

  std::mutex mu_;
  std::unique_ptr<Store> store_;
  std::string location_;
  bool pooled_ = false;
  mutable std::mutex pool_mu_;
  std::vector<std::unique_ptr<Store>> idle_;
};

}  // namespace hitloop::service
