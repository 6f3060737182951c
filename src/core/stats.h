// Dataset statistics and inter-rater agreement, computed from sessions and
// their reviews as a store streams them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/session.h"

namespace hitloop {

// Cohen's kappa for two raters over the same items. nullopt when it is
// undefined: no items, or both raters always gave the same single label.
std::optional<double> cohen_kappa(const std::vector<std::pair<Label, Label>>& pairs);

struct CountStats {
  int64_t sessions = 0;
  int64_t labeled = 0;
  int64_t good = 0;
  int64_t bad = 0;
};

struct ReviewerAgreement {
  std::string a, b;
  int64_t overlap = 0;  // sessions both labeled (their latest review each)
  double agreement = 0;
  std::optional<double> kappa;
};

struct DatasetStats {
  CountStats total;
  std::map<std::string, CountStats> categories;  // "" = no category
  std::map<std::string, int64_t> reviews_by_reviewer;
  std::vector<ReviewerAgreement> agreement;
};

class StatsBuilder {
 public:
  // `reviews` in chronological order.
  void add(const Session& session, const std::vector<Review>& reviews);
  DatasetStats finish() const;

 private:
  DatasetStats stats_;
  // (reviewer a, reviewer b) with a < b -> their labels on shared sessions.
  std::map<std::pair<std::string, std::string>, std::vector<std::pair<Label, Label>>> pairs_;
};

}  // namespace hitloop
