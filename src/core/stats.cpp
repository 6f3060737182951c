#include "core/stats.h"

namespace hitloop {

std::optional<double> cohen_kappa(const std::vector<std::pair<Label, Label>>& pairs) {
  if (pairs.empty()) return std::nullopt;
  double n = static_cast<double>(pairs.size());
  double agree = 0, a_good = 0, b_good = 0;
  for (auto [a, b] : pairs) {
    agree += (a == b);
    a_good += (a == Label::kGood);
    b_good += (b == Label::kGood);
  }
  double po = agree / n;
  double pe = (a_good / n) * (b_good / n) + (1 - a_good / n) * (1 - b_good / n);
  if (pe >= 1.0) return std::nullopt;
  return (po - pe) / (1 - pe);
}

void StatsBuilder::add(const Session& session, const std::vector<Review>& reviews) {
  CountStats& cat = stats_.categories[session.category];
  std::optional<Label> label = majority_label(reviews);
  for (CountStats* c : {&stats_.total, &cat}) {
    c->sessions++;
    if (label) {
      c->labeled++;
      (*label == Label::kGood ? c->good : c->bad)++;
    }
  }
  std::map<std::string, Label> latest;
  for (const Review& r : reviews) {
    stats_.reviews_by_reviewer[r.reviewer]++;
    latest[r.reviewer] = r.label;
  }
  for (auto i = latest.begin(); i != latest.end(); ++i) {
    for (auto j = std::next(i); j != latest.end(); ++j) {
      pairs_[{i->first, j->first}].emplace_back(i->second, j->second);
    }
  }
}

DatasetStats StatsBuilder::finish() const {
  DatasetStats out = stats_;
  for (const auto& [names, labels] : pairs_) {
    ReviewerAgreement a;
    a.a = names.first;
    a.b = names.second;
    a.overlap = static_cast<int64_t>(labels.size());
    int64_t same = 0;
    for (auto [x, y] : labels) same += (x == y);
    a.agreement = static_cast<double>(same) / static_cast<double>(labels.size());
    a.kappa = cohen_kappa(labels);
    out.agreement.push_back(std::move(a));
  }
  return out;
}

}  // namespace hitloop
