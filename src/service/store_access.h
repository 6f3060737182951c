// How a service reaches the store. The CLI owns its connection; the server
// shares one between request threads behind a lock. Services take the store
// only for short reads and writes through `with` and never hold it across
// slow work (training, loading weights), so reviewers are not kept waiting.
#pragma once

#include <functional>

#include "store/store.h"

namespace hitloop::service {

class StoreAccess {
 public:
  virtual ~StoreAccess() = default;
  // Runs `f` with exclusive use of the store.
  virtual Status with(const std::function<Status(Store&)>& f) = 0;
  // Runs `f`, which only reads, without keeping writers waiting where the
  // store allows it (a connection of its own: in WAL mode readers and the
  // writer do not block each other). By default, `with`.
  virtual Status read(const std::function<Status(Store&)>& f) { return with(f); }
};

// A store this thread alone uses (the CLI, tests).
class DirectStore : public StoreAccess {
 public:
  explicit DirectStore(Store& store) : store_(store) {}
  Status with(const std::function<Status(Store&)>& f) override { return f(store_); }

 private:
  Store& store_;
};

}  // namespace hitloop::service
