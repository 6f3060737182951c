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
// Lin, Lin & Weng (2007), constrained to a <= 0 so that P(good) never
// decreases with the margin: where the margins are anti-correlated with the
// labels the fit is the constant base rate (a = 0) rather than a flip.
// `labels`: 1 good, 0 bad. No margins: the identity sigmoid.
Platt fit_platt(const std::vector<double>& margins, const std::vector<int>& labels);

}  // namespace hitloop::ml
