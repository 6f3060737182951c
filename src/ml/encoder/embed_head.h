// The embed kind's head: an L2-regularised logistic regression on the pair
// features [u, v, |u - v|, u * v, cos(u, v)] of the input's embedding u and
// the output's v (InferSent's / Sentence-BERT's classifier input, plus the
// cosine), each feature standardised on the training rows. Its
// regularisation is chosen on inner folds that keep a model_input on one
// side, as the n-gram kind chooses its own. No libtorch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "ml/evaluator.h"

namespace hitloop::ml::encoder {

// The regularisation strengths tried (DualOptions::c: weight of the data
// term against 0.5 |w|^2); class-balanced weights make them comparable
// across data sets of one size.
inline constexpr double kHeadCGrid[] = {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0};
// Used when there are too few rows for inner folds.
inline constexpr double kHeadDefaultC = 0.03;

struct EmbedHead {
  size_t dim = 0;             // embedding size d; features are 4d + 1
  std::vector<float> mean;    // per feature, subtracted
  std::vector<float> scale;   // per feature, 1/std (0: constant on the training rows)
  std::vector<float> weight;  // per feature, then the bias
  double c = 0;               // the regularisation chosen

  static size_t feature_count(size_t dim) { return 4 * dim + 1; }
  // The raw pair features of embeddings u and v (d floats each).
  static void pair_features(const float* u, const float* v, size_t dim, float* out);

  // Log-odds of "good".
  double margin(const float* u, const float* v) const;
  // The margin split by feature group (input, output, |difference|,
  // product, cosine, bias), largest push first.
  std::vector<Contribution> explain(const float* u, const float* v, size_t top_k) const;

  std::string to_json() const;
  // Checks sizes against `dim` and that every number is finite.
  static Result<EmbedHead> from_json(const std::string& text, const std::string& origin,
                                     size_t dim);
};

struct HeadData {
  size_t dim = 0;
  std::vector<float> u, v;  // row-major, rows x dim
  std::vector<int> labels;
  std::vector<double> weights;   // example weights
  std::vector<uint64_t> groups;  // group_key of each row's input
};

// Fits the head; `summary` gets one line on the choice of C.
EmbedHead train_head(const HeadData& data, uint64_t seed, int threads, std::string& summary);

}  // namespace hitloop::ml::encoder
