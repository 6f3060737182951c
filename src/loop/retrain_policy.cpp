#include "loop/retrain_policy.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace hitloop::loop {

Result<std::vector<double>> oversampling_weights(
    const std::vector<std::vector<std::string>>& failure_tags, const OversampleParams& params) {
  if (!(params.alpha >= 0.0) || !std::isfinite(params.alpha)) {
    return InvalidArgument("alpha must be a non-negative number");
  }
  if (!(params.max_weight >= 1.0)) return InvalidArgument("max_weight must be at least 1");
  std::map<std::string, int64_t> freq;
  for (const auto& tags : failure_tags) {
    for (const std::string& t : std::set<std::string>(tags.begin(), tags.end())) freq[t]++;
  }
  int64_t max_freq = 0;
  for (const auto& [tag, f] : freq) max_freq = std::max(max_freq, f);
  std::vector<double> weights;
  weights.reserve(failure_tags.size());
  for (const auto& tags : failure_tags) {
    int64_t f = 0;
    for (const std::string& t : tags) f = std::max(f, freq[t]);
    double w = 1.0;
    if (f > 0) w += params.alpha * static_cast<double>(f) / static_cast<double>(max_freq);
    weights.push_back(std::min(w, params.max_weight));
  }
  return weights;
}

namespace {

// P(X >= k) for X ~ Binomial(n, 1/2), summed in log space.
double upper_tail(int64_t k, int64_t n) {
  if (k <= 0) return 1.0;
  if (k > n) return 0.0;
  double log_half_n = static_cast<double>(n) * std::log(0.5);
  double lgn = std::lgamma(static_cast<double>(n) + 1);
  double sum = 0.0;
  for (int64_t i = k; i <= n; ++i) {
    double lc =
        lgn - std::lgamma(static_cast<double>(i) + 1) - std::lgamma(static_cast<double>(n - i) + 1);
    sum += std::exp(lc + log_half_n);
  }
  return std::min(1.0, sum);
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

}  // namespace

double mcnemar_one_sided_p(int64_t b, int64_t c) { return upper_tail(b, b + c); }

double mcnemar_two_sided_p(int64_t b, int64_t c) {
  int64_t n = b + c;
  double upper = upper_tail(b, n), lower = upper_tail(n - b, n);  // P(X <= b) by symmetry
  return std::min(1.0, 2 * std::min(upper, lower));
}

Status validate_gate_params(const GateParams& params) {
  if (!(params.tolerance >= 0.0) || !std::isfinite(params.tolerance)) {
    return InvalidArgument("tolerance must be a number >= 0");
  }
  if (!(params.alpha > 0.0 && params.alpha < 1.0)) {
    return InvalidArgument("alpha must be in (0, 1)");
  }
  return Status::Ok();
}

Result<GateResult> champion_challenger_gate(const std::optional<HoldoutResult>& active,
                                            const HoldoutResult& challenger,
                                            const GateParams& params) {
  HITLOOP_RETURN_IF_ERROR(validate_gate_params(params));
  if (challenger.correct.empty()) return InvalidArgument("the holdout is empty");
  if (active && active->correct.size() != challenger.correct.size()) {
    return InvalidArgument("active and challenger holdout results differ in size");
  }
  GateResult r;
  const double n = static_cast<double>(challenger.correct.size());
  r.challenger_accuracy =
      static_cast<double>(std::count(challenger.correct.begin(), challenger.correct.end(), true)) /
      n;
  r.challenger_auroc = challenger.auroc;
  const bool below_chance = challenger.auroc && *challenger.auroc < 0.5;
  const std::string chance_reason = "challenger ranks the holdout worse than chance (AUROC " +
                                    fmt(challenger.auroc.value_or(0.5)) + " < 0.5)";
  if (!active) {
    r.decision = below_chance ? GateDecision::kKeepCandidate : GateDecision::kPromote;
    r.reason = below_chance ? chance_reason : "no active model";
    return r;
  }
  r.active_auroc = active->auroc;
  r.active_accuracy =
      static_cast<double>(std::count(active->correct.begin(), active->correct.end(), true)) / n;
  for (size_t i = 0; i < challenger.correct.size(); ++i) {
    r.active_only_correct += (active->correct[i] && !challenger.correct[i]);
    r.challenger_only_correct += (challenger.correct[i] && !active->correct[i]);
  }
  r.p_worse = mcnemar_one_sided_p(r.active_only_correct, r.challenger_only_correct);
  std::string figures = "accuracy " + fmt(r.challenger_accuracy) + " vs active " +
                        fmt(*r.active_accuracy) + ", McNemar p(worse) = " + fmt(*r.p_worse);
  // The epsilon keeps an accuracy exactly at active - tolerance from failing on rounding.
  if (below_chance) {
    r.reason = chance_reason + ": " + figures;
  } else if (r.challenger_accuracy + params.tolerance + 1e-12 < *r.active_accuracy) {
    r.reason = "challenger accuracy below active minus tolerance " + fmt(params.tolerance) + ": " +
               figures;
  } else if (*r.p_worse < params.alpha) {
    r.reason = "challenger significantly worse (alpha " + fmt(params.alpha) + "): " + figures;
  } else {
    r.decision = GateDecision::kPromote;
    r.reason = "challenger not worse: " + figures;
  }
  return r;
}

}  // namespace hitloop::loop
