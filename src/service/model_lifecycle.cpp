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
  std::optional<ModelRecord> active;
  HITLOOP_RETURN_IF_ERROR(store_.read([&](Store& s) -> Status {
    Result<ModelRecord> found = s.active_model();
    if (!found.ok() && !found.status().is_not_found()) return found.status();
    if (found.ok()) active = std::move(found).value();
    return Status::Ok();
  }));
  ml::Manifest manifest = ml::manifest_from(report, examples, active ? active->version : 0);
  bool activate =
      activation == Activation::kAlways || (activation == Activation::kIfNoneActive && !active);
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
  // Writing the weights (hundreds of MB for an encoder) needs no store.
  HITLOOP_ASSIGN_OR_RETURN(ml::StagedArtifact staged,
                           ml::stage_artifact(*report.model, std::move(manifest), models_dir_));
  HITLOOP_RETURN_IF_ERROR(store_.with([&](Store& s) -> Status {
    if (activate && activation == Activation::kIfNoneActive && !active) {
      // Another model may have become active while this one was written.
      Result<ModelRecord> now = s.active_model();
      if (now.ok()) activate = false;
      if (!now.ok() && !now.status().is_not_found()) return now.status();
    }
    HITLOOP_ASSIGN_OR_RETURN(out.version,
                             ml::Registry(s, models_dir_).commit(std::move(staged), activate));
    return Status::Ok();
  }));
  out.activated = activate;
  return out;
}

Result<service::RetrainOutcome> ModelLifecycle::retrain(const ml::Evaluator& evaluator,
                                                        const service::RetrainOptions& options) {
  service::RetrainPlan plan;
  HITLOOP_RETURN_IF_ERROR(store_.read([&](Store& s) -> Status {
    HITLOOP_ASSIGN_OR_RETURN(plan, service::plan_retrain(s, evaluator.kind(), options));
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
  HITLOOP_ASSIGN_OR_RETURN(service::Judged judged,
                           service::judge_challenger(plan, report, active, options));
  service::RetrainOutcome& outcome = judged.outcome;
  HITLOOP_ASSIGN_OR_RETURN(ml::StagedArtifact staged,
                           ml::stage_artifact(*judged.model, judged.manifest, models_dir_));
  HITLOOP_RETURN_IF_ERROR(store_.with([&](Store& s) -> Status {
    HITLOOP_ASSIGN_OR_RETURN(
        outcome.version, ml::Registry(s, models_dir_).commit(std::move(staged), outcome.activated));
    return Status::Ok();
  }));
  return outcome;
}

Result<Activated> ModelLifecycle::activate(int version) {
  ModelRecord record;
  HITLOOP_RETURN_IF_ERROR(store_.read([&](Store& s) -> Status {
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
  HITLOOP_RETURN_IF_ERROR(store_.read([&](Store& s) -> Status {
    HITLOOP_ASSIGN_OR_RETURN(record, s.active_model());
    return Status::Ok();
  }));
  return ml::load_artifact(record.path);  // reading the weights needs no store
}

Result<std::vector<ml::Example>> ModelLifecycle::training_examples() {
  std::vector<ml::Example> out;
  HITLOOP_RETURN_IF_ERROR(store_.read([&](Store& s) -> Status {
    HITLOOP_ASSIGN_OR_RETURN(out, service::training_examples(s));
    return Status::Ok();
  }));
  return out;
}

}  // namespace hitloop::service
