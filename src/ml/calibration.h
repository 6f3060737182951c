// Platt scaling: P(good) = 1 / (1 + exp(a * margin + b)), fitted on
// out-of-fold margins so that the probabilities mean what they say.
#pragma once

#include <vector>

namespace hitloop::ml {

struct Platt {
  double a = -1.0;  // the identity sigmoid by default
  double b = 0.0;
  double apply(double margin) const;
};

// Platt (1999) with the regularised targets and the Newton method of
// Lin, Lin & Weng (2007). `labels`: 1 good, 0 bad.
Platt fit_platt(const std::vector<double>& margins, const std::vector<int>& labels);

}  // namespace hitloop::ml
