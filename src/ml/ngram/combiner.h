// The stacker of the n-gram evaluator's candidates: a logistic regression
// on their out-of-fold margins, with non-negative weights (a candidate that
// would enter with a negative weight is dropped, not inverted) and a mild
// L2 penalty. When the combination does not beat the best single candidate
// on the inner folds, that candidate alone is kept: the user's labels decide
// whether their task is about the output's content, its grounding in the
// input, or both.
#pragma once

#include <vector>

#include "ml/split.h"

namespace hitloop::ml::ngram {

struct Stacked {
  double bias = 0;
  std::vector<double> weights;  // one per candidate; 0 = not used
  double auroc = 0;             // mean AUROC over the folds of the combined margins
};

// AUROC of margins `m` on each fold's held-out rows, averaged over the folds.
double mean_fold_auroc(const std::vector<double>& m, const std::vector<int>& labels,
                       const std::vector<Fold>& folds);

// `margins[c][i]`: candidate c's out-of-fold margin of row i.
Stacked fit_combiner(const std::vector<std::vector<double>>& margins,
                     const std::vector<int>& labels, const std::vector<Fold>& folds);

}  // namespace hitloop::ml::ngram
