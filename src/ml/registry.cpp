#include "ml/registry.h"

#include <filesystem>

namespace hitloop::ml {
namespace fs = std::filesystem;

Registry::Registry(ModelCatalog& catalog, std::string models_dir)
    : catalog_(catalog), dir_(std::move(models_dir)) {}

std::string Registry::default_models_dir(const std::string& db_path) {
  fs::path p(db_path);
  return (p.parent_path() / (p.stem().string() + ".models")).string();
}

Result<int> Registry::add(const Model& model, Manifest manifest, bool activate) {
  HITLOOP_ASSIGN_OR_RETURN(StagedArtifact staged, stage_artifact(model, std::move(manifest), dir_));
  return commit(std::move(staged), activate);
}

Result<int> Registry::commit(StagedArtifact staged, bool activate) {
  if (staged.models_dir() != dir_) {
    return InvalidArgument("the artifact was staged in " + staged.models_dir() + ", not in " +
                           dir_);
  }
  HITLOOP_ASSIGN_OR_RETURN(int last, catalog_.max_model_version());
  int version = last + 1;
  HITLOOP_ASSIGN_OR_RETURN(std::string final_dir, place_artifact(staged, version));
  const Manifest& manifest = staged.manifest();
  ModelRecord record;
  record.version = version;
  record.kind = manifest.kind;
  record.parent_version = manifest.parent_version;
  record.created_at_ms = manifest.created_at_ms;
  record.dataset_hash = manifest.dataset_hash;
  record.metrics_json = metrics_to_json(manifest.metrics);
  record.calibration_json = calibration_to_json(manifest.calibration);
  record.note = manifest.note;
  record.path = final_dir;
  Status added = catalog_.add_model(record, activate);
  if (!added.ok()) {
    std::error_code ec;
    fs::remove_all(final_dir, ec);
    return added;
  }
  return version;
}

Result<LoadedModel> Registry::load(int version) {
  Result<ModelRecord> record = version == 0 ? catalog_.active_model() : catalog_.get_model(version);
  if (!record.ok()) return record.status();
  return load_artifact(record->path);
}

Status Registry::activate(int version) { return catalog_.activate_model(version); }

nlohmann::ordered_json model_json(const ModelRecord& m) {
  using Json = nlohmann::ordered_json;
  Result<Manifest> manifest = read_manifest(m.path);
  const bool ok = manifest.ok();
  return {
      {"model", "v" + std::to_string(m.version)},
      {"kind", m.kind},
      {"status", model_status_name(m.status)},
      {"parent", m.parent_version ? Json("v" + std::to_string(m.parent_version)) : Json(nullptr)},
      {"created_at_ms", m.created_at_ms},
      {"metrics", Json::parse(m.metrics_json)},
      {"worse_than_chance", ok && manifest->worse_than_chance},
      {"note", m.note.empty() ? Json(nullptr) : Json(m.note)},
      {"gate", ok && manifest->gate ? Json::parse(gate_to_json(*manifest->gate)) : Json(nullptr)}};
}

}  // namespace hitloop::ml
