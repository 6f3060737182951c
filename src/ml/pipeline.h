// Training with honest measurement: held-out metrics first (stratified
// 5-fold below 2,000 rows, else a stratified 80/20 split; seeded; rows that
// share a model_input always on one side), Platt
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
#include "ml/manifest.h"
#include "core/metrics.h"

namespace hitloop::ml {

struct TrainReport {
  std::unique_ptr<Model> model;
  Platt calibration;
  double threshold = 0.5;                      // decision threshold on P(good)
  Metrics metrics;                             // held-out, as held_out_metrics()
  std::map<std::string, Metrics> by_category;  // held-out, when examples have categories
  bool worse_than_chance = false;              // held-out AUROC of the raw margins < 0.5
  Recipe recipe;                               // kind, seed and encoder settings used
  std::string validation;                      // e.g. "5-fold cross-validation by model_input"
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

// Metrics per category for scored examples. With `margins`, AUROC comes
// from them (as in held_out_metrics).
std::map<std::string, Metrics> metrics_by_category(const std::vector<Example>& examples,
                                                   const std::vector<double>& scores,
                                                   double threshold,
                                                   const std::vector<double>* margins = nullptr);

// How every figure hitloop reports about a model on labeled data is
// computed (training's held-out metrics, eval, the retrain gate): verdicts
// and calibration figures on the calibrated scores at the threshold, AUROC
// on the raw margins, so that a constant calibration (see fit_platt) cannot
// hide a model that ranks worse than chance.
struct Scored {
  Metrics metrics;
  std::map<std::string, Metrics> by_category;
  std::vector<double> scores;  // calibrated P(good), per example
};
Scored score_examples(const std::vector<Example>& examples, const std::vector<double>& margins,
                      const Platt& calibration, double threshold);

// One progress line with the figures saved in the manifest.
std::string held_out_line(const Metrics& m, double threshold);

}  // namespace hitloop::ml
