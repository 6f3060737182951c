// Training with honest measurement: held-out metrics first (stratified
// 5-fold below 2,000 rows, else a stratified 80/20 split; seeded), Platt
// calibration on the out-of-fold margins, then the final fit on everything.
// A self-validating evaluator (Evaluator::self_validating, the fine-tuned
// encoder) instead gets one stratified 80/20 split: it trains on the 80%,
// keeps its best epoch on the 20%, calibration is fitted there, and that
// model is the final one (no refit).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ml/calibration.h"
#include "ml/evaluator.h"
#include "ml/metrics.h"

namespace hitloop::ml {

struct TrainReport {
  std::unique_ptr<Model> model;
  Platt calibration;
  double threshold = 0.5;                      // decision threshold on P(good)
  Metrics metrics;                             // held-out, on calibrated scores
  std::map<std::string, Metrics> by_category;  // held-out, when examples have categories
  std::string validation;  // "5-fold cross-validation" / "80/20 split" / "80/20 split, best epoch"
  int64_t n_examples = 0;
  double train_seconds = 0;
};

// Fails with InvalidArgument for fewer than 10 examples or a single class.
Result<TrainReport> train_with_validation(const Evaluator& evaluator,
                                          const std::vector<Example>& examples,
                                          const TrainOptions& options);

// The threshold on P(good) that maximises macro-F1 on held-out scores: with
// imbalanced classes 0.5 would rarely call anything bad.
double choose_threshold(const std::vector<int>& labels, const std::vector<double>& scores);

// A stable hash of the examples' texts, labels and weights (hex).
std::string dataset_hash(const std::vector<Example>& examples);

// Metrics overall and per category for scored examples.
std::map<std::string, Metrics> metrics_by_category(const std::vector<Example>& examples,
                                                   const std::vector<double>& scores,
                                                   double threshold);

}  // namespace hitloop::ml
