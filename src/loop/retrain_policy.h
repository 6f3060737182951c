// Retraining policy: how much weight each training example gets (frequent
// eval-failure types are oversampled), and the champion/challenger gate that
// decides whether a retrained model replaces the active one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace hitloop::loop {

// ---- Oversampling --------------------------------------------------------

struct OversampleParams {
  double alpha = 1.0;       // extra weight for the most frequent failure tag
  double max_weight = 3.0;  // cap on any weight
};

// Weights, one per example, from each example's eval-failure tags (empty
// when it is no eval-failure). With freq(t) = the number of examples that
// carry tag t (an example counts once per distinct tag) and F = the largest
// freq:
//   weight = min(max_weight, 1 + alpha * max over the example's tags of freq(t) / F)
// so an untagged example weighs 1, an example of the most frequent failure
// type 1 + alpha, and rarer types proportionally less. The max (not the sum)
// over tags keeps examples with many tags from outweighing the rest.
// Errors: alpha < 0 or not finite, max_weight < 1.
Result<std::vector<double>> oversampling_weights(
    const std::vector<std::vector<std::string>>& failure_tags, const OversampleParams& params = {});

// ---- McNemar -------------------------------------------------------------

// Exact one-sided McNemar p-value: with b pairs the first model got right and
// the second wrong, and c the other way round, P(X >= b) for
// X ~ Binomial(b + c, 1/2): small when the second model is worse. 1 when b + c = 0.
double mcnemar_one_sided_p(int64_t b, int64_t c);

// Exact two-sided p-value, min(1, 2 * min(P(X >= b), P(X <= b))).
double mcnemar_two_sided_p(int64_t b, int64_t c);

// ---- Champion/challenger gate ----------------------------------------------

// A model's per-example correctness on the holdout (the same examples in the
// same order for both models) and its AUROC there, if known.
struct HoldoutResult {
  std::vector<bool> correct;
  std::optional<double> auroc;
};

struct GateParams {
  double tolerance = 0.0;  // challenger accuracy may be this much below the active one
  double alpha = 0.05;     // McNemar significance level for "worse"
};

enum class GateDecision { kPromote, kKeepCandidate };

struct GateResult {
  GateDecision decision = GateDecision::kKeepCandidate;
  std::string reason;
  double challenger_accuracy = 0;
  std::optional<double> active_accuracy;  // none without an active model
  std::optional<double> challenger_auroc, active_auroc;
  int64_t active_only_correct = 0;      // b: active right, challenger wrong
  int64_t challenger_only_correct = 0;  // c: challenger right, active wrong
  std::optional<double> p_worse;        // mcnemar_one_sided_p(b, c)
};

// Errors: tolerance < 0 or not finite, alpha outside (0, 1). Callers check
// this before any training, so a bad option costs nothing.
Status validate_gate_params(const GateParams& params);

// Never promote a challenger whose holdout AUROC is below 0.5 (it ranks
// worse than chance), not even without an active model. Otherwise promote
// iff there is no active model, or the challenger's accuracy is >= active
// accuracy - tolerance AND it is not significantly worse (p_worse >= alpha).
// Errors: an empty holdout, holdouts of different sizes, invalid params.
Result<GateResult> champion_challenger_gate(const std::optional<HoldoutResult>& active,
                                            const HoldoutResult& challenger,
                                            const GateParams& params = {});

}  // namespace hitloop::loop
