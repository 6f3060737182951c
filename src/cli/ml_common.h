// What the model commands (train, eval, predict, score, models) share:
// reading labeled examples, finding the model a --model flag names, and
// printing metrics.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/metrics.h"
#include "ml/evaluator.h"
#include "ml/registry.h"

namespace hitloop::cli {

// Labeled examples from a CSV/JSONL file. Without `unlabeled` every row must
// carry a label; with it, rows without one are skipped and counted there.
Result<std::vector<ml::Example>> examples_from_file(const std::string& path,
                                                    int64_t* unlabeled = nullptr);
// Labeled examples from the store: each session's majority human label,
// without the frozen holdout (service::training_examples).
Result<std::vector<ml::Example>> examples_from_store(Store& store);

// `spec`: "" (the active model), "v3"/"3", an artifact directory, or a HF
// DistilBERT/BERT checkpoint directory (no manifest.json: identity
// calibration, threshold 0.5). `options.max_length` applies to the latter.
// Opens the store only when needed.
Result<ml::LoadedModel> resolve_model(Context& ctx, const std::string& spec,
                                      const ml::LoadOptions& options = {});
// --max-length N of predict/eval/score (0 when absent).
Result<ml::LoadOptions> load_options(const Args& args);

std::string models_dir(const Context& ctx, const Args& args);

void print_metrics(std::ostream& out, const Metrics& m,
                   const std::map<std::string, Metrics>& by_category);
std::string metrics_json(const Metrics& m, const std::map<std::string, Metrics>& by_category);

// The flags that say how to train (--kind, --seed, --base and the encoder's
// fine-tuning settings), shared by train and retrain.
const std::vector<Flag>& recipe_flags();
// `defaults` with the recipe flags given in `args` applied (--base made
// absolute), validated before any work is done.
Result<ml::Recipe> recipe_from_args(const Args& args, ml::Recipe defaults);
// TrainOptions that train by `recipe`.
ml::TrainOptions train_options(const ml::Recipe& recipe, int threads);

struct TrainRequest {
  ml::Recipe recipe;
  int threads = 0;
  std::string models_dir;
  // Activate the new model. Without it only a first model is activated,
  // and never one that ranks held-out data worse than chance.
  bool activate = false;
  bool json = false;
};

// Trains with held-out validation, registers the model as the next version
// and prints the metrics. Shared by `train` and `demo`.
Result<int> train_and_register(Context& ctx, Store& store, const ml::Evaluator& evaluator,
                               const std::vector<ml::Example>& examples,
                               const TrainRequest& request);

// `demo --loop`: simulated days of traffic, review, monitoring, retraining.
int run_loop_demo(Context& ctx, Store& store, const std::string& models_dir);

// Warns once on stderr when a text is longer than the model reads.
void warn_if_truncated(Context& ctx, const ml::LoadedModel& model, std::string_view what,
                       size_t bytes);

}  // namespace hitloop::cli
