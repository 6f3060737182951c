#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "core/clock.h"
#include "http/app.h"
#include "hub/progress.h"
#include "ml/torch_module.h"
#include "service/loop_service.h"

namespace hitloop::http {
namespace {

using Json = nlohmann::json;

// The request's fields over `r`, with the CLI flags' meaning; unknown
// fields and wrong types are refused, so a typo never trains silently.
Status apply_fields(const Json& body, ml::Recipe& r, bool& force, std::string& base) {
  if (!body.is_object()) return InvalidArgument("the body must be a JSON object");
  auto number = [&](const std::string& key, auto& into) -> Status {
    if (!body[key].is_number()) return InvalidArgument("\"" + key + "\" must be a number");
    if (body[key].is_number_float() && std::is_integral_v<std::decay_t<decltype(into)>>) {
      return InvalidArgument("\"" + key + "\" must be a whole number");
    }
    double v = body[key].get<double>();
    if (std::is_integral_v<std::decay_t<decltype(into)>> && (v < -1e9 || v > 1e9)) {
      return InvalidArgument("\"" + key + "\" is out of range");
    }
    into = static_cast<std::decay_t<decltype(into)>>(v);
    return Status::Ok();
  };
  ml::EncoderTrainOptions& e = r.encoder;
  for (const auto& [key, value] : body.items()) {
    if (key == "kind" || key == "base") {
      if (!value.is_string()) return InvalidArgument("\"" + key + "\" must be a string");
      if (key == "kind") r.kind = value.get<std::string>();
      if (key == "base") base = value.get<std::string>();
    } else if (key == "force") {
      if (!value.is_boolean()) return InvalidArgument("\"force\" must be true or false");
      force = value.get<bool>();
    } else if (key == "seed") {
      int64_t seed = 0;
      HITLOOP_RETURN_IF_ERROR(number(key, seed));
      if (seed < 0) return InvalidArgument("\"seed\" must be >= 0");
      r.seed = static_cast<uint64_t>(seed);
    } else if (key == "epochs") {
      HITLOOP_RETURN_IF_ERROR(number(key, e.epochs));
    } else if (key == "batch_size") {
      HITLOOP_RETURN_IF_ERROR(number(key, e.batch_size));
    } else if (key == "max_length") {
      HITLOOP_RETURN_IF_ERROR(number(key, e.max_length));
    } else if (key == "lr" || key == "learning_rate") {
      HITLOOP_RETURN_IF_ERROR(number(key, e.learning_rate));
    } else if (key == "weight_decay") {
      HITLOOP_RETURN_IF_ERROR(number(key, e.weight_decay));
    } else if (key == "warmup_ratio") {
      HITLOOP_RETURN_IF_ERROR(number(key, e.warmup_ratio));
    } else {
      return InvalidArgument("unknown field \"" + key +
                             "\" (known: kind, base, epochs, lr, batch_size, max_length, "
                             "weight_decay, warmup_ratio, seed, force)");
    }
  }
  return Status::Ok();
}

// A hub download's progress as the job's lines: the hub's notes, and one
// line per file when it is complete (a job log has no bar to redraw).
class JobDownloadNotes : public hub::DownloadObserver {
 public:
  explicit JobDownloadNotes(std::function<void(const std::string&)> note)
      : note_(std::move(note)) {}
  void note(const std::string& line) override { note_(line); }
  void bytes(const std::string& file, int64_t done, int64_t total) override {
    if (total > 0 && done == total && file != last_) {
      last_ = file;
      note_("downloaded " + file + " (" + std::to_string(total) + " bytes)");
    }
  }

