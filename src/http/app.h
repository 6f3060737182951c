// Everything the route handlers share: the store (one connection, so one
// lock), the active model (an immutable snapshot swapped atomically), the
// training worker, metrics and options.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "http/metrics.h"
#include "ml/registry.h"
#include "service/model_lifecycle.h"
#include "service/review_service.h"
#include "service/shared_store.h"
#include "service/verdict_recorder.h"
#include "store/store.h"

namespace hitloop::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  bool no_auth = false;             // loopback only; every caller is an admin
  size_t max_body_bytes = 4 << 20;  // 4 MiB
  int threads = 8;
  std::string models_dir;
  std::string db_path;
  double audit_rate = 0.05;       // share of logged verdicts queued for human audit
  double uncertainty_band = 0.1;  // |P(good) - threshold| that counts as uncertain
  std::string alert_webhook;      // http://host:port/path that receives new alerts
  int monitor_seconds = 60;       // how often the pass rate is checked (0: never)
  std::function<void(const std::string&)> log = [](const std::string&) {};
};

using service::SharedStore;

class ModelHolder {
 public:
  std::shared_ptr<const ml::LoadedModel> get() const { return model_.load(); }
  void set(std::shared_ptr<const ml::LoadedModel> m) { model_.store(std::move(m)); }

 private:
  std::atomic<std::shared_ptr<const ml::LoadedModel>> model_;
};

enum class JobState { kIdle, kRunning, kDone, kFailed };
inline const char* job_state_name(JobState s) {
  switch (s) {
    case JobState::kRunning:
      return "running";
    case JobState::kDone:
      return "done";
    case JobState::kFailed:
      return "failed";
    case JobState::kIdle:
      break;
  }
  return "idle";
}

struct TrainJob {
  JobState state = JobState::kIdle;
  std::string kind;
  int64_t started_at_ms = 0;
  std::vector<std::string> progress;
  std::string model;  // "v4" when done
  std::string error;
};

// Runs one training at a time in the background.
class TrainWorker {
 public:
  TrainWorker(SharedStore& store, std::string models_dir)
      : store_(store), lifecycle_(store, std::move(models_dir)) {}
  ~TrainWorker();
  // `body`: the request's JSON object ("" = all defaults) with the fields
  // of the CLI's flags: kind, base, epochs, lr, batch_size, max_length,
  // weight_decay, warmup_ratio, seed (and force for a retrain). Checked
  // before the job starts: InvalidArgument for a bad field, AlreadyExists
  // while a job runs. `gated`: retrain (loop::retrain) from the active
  // model's recipe, challenger vs the active model on the frozen holdout,
  // activated if not worse; else plain training into a candidate.
  Status start(const std::string& body, bool gated);
  TrainJob snapshot() const;
  // Called after a retrain activated a model (to load it for serving).
  void on_activate(std::function<void()> f) { on_activate_ = std::move(f); }

 private:
  // `hub_base`: a hub model name to resolve first (else the recipe's base
  // is already a folder).
  void run(ml::Recipe recipe, bool gated, bool force, const std::string& hub_base);
  SharedStore& store_;
  service::ModelLifecycle lifecycle_;
  std::function<void()> on_activate_;
  mutable std::mutex mu_;
  TrainJob job_;
  std::thread thread_;
};

Status post_webhook(const std::string& url, const AlertRecord& alert);

struct App {
  App(ServerOptions opts, std::unique_ptr<Store> s)
      : options(std::move(opts)),
        store(std::move(s), options.db_path),
        lifecycle(store, options.models_dir),
        reviews(store, options.uncertainty_band),
        trainer(store, options.models_dir),
        verdicts(store, options.log) {
    trainer.on_activate([this] {
      Status st = reload_active_model();
      if (!st.ok()) options.log("reloading the active model: " + st.message());
    });
  }
  ServerOptions options;
  SharedStore store;
  service::ModelLifecycle lifecycle;
  service::ReviewService reviews;
  ModelHolder model;
  // Held from "is it still the store's active model?" to the swap, so two
  // activations cannot finish in the opposite order.
  std::mutex model_swap_mu;
  Metrics metrics;
  TrainWorker trainer;
  service::VerdictRecorder verdicts;
  // Validated API keys (hash -> name): keys are never revoked while serving,
  // so evaluate calls skip the database.
  std::mutex key_cache_mu;
  std::map<std::string, std::string> key_cache;

  // Loads the active model from the registry into `model` (none: cleared).
  Status reload_active_model();
  // Logs new alerts and POSTs each to the webhook, if one is set.
  void notify_alerts(const std::vector<AlertRecord>& alerts);
};

}  // namespace hitloop::http
