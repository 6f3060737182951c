// The Evaluator interface: every kind of evaluation model (the n-gram model,
// fine-tuned encoders) trains from labeled pairs, saves itself into an
// artifact directory, loads back, and produces raw margins (log-odds of
// "good"). Calibration into probabilities is shared and lives in the
// manifest, so every kind is calibrated the same way.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace hitloop::ml {

struct TextPair {
  std::string_view input;
  std::string_view output;
};

struct Example {
  std::string input;
  std::string output;
  std::string category;
  int label = 0;  // 1 good, 0 bad
  double weight = 1.0;
};

// One feature's push on the margin: positive pushes towards "good".
struct Contribution {
  std::string feature;
  double value;
};

// Progress lines for long work; the CLI prints them to stderr.
using ProgressFn = std::function<void(const std::string&)>;

// Fine-tuning settings of the "encoder" kind; the defaults are the reference
// recipe's (HF Trainer: lr 2e-5, batch 8, 3 epochs, weight decay 0.01).
struct EncoderTrainOptions {
  std::string base_dir;  // a HF DistilBERT/BERT checkpoint directory
  int epochs = 3;
  double learning_rate = 2e-5;
  int batch_size = 8;
  int max_length = 128;  // tokens per (input, output) pair
  double weight_decay = 0.01;
  double warmup_ratio = 0.0;  // share of the steps the learning rate ramps up over
  double max_grad_norm = 1.0;
  // HF Trainer exempts biases and LayerNorm weights from weight decay; true
  // decays every parameter (plain torch.optim.AdamW, as in the parity golden).
  bool decay_all_parameters = false;
};

struct TrainOptions {
  uint64_t seed = 1;
  int threads = 0;  // 0 = library default
  ProgressFn progress = [](const std::string&) {};
  EncoderTrainOptions encoder;
  // For a self-validating evaluator: held-out examples it scores after each
  // epoch, keeping the best epoch. Not owned; null when there are none.
  const std::vector<Example>* validation = nullptr;
};

// How a saved model is opened for scoring.
struct LoadOptions {
  int max_length = 0;  // encoder: tokens per pair; 0 = what the model was trained with
  int threads = 0;     // 0 = library default
};

class Model {
 public:
  virtual ~Model() = default;
  virtual std::string_view kind() const = 0;
  // Raw log-odds of "good" for each pair; `out.size() == pairs.size()`.
  virtual void margins(std::span<const TextPair> pairs, std::span<double> out) const = 0;
  // The features that moved this pair's margin most, largest first.
  virtual std::vector<Contribution> explain(const TextPair& pair, size_t top_k) const = 0;
  // Longest text (bytes) the model reads; longer texts are truncated.
  virtual size_t max_text_bytes() const = 0;
  // Writes the model's files into `dir` (which exists and is empty).
  virtual Status save(const std::string& dir) const = 0;
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual std::string_view kind() const = 0;
  virtual Result<std::unique_ptr<Model>> train(const std::vector<Example>& examples,
                                               const TrainOptions& options) const = 0;
  virtual Result<std::unique_ptr<Model>> load(const std::string& dir) const = 0;
  virtual Result<std::unique_ptr<Model>> load_with(const std::string& dir,
                                                   const LoadOptions& /*options*/) const {
    return load(dir);
  }
  // True when train() measures itself on TrainOptions::validation each epoch
  // and keeps its best epoch (fine-tuning, too slow for k-fold and a refit):
  // the pipeline then uses one 80/20 split and keeps the trained model.
  virtual bool self_validating() const { return false; }
};

// The evaluator for a kind name ("ngram"), or InvalidArgument naming the
// known kinds.
Result<const Evaluator*> find_evaluator(std::string_view kind);

// Adds a kind (the pointer must outlive every use; evaluators are static).
void register_evaluator(const Evaluator* evaluator);

}  // namespace hitloop::ml
