#include "loop/agreement.h"

#include <algorithm>
#include <set>
#include <utility>

#include "core/metrics.h"
#include "core/session.h"
#include "core/stats.h"

namespace hitloop::loop {

namespace {

Label to_label(bool good) { return good ? Label::kGood : Label::kBad; }

}  // namespace

AgreementStats compute_agreement(const std::vector<AgreementItem>& items) {
  AgreementStats s;
  std::vector<std::pair<Label, Label>> pairs;
  std::vector<int> labels;
  std::vector<double> scores;
  for (const AgreementItem& it : items) {
    s.n++;
    s.agree += (it.model_good == it.human_good);
    (it.human_good ? s.human_good : s.human_bad)++;
    s.false_pass += (it.model_good && !it.human_good);
    s.false_fail += (!it.model_good && it.human_good);
    pairs.emplace_back(to_label(it.model_good), to_label(it.human_good));
    labels.push_back(it.human_good ? 1 : 0);
    scores.push_back(it.score);
  }
  if (s.n > 0) s.agreement = static_cast<double>(s.agree) / static_cast<double>(s.n);
  s.kappa = cohen_kappa(pairs);
  if (s.human_bad > 0) {
    s.false_pass_rate = static_cast<double>(s.false_pass) / static_cast<double>(s.human_bad);
  }
  if (s.human_good > 0) {
    s.false_fail_rate = static_cast<double>(s.false_fail) / static_cast<double>(s.human_good);
  }
  if (s.n > 0) s.auroc = hitloop::auroc(labels, scores);
  return s;
}

std::map<std::string, AgreementStats> agreement_by_model_version(
    const std::vector<AgreementItem>& items) {
  return group_agreement(
      items, [](const AgreementItem& it) { return std::vector<std::string>{it.model_version}; });
}

std::map<std::string, AgreementStats> agreement_by_category(
    const std::vector<AgreementItem>& items) {
  return group_agreement(
      items, [](const AgreementItem& it) { return std::vector<std::string>{it.category}; });
}

std::map<std::string, AgreementStats> agreement_by_tag(const std::vector<AgreementItem>& items) {
  return group_agreement(items, [](const AgreementItem& it) {
    std::set<std::string> distinct(it.tags.begin(), it.tags.end());
    return std::vector<std::string>(distinct.begin(), distinct.end());
  });
}

Result<std::map<int64_t, AgreementStats>> agreement_by_time(const std::vector<AgreementItem>& items,
                                                            int64_t width_ms, int64_t origin_ms) {
  if (width_ms <= 0) return InvalidArgument("time bucket width must be positive");
  return group_agreement(items, [width_ms, origin_ms](const AgreementItem& it) {
    int64_t t = it.at_ms - origin_ms;
    int64_t q = t / width_ms;
    if (t % width_ms != 0 && t < 0) q--;
    return std::vector<int64_t>{origin_ms + q * width_ms};
  });
}

}  // namespace hitloop::loop
