// manifest.json: what an artifact directory holds and how to trust it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/metrics.h"
#include "core/status.h"
#include "ml/calibration.h"
#include "ml/evaluator.h"

namespace hitloop::ml {

constexpr int kManifestFormat = 1;

// What a model was built from, so that a retrain can build the next one the
// same way: its kind, seed and, for an encoder, the base checkpoint and the
// fine-tuning settings.
struct Recipe {
  std::string kind = "ngram";
  uint64_t seed = 1;
  // Kind "encoder"; kind "embed" uses base_dir only. base_dir is absolute.
  EncoderTrainOptions encoder;
};

// Kinds trained from a base checkpoint (--base): "encoder" fine-tunes it,
// "embed" embeds with it frozen. Their recipes record the base.
bool uses_base_checkpoint(std::string_view kind);

// Checks a recipe before any work: a known kind; for an encoder, a base
// directory with a config.json and settings in range. `cli` names the
// settings as flags (--batch-size), else as JSON fields (batch_size).
// kLater leaves the base out, for a hub model that is resolved (perhaps
// downloaded) by the job itself; it is checked again once it is a folder.
enum class BaseCheck { kNow, kLater };
Status validate_recipe(const Recipe& recipe, bool cli, BaseCheck base = BaseCheck::kNow);

// The frozen-holdout figures of a retrain's gate: why a challenger was (not)
// activated, with both models' accuracy and AUROC at the time.
struct GateRecord {
  bool promoted = false;
  std::string reason;
  int64_t holdout_n = 0;
  double challenger_accuracy = 0;
  std::optional<double> challenger_auroc;
  int active_version = 0;  // 0: there was no active model
  std::optional<double> active_accuracy, active_auroc;
  std::optional<double> p_worse;
};

struct Manifest {
  int format_version = kManifestFormat;
  std::string kind;
  int version = 0;
  int parent_version = 0;
  std::string dataset_hash;
  // dataset_hash of the training examples with every weight 1: equal when
  // the labels are the same, whatever the oversampling weights were.
  std::string labels_hash;
  int64_t n_train = 0;
  std::string validation;
  Metrics metrics;
  std::map<std::string, Metrics> metrics_by_category;
  Platt calibration;
  double threshold = 0.5;  // good iff P(good) >= threshold
  std::string labels = "{0: bad, 1: good}";
  // AUROC of the raw margins below 0.5 on held-out data: such a model is
  // never activated automatically.
  bool worse_than_chance = false;
  std::optional<Recipe> recipe;    // absent in manifests written before it was recorded
  std::optional<GateRecord> gate;  // set by a retrain
  std::map<std::string, std::string> checksums;  // file -> BLAKE2b-256 hex
  int64_t created_at_ms = 0;
  std::string note;  // why it is (not) active; kept in the registry row, not the file
  // row_key() of every training example, sorted: the registry writes them
  // to kTrainingRowsFile beside the manifest (checksummed), not into it.
  std::vector<uint64_t> training_rows;
};

constexpr char kTrainingRowsFile[] = "training_rows.bin";

// The identity of an (input, output) pair, to tell whether evaluation data
// overlaps a model's training data.
uint64_t row_key(std::string_view input, std::string_view output);

// Sorted, distinct row keys of the examples.
std::vector<uint64_t> row_keys(const std::vector<Example>& examples);

std::string manifest_to_json(const Manifest& m);
// `origin` names the file in error messages.
Result<Manifest> parse_manifest(const std::string& text, const std::string& origin);

std::string metrics_to_json(const Metrics& m);
std::string calibration_to_json(const Platt& p);
std::string recipe_to_json(const Recipe& r);
std::string gate_to_json(const GateRecord& g);

// Reads manifest.json of an artifact directory without verifying checksums
// or loading weights (for listings and for a retrain's defaults).
Result<Manifest> read_manifest(const std::string& dir);

// The training row keys an artifact stored; empty for artifacts older than
// kTrainingRowsFile.
Result<std::vector<uint64_t>> read_training_rows(const std::string& dir);

// BLAKE2b-256 of a file's content, hex; IoError when unreadable.
Result<std::string> file_checksum(const std::string& path);

}  // namespace hitloop::ml
