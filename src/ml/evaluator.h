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

struct TrainOptions {
  uint64_t seed = 1;
  int threads = 0;  // 0 = library default
  ProgressFn progress = [](const std::string&) {};
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
};

// The evaluator for a kind name ("ngram"), or InvalidArgument naming the
// known kinds.
Result<const Evaluator*> find_evaluator(std::string_view kind);

// Adds a kind (the pointer must outlive every use; evaluators are static).
void register_evaluator(const Evaluator* evaluator);

}  // namespace hitloop::ml
