// Platt scaling: P(good) = 1 / (1 + exp(a * margin + b)), fitted on
// held-out margins so that the probabilities mean what they say, and made
// to hold on the few held-out rows an encoder's 20% or a small label set
// gives.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hitloop::ml {

// How a calibration was fitted (the manifest records it).
enum class PlattFit {
  kDefault,            // not fitted: the identity sigmoid, or a manifest older than the field
  kSlopeAndIntercept,  // both fitted, the slope under a prior towards -1
  kInterceptOnly,      // too few rows for a slope: a = -1, only b fitted
  kBaseRate,           // the margins run against the labels: a = 0
};

struct Platt {
  double a = -1.0;  // the identity sigmoid by default
  double b = 0.0;
  PlattFit fit = PlattFit::kDefault;
  int64_t n = 0;  // rows it was fitted on
  double apply(double margin) const;
};

// Below either, the slope is not fitted: a separable handful of rows would
// stretch it without bound (8 held-out rows gave a = -11.5).
constexpr int64_t kPlattMinRows = 30;
constexpr int64_t kPlattMinPerClass = 5;
// The prior on the slope weighs as much as this many rows like the data.
constexpr double kPlattPriorRows = 10;

// Platt (1999) with the regularised targets (n+ + 1)/(n+ + 2) and
// 1/(n- + 2) and the Newton method of Lin, Lin & Weng (2007), made robust
// for small n:
// - the slope has a Gaussian prior centred on a = -1 (margins are log-odds,
//   so that is the model's own probability) whose precision is
//   kPlattPriorRows rows' worth of the data's information about the slope:
//   its weight, kPlattPriorRows / (n + kPlattPriorRows), fades as n grows;
// - below kPlattMinRows rows or kPlattMinPerClass of either class, a = -1
//   and only the intercept is fitted;
// - P(good) never decreases with the margin: where the margins do not
//   correlate positively with the labels the fit is the constant base rate
//   (a = 0) rather than a flip.
// `labels`: 1 good, 0 bad. No margins: the identity sigmoid.
Platt fit_platt(const std::vector<double>& margins, const std::vector<int>& labels);

// "slope_and_intercept", "intercept_only", "base_rate" or "default".
const char* platt_fit_name(PlattFit fit);
PlattFit platt_fit_from_name(const std::string& name);  // unknown: kDefault

// One line for people: "Platt a=-1.000 b=0.123, intercept only (8 rows < 30)".
std::string describe(const Platt& p);

}  // namespace hitloop::ml
