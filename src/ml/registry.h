// The model registry: every trained model becomes a numbered version with an
// artifact directory (artifact.h) and a row in the model catalog. The row is
// added only after the directory is in place, so an interrupted write never
// changes which model is active or leaves a half-written version behind.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ml/artifact.h"
#include "store/store.h"

namespace hitloop::ml {

class Registry {
 public:
  Registry(ModelCatalog& catalog, std::string models_dir);

  // Where artifacts go when --models-dir is not given: beside the database.
  static std::string default_models_dir(const std::string& db_path);

  // Saves `model` as the next version: stage_artifact, then commit.
  // Returns the version.
  Result<int> add(const Model& model, Manifest manifest, bool activate);
  // Registers an artifact staged (without the catalog) as the next version.
  Result<int> commit(StagedArtifact staged, bool activate);

  // `version` 0 loads the active model.
  Result<LoadedModel> load(int version);
  Status activate(int version);
  Result<std::vector<ModelRecord>> list() { return catalog_.list_models(); }

  const std::string& models_dir() const { return dir_; }

 private:
  ModelCatalog& catalog_;
  std::string dir_;
};

// A registered model as `models list --json` and GET /v1/models show it:
// its row, and from its manifest (when readable) why it is (not) active:
// the worse-than-chance flag and the retrain gate's figures.
nlohmann::ordered_json model_json(const ModelRecord& m);

}  // namespace hitloop::ml
