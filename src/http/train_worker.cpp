#include <chrono>

#include "http/app.h"
#include "ml/pipeline.h"
#include "store/dataset_queries.h"

namespace hitloop::http {
namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

TrainWorker::~TrainWorker() {
  if (thread_.joinable()) thread_.join();
}

Status TrainWorker::start(const std::string& kind) {
  HITLOOP_RETURN_IF_ERROR(ml::find_evaluator(kind).status());
  std::lock_guard lock(mu_);
  if (job_.state == "running") return AlreadyExists("a training job is already running");
  if (thread_.joinable()) thread_.join();
  job_ = TrainJob{"running", kind, now_ms(), {}, "", ""};
  thread_ = std::thread(&TrainWorker::run, this, kind);
  return Status::Ok();
}

TrainJob TrainWorker::snapshot() const {
  std::lock_guard lock(mu_);
  return job_;
}

void TrainWorker::run(std::string kind) {
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
  // Read the data under the lock, train without it, register under it.
  Result<std::vector<LabeledSession>> sessions =
      store_.with([](Store& s) { return collect_sessions(s, true); });
  if (!sessions.ok()) return finish(sessions.status(), 0);
  std::vector<ml::Example> examples;
  for (LabeledSession& s : *sessions) {
    if (!s.label) continue;
    examples.push_back({std::move(s.session.model_input), std::move(s.session.model_output),
                        std::move(s.session.category), label_value(*s.label), 1.0});
  }
  note("training " + kind + " on " + std::to_string(examples.size()) + " labeled sessions");
  ml::TrainOptions options;
  options.progress = note;
  Result<ml::TrainReport> report = ml::train_with_validation(*evaluator, examples, options);
  if (!report.ok()) return finish(report.status(), 0);
  Result<int> version = store_.with([&](Store& s) -> Result<int> {
    ml::Manifest manifest;
    Result<ModelRecord> active = s.active_model();
    manifest.parent_version = active.ok() ? active->version : 0;
    manifest.dataset_hash = ml::dataset_hash(examples);
    manifest.n_train = report->n_examples;
    manifest.validation = report->validation;
    manifest.metrics = report->metrics;
    manifest.metrics_by_category = report->by_category;
    manifest.calibration = report->calibration;
    manifest.threshold = report->threshold;
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
