// Small gradient-boosted trees for the log-loss over a few dense features
// (the n-gram evaluator's pair features): histogram splits, Newton leaf
// values (XGBoost's second-order rule with an L2 penalty on leaves), trees
// of one fixed depth, seeded row subsampling. Tens of features and a few
// hundred trees of depth 3 score a row in about a microsecond, which keeps
// the evaluator inside its latency budget; a general library (XGBoost) would
// add a per-call setup cost larger than the whole model.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace hitloop::ml::ngram {

struct GbmOptions {
  int max_trees = 300;
  int depth = 3;
  double learning_rate = 0.05;
  double l2 = 1.0;           // penalty on leaf values
  double min_hessian = 2.0;  // smallest Hessian sum a child may have
  int max_bins = 32;
  double subsample = 0.8;  // share of rows each tree sees
  uint64_t seed = 1;
};

// A complete binary tree in arrays: node i has children 2i+1 (x <= threshold)
// and 2i+2; the last 2^depth nodes are leaves. Every node keeps its Newton
// value so that a prediction can be explained split by split.
struct Tree {
  std::vector<uint16_t> feature;  // internal nodes only
  std::vector<float> threshold;   // internal nodes only; +inf: no split
  std::vector<float> value;       // all nodes
};

class Gbm {
 public:
  Gbm() = default;
  Gbm(int n_features, int depth, double base)
      : n_features_(n_features), depth_(depth), base_(base) {}

  int n_features() const { return n_features_; }
  size_t size() const { return trees_.size(); }
  double predict(const float* x) const;
  // Saabas attribution: each split's change of value goes to its feature;
  // the roots' values and the base go to `bias`.
  void explain(const float* x, std::span<double> per_feature, double& bias) const;
  void keep_first(size_t n_trees) { trees_.resize(std::min(n_trees, trees_.size())); }
  void add(Tree tree) { trees_.push_back(std::move(tree)); }
  const Tree& tree(size_t i) const { return trees_[i]; }
  static double tree_predict(const Tree& t, int depth, const float* x);

  void serialize(std::string& out) const;
  // Refuses anything malformed (a hostile artifact must not index out of range).
  static Result<Gbm> parse(std::string_view& in);

 private:
  int n_features_ = 0;
  int depth_ = 3;
  double base_ = 0;
  std::vector<Tree> trees_;
};

// Row-major features (`x.size() == labels.size() * n_features`). After each
// tree, `after_tree(model)` may record validation scores; returning false
// stops the training.
Gbm train_gbm(std::span<const float> x, int n_features, const std::vector<int>& labels,
              const std::vector<double>& weights, const GbmOptions& options,
              const std::function<bool(const Gbm&)>& after_tree = nullptr);

}  // namespace hitloop::ml::ngram
