// A trained model on disk: an artifact directory (weights, the training
// rows' keys, manifest.json with every file's checksum). Written in two
// steps so that the slow part needs no store: stage_artifact writes the
// files into a temporary directory; place_artifact numbers it, writes the
// manifest and renames it into place. Nothing half-written ever carries a
// version's name. Loading verifies the manifest and every checksum.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ml/evaluator.h"
#include "ml/manifest.h"
#include "ml/pipeline.h"

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

// Files written, not yet a version: removed when dropped unplaced.
class StagedArtifact {
 public:
  StagedArtifact() = default;
  StagedArtifact(std::string models_dir, std::string tmp_dir, Manifest manifest)
      : models_dir_(std::move(models_dir)),
        tmp_dir_(std::move(tmp_dir)),
        manifest_(std::move(manifest)) {}
  StagedArtifact(StagedArtifact&& o) noexcept { *this = std::move(o); }
  StagedArtifact& operator=(StagedArtifact&& o) noexcept;
  ~StagedArtifact();

  const Manifest& manifest() const { return manifest_; }
  const std::string& models_dir() const { return models_dir_; }

 private:
  void discard();
  friend Result<StagedArtifact> stage_artifact(const Model& model, Manifest manifest,
                                               const std::string& models_dir);
  friend Result<std::string> place_artifact(StagedArtifact& staged, int& version);
  std::string models_dir_, tmp_dir_;
  Manifest manifest_;
};

// Writes `model`'s files and the training rows into a temporary directory
// of `models_dir` and checksums them; fills the manifest's kind, checksums
// and created_at. The slow step (an encoder's weights are hundreds of MB).
Result<StagedArtifact> stage_artifact(const Model& model, Manifest manifest,
                                      const std::string& models_dir);

// Makes `staged` version `version` (or the first later one with no
// directory yet, which a crash between rename and registering leaves):
// writes its manifest and renames it to models_dir/vN. Returns that
// directory and sets `version` to the number it took.
Result<std::string> place_artifact(StagedArtifact& staged, int& version);

// Loads an artifact directory: verifies manifest format and checksums, then
// the weights through the evaluator of the manifest's kind.
Result<LoadedModel> load_artifact(const std::string& dir);

}  // namespace hitloop::ml
