#include "http/model_watch.h"

#include <optional>
#include <string>

namespace hitloop::http {
namespace {

// The store's active version, 0 for none; nullopt when the store could
// not say (a busy database must not unload the model).
std::optional<int> store_active_version(App& app) {
  Result<ModelRecord> active = app.store.read_with([](Store& s) { return s.active_model(); });
  if (active.ok()) return active->version;
  if (active.status().is_not_found()) return 0;
  return std::nullopt;
}

int served_version(const App& app) {
  auto model = app.model.get();
  return model ? model->version : 0;
}

}  // namespace

ModelWatch::ModelWatch(App& app, std::chrono::milliseconds period) : app_(app) {
  thread_ = std::thread([this, period] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, period, [this] { return stop_; })) {
      lock.unlock();
      check();
      lock.lock();
    }
  });
}

ModelWatch::~ModelWatch() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ModelWatch::check() {
  std::optional<int> wanted = store_active_version(app_);
  if (!wanted) return;
  if (*wanted == served_version(app_)) {
    failed_version_ = 0;
    return;
  }
  if (*wanted == failed_version_) return;  // logged already; wait for another activation
  // Load outside every lock (an encoder takes seconds); requests keep the
  // old model meanwhile.
  std::shared_ptr<const ml::LoadedModel> loaded;
  if (*wanted != 0) {
    Result<ModelRecord> record =
        app_.store.read_with([&](Store& s) { return s.get_model(*wanted); });
    Result<ml::LoadedModel> model =
        record.ok() ? ml::load_artifact(record->path) : Result<ml::LoadedModel>(record.status());
    if (!model.ok()) {
      failed_version_ = *wanted;
      app_.options.log("model v" + std::to_string(*wanted) +
                       " was activated but cannot be loaded; still serving the previous one: " +
                       model.status().message());
      return;
    }
    loaded = std::make_shared<const ml::LoadedModel>(std::move(model).value());
  }
  // Swap only if it is still the active one: an activation through the API
  // may have happened while this one loaded.
  std::lock_guard swap(app_.model_swap_mu);
  if (store_active_version(app_) != wanted) return;  // the next check catches up
  if (served_version(app_) == *wanted) return;       // the API swapped it in meanwhile
  app_.model.set(std::move(loaded));
  app_.metrics.set_gauge("hitloop_active_model_version", *wanted);
  app_.options.log("now serving " + (*wanted ? "model v" + std::to_string(*wanted)
                                             : std::string("no model (none is active)")));
}

}  // namespace hitloop::http
