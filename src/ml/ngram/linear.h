// L2-regularised, class-weighted logistic regression on sparse rows, solved
// to convergence by dual coordinate descent.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ml/ngram/featurizer.h"

namespace hitloop::ml::ngram {

struct Row {
  std::vector<SparseFeature> features;
  int label = 0;
  double weight = 1.0;  // class weight times example weight
};

inline double dot(const std::vector<float>& w, std::span<const SparseFeature> x) {
  double s = 0;
  for (const SparseFeature& f : x) s += static_cast<double>(w[f.index]) * f.value;
  return s;
}

struct DualOptions {
  // Weight of the data term against the L2 penalty, as in liblinear and
  // sklearn: minimises 0.5 |w|^2 + c * sum_i weight_i * log(1 + exp(-y_i w.x_i)).
  double c = 0.5;
  int max_passes = 50;
  // Stops once the largest dual gradient of a pass falls below this.
  double tolerance = 0.1;
  uint64_t seed = 1;
};

// Solves the problem above exactly (up to `tolerance`) by coordinate descent
// on its dual, one Newton-solved variable per row (Yu, Huang & Lin, "Dual
// coordinate descent methods for logistic regression", 2011). Unlike SGD it
// needs no step size, and the example weights bound each dual variable.
std::vector<float> train_logistic_dual(const std::vector<const Row*>& rows, size_t dim,
                                       const DualOptions& options);

}  // namespace hitloop::ml::ngram
