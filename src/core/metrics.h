// Quality of a good/bad evaluator against human labels. "Positive" for
// precision/recall/F1 is the bad class: catching bad responses is the job.
// Pure arithmetic on labels and scores: training (ml) and the feedback loop's
// agreement figures (loop) both use it, and loop depends on core alone.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace hitloop {

struct Confusion {
  int64_t true_good = 0;   // human good, model good
  int64_t false_bad = 0;   // human good, model bad  (false fail)
  int64_t false_good = 0;  // human bad, model good  (false pass)
  int64_t true_bad = 0;    // human bad, model bad
};

struct Metrics {
  int64_t n = 0;
  double accuracy = 0;
  double precision_bad = 0, recall_bad = 0, f1_bad = 0;
  double f1_good = 0, macro_f1 = 0;
  std::optional<double> auroc;  // undefined with one class
  double brier = 0;
  double ece = 0;  // expected calibration error, 10 equal-width bins
  // The rows ECE was computed on, reported beside it: on a few dozen rows
  // ECE is mostly sampling noise (a perfectly calibrated model shows about
  // 0.3 on 8 rows), so a figure without its n misleads.
  int64_t ece_n = 0;
  Confusion confusion;
};

// `labels`: 1 good, 0 bad. `scores`: P(good). Verdict good iff score >= threshold.
Metrics compute_metrics(const std::vector<int>& labels, const std::vector<double>& scores,
                        double threshold = 0.5);

// Area under the ROC curve, ties counted as one half (the Mann-Whitney U).
std::optional<double> auroc(const std::vector<int>& labels, const std::vector<double>& scores);

// Mean |accuracy - confidence| over `bins` equal-width bins of P(good),
// weighted by bin size (confidence and accuracy of the "good" outcome).
double expected_calibration_error(const std::vector<int>& labels, const std::vector<double>& scores,
                                  int bins = 10);

}  // namespace hitloop
