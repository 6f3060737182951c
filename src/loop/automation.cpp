#include "loop/automation.h"

#include <algorithm>
#include <cmath>

namespace hitloop::loop {

namespace {

bool valid_score(double s) { return s >= 0.0 && s <= 1.0; }  // false for NaN

Status validate(const AutomationParams& p) {
  if (!(p.target > 0.0 && p.target < 1.0)) return InvalidArgument("target must be in (0, 1)");
  if (p.min_support < 1) return InvalidArgument("min_support must be at least 1");
  if (!valid_score(p.decision_threshold)) {
    return InvalidArgument("decision_threshold must be in [0, 1]");
  }
  if (!(p.z > 0.0) || !std::isfinite(p.z)) return InvalidArgument("z must be positive");
  return Status::Ok();
}

}  // namespace

double wilson_lower_bound(int64_t successes, int64_t n, double z) {
  if (n <= 0) return 0.0;
  double nn = static_cast<double>(n);
  double p = static_cast<double>(successes) / nn;
  double z2 = z * z;
  double centre = p + z2 / (2 * nn);
  double spread = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  return std::max(0.0, (centre - spread) / (1 + z2 / nn));
}

double confidence(double score) { return std::max(score, 1.0 - score); }

Result<std::optional<AutomationThreshold>> automation_threshold(
    const std::vector<AuditedItem>& audited, const std::vector<double>& traffic_scores,
    const AutomationParams& params) {
  HITLOOP_RETURN_IF_ERROR(validate(params));
  // (confidence, verdict agrees with the human), most confident first.
  std::vector<std::pair<double, bool>> items;
  for (const AuditedItem& a : audited) {
    if (!valid_score(a.score)) return InvalidArgument("audited score outside [0, 1]");
    bool model_good = a.score >= params.decision_threshold;
    items.emplace_back(confidence(a.score), model_good == a.human_good);
  }
  for (double s : traffic_scores) {
    if (!valid_score(s)) return InvalidArgument("traffic score outside [0, 1]");
  }
  std::sort(items.begin(), items.end(),
            [](const auto& x, const auto& y) { return x.first > y.first; });

  std::optional<AutomationThreshold> best;
  int64_t n = 0, agree = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    n++;
    agree += items[i].second;
    // Only a full group of equal confidences forms a candidate threshold.
    if (i + 1 < items.size() && items[i + 1].first == items[i].first) continue;
    double lb = wilson_lower_bound(agree, n, params.z);
    if (n < params.min_support || lb < params.target) continue;
    AutomationThreshold t;
    t.confidence = items[i].first;
    t.support = n;
    t.agree = agree;
    t.agreement = static_cast<double>(agree) / static_cast<double>(n);
    t.lower_bound = lb;
    best = t;  // later candidates have smaller confidence
  }
  if (best) {
    best->traffic = static_cast<int64_t>(traffic_scores.size());
    for (double s : traffic_scores) best->automated += (confidence(s) >= best->confidence);
    if (best->traffic > 0) {
      best->traffic_share =
          static_cast<double>(best->automated) / static_cast<double>(best->traffic);
    }
  }
  return best;
}

Result<std::map<std::string, std::optional<AutomationThreshold>>> automation_by_category(
    const std::vector<AuditedItem>& audited, const std::vector<TrafficItem>& traffic,
    const AutomationParams& params) {
  std::map<std::string, std::pair<std::vector<AuditedItem>, std::vector<double>>> groups;
  for (const AuditedItem& a : audited) groups[a.category].first.push_back(a);
  for (const TrafficItem& t : traffic) groups[t.category].second.push_back(t.score);
  std::map<std::string, std::optional<AutomationThreshold>> out;
  for (const auto& [category, group] : groups) {
    HITLOOP_ASSIGN_OR_RETURN(auto t, automation_threshold(group.first, group.second, params));
    out.emplace(category, t);
  }
  if (groups.empty()) HITLOOP_RETURN_IF_ERROR(validate(params));
  return out;
}

}  // namespace hitloop::loop
