#include "service/model_lifecycle.h"

#include <optional>

#include "ml/train_manifest.h"

namespace hitloop::service {

Result<Registered> ModelLifecycle::train_and_register(const ml::Evaluator& evaluator,
                                                      const std::vector<ml::Example>& examples,
                                                      const ml::TrainOptions& options,
                                                      Activation activation) {
  Registered out;
  HITLOOP_ASSIGN_OR_RETURN(out.report, ml::train_with_validation(evaluator, examples, options));
  const ml::TrainReport& report = out.report;
  Status st = store_.with([&](Store& s) -> Status {
    Result<ModelRecord> active = s.active_model();
    if (!active.ok() && !active.status().is_not_found()) return active.status();
    const int parent = active.ok() ? active->version : 0;
    ml::Manifest manifest = ml::manifest_from(report, examples, parent);
    bool activate = activation == Activation::kAlways ||
                    (activation == Activation::kIfNoneActive && !active.ok());
    if (report.worse_than_chance) {
      manifest.note = "worse than chance on held-out data";
      if (activation == Activation::kAlways) {
        out.warnings.push_back(
            "activating a model that ranks held-out data worse than chance, as --activate asks");
      } else {
        activate = false;
        if (activation == Activation::kIfNoneActive)
          manifest.note += ": not activated (activate it by hand if you must)";
      }
    }
    ml::Registry registry(s, models_dir_);
    HITLOOP_ASSIGN_OR_RETURN(out.version, registry.add(*report.model, manifest, activate));
    out.activated = activate;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<loop::RetrainOutcome> ModelLifecycle::retrain(const ml::Evaluator& evaluator,
                                                     const loop::RetrainOptions& options) {
  loop::RetrainPlan plan;
  HITLOOP_RETURN_IF_ERROR(store_.read([&](Store& s) -> Status {
    HITLOOP_ASSIGN_OR_RETURN(plan, loop::plan_retrain(s, evaluator.kind(), options));
    return Status::Ok();
  }));
  if (plan.outcome.skipped) return plan.outcome;
  if (options.train.progress) options.train.progress(plan.summary);
  HITLOOP_ASSIGN_OR_RETURN(ml::TrainReport report,
                           ml::train_with_validation(evaluator, plan.train, options.train));
  // The champion as it is now (it may have changed while the challenger
  // trained). Any failure but "none is active" stops the retrain: a model
  // that cannot be read must not let an unchecked challenger in.
  std::optional<ml::LoadedModel> active;
  Result<ml::LoadedModel> loaded = load_active();
  if (loaded.ok()) {
    active = std::move(loaded).value();
  } else if (!loaded.status().is_not_found()) {
    return Status(loaded.status().code(),
                  "cannot compare with the active model: " + loaded.status().message());
  }
  HITLOOP_ASSIGN_OR_RETURN(loop::Judged judged,
                           loop::judge_challenger(plan, report, active, options));
  loop::RetrainOutcome& outcome = judged.outcome;
  HITLOOP_RETURN_IF_ERROR(store_.with([&](Store& s) -> Status {
    ml::Registry registry(s, models_dir_);
    HITLOOP_ASSIGN_OR_RETURN(outcome.version,
                             registry.add(*judged.model, judged.manifest, outcome.activated));
    return Status::Ok();
  }));
  return outcome;
}

Result<Activated> ModelLifecycle::activate(int version) {
  ModelRecord record;
  HITLOOP_RETURN_IF_ERROR(store_.with([&](Store& s) -> Status {
    HITLOOP_ASSIGN_OR_RETURN(record, s.get_model(version));
    return Status::Ok();
  }));
  Activated out;
  HITLOOP_ASSIGN_OR_RETURN(out.model, ml::load_artifact(record.path));
  if (out.model.manifest.worse_than_chance) {
    out.warning = "v" + std::to_string(version) +
                  " ranks held-out data worse than chance (AUROC below 0.5); its verdicts are "
                  "not to be trusted";
  }
  HITLOOP_RETURN_IF_ERROR(
      store_.with([&](Store& s) { return ml::Registry(s, models_dir_).activate(version); }));
  return out;
}

Result<ml::LoadedModel> ModelLifecycle::load_active() {
  ModelRecord record;
  HITLOOP_RETURN_IF_ERROR(store_.with([&](Store& s) -> Status {
    HITLOOP_ASSIGN_OR_RETURN(record, s.active_model());
    return Status::Ok();
  }));
  return ml::load_artifact(record.path);  // reading the weights needs no store
}

Result<std::vector<ml::Example>> ModelLifecycle::training_examples() {
  std::vector<ml::Example> out;
  HITLOOP_RETURN_IF_ERROR(store_.read([&](Store& s) -> Status {
    HITLOOP_ASSIGN_OR_RETURN(out, loop::training_examples(s));
    return Status::Ok();
  }));
  return out;
}

}  // namespace hitloop::service
