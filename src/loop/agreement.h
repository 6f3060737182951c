// Model-vs-human agreement: how often the evaluator's verdict matches the
// human label, Cohen's kappa, and the two kinds of error, overall or grouped
// by any key (model version, category, tag, time bucket).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace hitloop::loop {

// One session with both a model verdict and a human label.
struct AgreementItem {
  bool model_good = false;  // the verdict: score >= the model's threshold
  bool human_good = false;  // the human label
  double score = 0;         // the model's P(good)
  std::string category;
  std::vector<std::string> tags;  // the human's tags
  std::string model_version;
  int64_t at_ms = 0;  // when the verdict was made
};

struct AgreementStats {
  int64_t n = 0;
  int64_t agree = 0;
  double agreement = 0;         // agree / n; 0 when n = 0
  std::optional<double> kappa;  // hitloop::cohen_kappa; undefined with one label only
  int64_t human_good = 0, human_bad = 0;
  int64_t false_pass = 0;  // model good, human bad
  int64_t false_fail = 0;  // model bad, human good
  // false_pass / human_bad: the share of responses humans judged bad that
  // the model let through. Undefined without human-bad items.
  std::optional<double> false_pass_rate;
  // false_fail / human_good: the share of good responses the model failed.
  std::optional<double> false_fail_rate;
  std::optional<double> auroc;  // of the scores against the human labels
};

AgreementStats compute_agreement(const std::vector<AgreementItem>& items);

// Groups items by the keys `keys(item)` returns (a std::vector of any
// ordered type: an item may fall into several groups, as with tags, or
// none) and computes the stats of each group.
template <typename KeyFn>
auto group_agreement(const std::vector<AgreementItem>& items, KeyFn keys) {
  using Key = typename decltype(keys(std::declval<const AgreementItem&>()))::value_type;
  std::map<Key, std::vector<AgreementItem>> groups;
  for (const AgreementItem& item : items) {
    for (const Key& k : keys(item)) groups[k].push_back(item);
  }
  std::map<Key, AgreementStats> out;
  for (const auto& [k, group] : groups) out.emplace(k, compute_agreement(group));
  return out;
}

std::map<std::string, AgreementStats> agreement_by_model_version(
    const std::vector<AgreementItem>& items);
std::map<std::string, AgreementStats> agreement_by_category(
    const std::vector<AgreementItem>& items);
// Each distinct tag of an item counts once; untagged items are in no group.
std::map<std::string, AgreementStats> agreement_by_tag(const std::vector<AgreementItem>& items);
inline constexpr int64_t kWeekMs = 7LL * 24 * 3600 * 1000;
// Monday 1970-01-05 00:00 UTC: weeks counted from here start on Monday, as
// ISO 8601 weeks do (the epoch itself was a Thursday).
inline constexpr int64_t kIsoWeekOriginMs = 4LL * 24 * 3600 * 1000;

// Keyed by bucket start, origin_ms + floor((at_ms - origin_ms) / width_ms) *
// width_ms. Error: width_ms <= 0.
Result<std::map<int64_t, AgreementStats>> agreement_by_time(const std::vector<AgreementItem>& items,
                                                            int64_t width_ms,
                                                            int64_t origin_ms = 0);

}  // namespace hitloop::loop
