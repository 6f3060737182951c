// The model registry: every trained model becomes a numbered version with an
// artifact directory (weights + manifest.json) and a row in the store.
// Artifacts are written under a temporary name and renamed into place, and
// the row is added only after the rename, so an interrupted write never
// changes which model is active or leaves a half-written version behind.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "ml/evaluator.h"
#include "ml/manifest.h"
#include "ml/pipeline.h"
#include "store/store.h"

namespace hitloop::ml {

// A model ready to score: immutable, shareable across threads.
struct LoadedModel {
  int version = 0;   // 0 for a directory loaded outside the registry
  std::string name;  // "v3", or the directory
  std::string dir;   // the artifact directory; "" for a model not loaded from one
  Manifest manifest;
  std::shared_ptr<const Model> model;

  // Calibrated P(good) per pair.
  void score(std::span<const TextPair> pairs, std::span<double> out) const;
  double score(const TextPair& pair) const;
  bool is_good(double score) const { return score >= manifest.threshold; }
};

// The model's figures on labeled examples, computed as training computed its
// held-out figures (score_examples): eval and the retrain gate use this.
Scored evaluate_model(const LoadedModel& model, const std::vector<Example>& examples);

// "v3" or "3" -> 3; InvalidArgument otherwise.
Result<int> parse_version(std::string_view text);

class Registry {
 public:
  Registry(Store& store, std::string models_dir);

  // Where artifacts go when --models-dir is not given: beside the database.
  static std::string default_models_dir(const std::string& db_path);

  // Saves `model` as the next version; fills manifest.version, checksums and
  // created_at. Returns the version.
  Result<int> add(const Model& model, Manifest manifest, bool activate);

  // `version` 0 loads the active model.
  Result<LoadedModel> load(int version);
  Status activate(int version);
  Result<std::vector<ModelRecord>> list() { return store_.list_models(); }

 private:
  Store& store_;
  std::string dir_;
};

// A registered model as `models list --json` and GET /v1/models show it:
// its row, and from its manifest (when readable) why it is (not) active:
// the worse-than-chance flag and the retrain gate's figures.
nlohmann::ordered_json model_json(const ModelRecord& m);

// Loads an artifact directory: verifies manifest format and checksums, then
// the weights through the evaluator of the manifest's kind.
Result<LoadedModel> load_artifact(const std::string& dir);

}  // namespace hitloop::ml