 private:
  std::function<void(const std::string&)> note_;
  std::string last_;
};

}  // namespace

TrainWorker::~TrainWorker() {
  if (thread_.joinable()) thread_.join();
}

Status TrainWorker::start(const std::string& body, bool gated) {
  // Everything is checked here, so a bad request is a 400, not a failed job.
  ml::Recipe recipe;
  if (gated) {
    HITLOOP_ASSIGN_OR_RETURN(
        recipe, store_.read_with([](Store& st) { return service::active_recipe(st); }));
  }
  bool force = false;
  std::string base;
  bool max_length_given = false;
  if (body.find_first_not_of(" \t\r\n") != std::string::npos) {
    Json j = Json::parse(body, nullptr, false);
    if (j.is_discarded()) return InvalidArgument("the body is not valid JSON");
    HITLOOP_RETURN_IF_ERROR(apply_fields(j, recipe, force, base));
    max_length_given = j.contains("max_length");
  }
  if (!gated && force) return InvalidArgument("\"force\" applies to POST /v1/retrain only");
  if (recipe.kind == "embed" && max_length_given) {
    return InvalidArgument(
        "\"max_length\" applies to kind encoder; kind embed cuts each text at the checkpoint's "
        "max_seq_length");
  }
  // A folder on the server is used as it is; any other "base" is a hub
  // model name, resolved by the job (from the HF cache, else downloaded),
  // so that the request never waits for a download.
  std::string hub_base;
  std::error_code ec;
  if (!base.empty() && std::filesystem::is_directory(base, ec)) {
    recipe.encoder.base_dir = std::filesystem::absolute(base).lexically_normal().string();
  } else if (!base.empty() && ml::uses_base_checkpoint(recipe.kind)) {
    hub_base = base;
    recipe.encoder.base_dir.clear();
  } else if (!base.empty()) {
    recipe.encoder.base_dir = base;  // refused below: not a checkpoint folder
  }
  HITLOOP_RETURN_IF_ERROR(ml::validate_recipe(
      recipe, /*cli=*/false, hub_base.empty() ? ml::BaseCheck::kNow : ml::BaseCheck::kLater));
  std::lock_guard lock(mu_);
  if (job_.state == JobState::kRunning) return AlreadyExists("a training job is already running");
  if (thread_.joinable()) thread_.join();
  job_ = TrainJob{JobState::kRunning, recipe.kind, now_ms(), {}, "", ""};
  thread_ = std::thread(&TrainWorker::run, this, recipe, gated, force, hub_base);
  return Status::Ok();
}

TrainJob TrainWorker::snapshot() const {
  std::lock_guard lock(mu_);
  return job_;
}

void TrainWorker::run(ml::Recipe recipe, bool gated, bool force, const std::string& hub_base) {
  auto note = [this](const std::string& line) {
    std::lock_guard lock(mu_);
    job_.progress.push_back(line);
  };
  auto finish = [this](const Status& st, int version) {
    std::lock_guard lock(mu_);
    job_.state = st.ok() ? JobState::kDone : JobState::kFailed;
    job_.error = st.ok() ? "" : st.message();
    job_.model = st.ok() && version ? "v" + std::to_string(version) : "";
  };
  if (!hub_base.empty()) {
    JobDownloadNotes notes(note);
    Result<std::string> dir = ml::resolve_base_checkpoint(hub_base, &notes);
    if (!dir.ok()) return finish(dir.status(), 0);
    note("base " + hub_base + ": " + *dir);
    recipe.encoder.base_dir = *dir;
    Status valid = ml::validate_recipe(recipe, /*cli=*/false);
    if (!valid.ok()) return finish(valid, 0);
  }
  const ml::Evaluator* evaluator = *ml::find_evaluator(recipe.kind);
  ml::TrainOptions options;
  options.seed = recipe.seed;
  options.encoder = recipe.encoder;
  if (gated) {
    service::RetrainOptions retrain;
    retrain.train = options;
    retrain.train.progress = [&](const std::string& line) { note("retrain: " + line); };
    retrain.force = force;
    // The store is taken only to read the labels and to register the
    // challenger: reviews and evaluate calls go on while it trains.
    Result<service::RetrainOutcome> outcome = lifecycle_.retrain(*evaluator, retrain);
    if (outcome.ok() && outcome->skipped) {
      note("retrain: " + outcome->reason);
      return finish(Status::Ok(), 0);
    }
    if (outcome.ok()) {
      note(std::string(outcome->activated ? "activated" : "kept as candidate") + " v" +
           std::to_string(outcome->version) + ": " + outcome->reason);
      if (outcome->activated && on_activate_) on_activate_();
    }
    return finish(outcome.status(), outcome.ok() ? outcome->version : 0);
  }
  Result<std::vector<ml::Example>> read = lifecycle_.training_examples();
  if (!read.ok()) return finish(read.status(), 0);
  note("training " + recipe.kind + " on " + std::to_string(read->size()) + " labeled sessions");
  options.progress = note;
  Result<service::Registered> registered =
      lifecycle_.train_and_register(*evaluator, *read, options, service::Activation::kNever);
  if (registered.ok()) note("saved candidate model v" + std::to_string(registered->version));
  finish(registered.status(), registered.ok() ? registered->version : 0);
}

Status App::reload_active_model() {
  Result<ml::LoadedModel> loaded = lifecycle.load_active();
  if (!loaded.ok()) {
    if (loaded.status().is_not_found()) {
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
    std::string text = "alert: pass rate " + std::string(direction_name(a.direction)) + " from " +
                       std::to_string(a.baseline) + " to " + std::to_string(a.observed) +
                       (a.category.empty() ? "" : " in " + a.category);
    options.log(text);
    if (options.alert_webhook.empty()) continue;
    Status st = post_webhook(options.alert_webhook, a);
    if (!st.ok()) options.log("alert webhook: " + st.message());
  }
}

}  // namespace hitloop::http
