#include <chrono>

#include "core/clock.h"
#include "http/app.h"
#include "loop/loop_service.h"
#include "ml/train_manifest.h"
#include "store/dataset_queries.h"

namespace hitloop::http {
namespace {}  // namespace

TrainWorker::~TrainWorker() {
  if (thread_.joinable()) thread_.join();
}

Status TrainWorker::start(const std::string& kind, bool gated) {
  HITLOOP_RETURN_IF_ERROR(ml::find_evaluator(kind).status());
  std::lock_guard lock(mu_);
  if (job_.state == "running") return AlreadyExists("a training job is already running");
  if (thread_.joinable()) thread_.join();
  job_ = TrainJob{"running", kind, now_ms(), {}, "", ""};
  thread_ = std::thread(&TrainWorker::run, this, kind, gated);
  return Status::Ok();
}

TrainJob TrainWorker::snapshot() const {
  std::lock_guard lock(mu_);
  return job_;
}

void TrainWorker::run(std::string kind, bool gated) {
  auto note = [this](const std::string& line) {
    std::lock_guard lock(mu_);
    job_.progress.push_back(line);
  };
  auto finish = [this](const Status& st, int version) {
    std::lock_guard lock(mu_);
    job_.state = st.ok() ? "done" : "failed";
    job_.error = st.ok() ? "" : st.message();
    job_.model = st.ok() ? "v" + std::to_string(version) : "";
  };
  const ml::Evaluator* evaluator = *ml::find_evaluator(kind);
  if (gated) {
    ml::TrainOptions options;
    options.progress = note;
    // Retraining compares with the active model, so it holds the store for
    // its whole run: reviews wait, evaluate calls do not.
    Result<loop::RetrainOutcome> outcome = store_.with([&](Store& s) {
      return loop::retrain(s, *evaluator, models_dir_, options, loop::GateParams{});
    });
    if (outcome.ok()) {
      note(std::string(outcome->activated ? "activated" : "kept as candidate") + " v" +
           std::to_string(outcome->version) + ": " + outcome->reason);
      if (outcome->activated && on_activate_) on_activate_();
    }
    return finish(outcome.status(), outcome.ok() ? outcome->version : 0);
  }
  // Read the data under the lock, train without it, register under it.
  Result<std::vector<ml::Example>> read = store_.with(loop::training_examples);
  if (!read.ok()) return finish(read.status(), 0);
  std::vector<ml::Example> examples = std::move(read).value();
  note("training " + kind + " on " + std::to_string(examples.size()) + " labeled sessions");
  ml::TrainOptions options;
  options.progress = note;
  Result<ml::TrainReport> report = ml::train_with_validation(*evaluator, examples, options);
  if (!report.ok()) return finish(report.status(), 0);
  Result<int> version = store_.with([&](Store& s) -> Result<int> {
    Result<ModelRecord> active = s.active_model();
    ml::Manifest manifest = ml::manifest_from(*report, examples, active.ok() ? active->version : 0);
    ml::Registry registry(s, models_dir_);
    return registry.add(*report->model, manifest, false);
  });
  if (version.ok()) note("saved candidate model v" + std::to_string(*version));
  finish(version.status(), version.ok() ? *version : 0);
}

Status App::reload_active_model() {
  Result<ml::LoadedModel> loaded = store.with([this](Store& s) {
    ml::Registry registry(s, options.models_dir);
    return registry.load(0);
  });
  if (!loaded.ok()) {
    if (loaded.status().code() == StatusCode::kNotFound) {
      model.set(nullptr);
      return Status::Ok();
    }
    return loaded.status();
  }
  metrics.set_gauge("hitloop_active_model_version", loaded->version);
  model.set(std::make_shared<const ml::LoadedModel>(std::move(loaded).value()));
  return Status::Ok();
}

}  // namespace hitloop::http

namespace hitloop::http {

void App::notify_alerts(const std::vector<AlertRecord>& alerts) {
  for (const AlertRecord& a : alerts) {
    std::string text = "alert: pass rate " + a.direction + " from " + std::to_string(a.baseline) +
                       " to " + std::to_string(a.observed) +
                       (a.category.empty() ? "" : " in " + a.category);
    options.log(text);
    if (options.alert_webhook.empty()) continue;
    Status st = post_webhook(options.alert_webhook, a);
    if (!st.ok()) options.log("alert webhook: " + st.message());
  }
}

}  // namespace hitloop::http
