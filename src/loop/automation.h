// Which verdicts can move from humans to the model: per category, the
// confidence above which the model's verdicts agreed with human audits
// often enough, with a confidence bound, and the share of traffic that
// would then be automated.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace hitloop::loop {

// z for a one-sided 95% bound.
inline constexpr double kZ95OneSided = 1.6448536269514722;

// Lower end of the Wilson score interval for `successes` out of `n`:
//   (p + z²/2n - z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n),  p = successes/n.
// With the default z it is a one-sided 95% lower bound. 0 when n = 0.
double wilson_lower_bound(int64_t successes, int64_t n, double z = kZ95OneSided);

// The model's confidence in its verdict: max(score, 1 - score).
double confidence(double score);

struct AuditedItem {
  std::string category;
  double score = 0;  // the model's P(good)
  bool human_good = false;
};

struct TrafficItem {
  std::string category;
  double score = 0;
};

struct AutomationParams {
  double target = 0.95;             // required lower bound of the agreement
  int64_t min_support = 30;         // audited items at or above the threshold
  double decision_threshold = 0.5;  // verdict good iff score >= this
  double z = kZ95OneSided;
};

struct AutomationThreshold {
  double confidence = 0;     // c: automate verdicts with confidence >= c
  int64_t support = 0;       // audited items with confidence >= c
  int64_t agree = 0;         // of those, verdict == human label
  double agreement = 0;      // agree / support
  double lower_bound = 0;    // Wilson lower bound of the agreement
  int64_t traffic = 0;       // all traffic items considered
  int64_t automated = 0;     // of those, confidence >= c
  double traffic_share = 0;  // automated / traffic; 0 without traffic
};

// The smallest confidence c, among the audited items' confidences, such
// that the audited items with confidence >= c number at least min_support
// and the Wilson lower bound of their agreement is >= target. nullopt when
// no c qualifies. `traffic_scores` are the scores of all traffic (audited or
// not) for the automated share. Errors: scores outside [0, 1], target
// outside (0, 1), min_support < 1, decision_threshold outside [0, 1], z <= 0.
Result<std::optional<AutomationThreshold>> automation_threshold(
    const std::vector<AuditedItem>& audited, const std::vector<double>& traffic_scores,
    const AutomationParams& params = {});

// automation_threshold() per category (every category seen in either list).
Result<std::map<std::string, std::optional<AutomationThreshold>>> automation_by_category(
    const std::vector<AuditedItem>& audited, const std::vector<TrafficItem>& traffic,
    const AutomationParams& params = {});

}  // namespace hitloop::loop
