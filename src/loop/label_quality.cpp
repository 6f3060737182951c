#include "loop/label_quality.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "loop/automation.h"

namespace hitloop::loop {

Result<std::vector<SecondReviewFlag>> flag_for_second_review(const std::vector<LabeledScore>& items,
                                                             double min_confidence,
                                                             double decision_threshold) {
  if (!(min_confidence >= 0.5 && min_confidence <= 1.0)) {
    return InvalidArgument("min_confidence must be in [0.5, 1]");
  }
  if (!(decision_threshold >= 0.0 && decision_threshold <= 1.0)) {
    return InvalidArgument("decision_threshold must be in [0, 1]");
  }
  std::vector<SecondReviewFlag> out;
  for (const LabeledScore& it : items) {
    if (!(it.score >= 0.0 && it.score <= 1.0)) {
      return InvalidArgument("score outside [0, 1] for session " + std::to_string(it.session_id));
    }
    bool model_good = it.score >= decision_threshold;
    double c = confidence(it.score);
    if (model_good != it.human_good && c >= min_confidence) {
      out.push_back({it.session_id, it.human_good, c});
    }
  }
  std::sort(out.begin(), out.end(), [](const SecondReviewFlag& a, const SecondReviewFlag& b) {
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    return a.session_id < b.session_id;
  });
  return out;
}

std::vector<ReviewerAgreement> reviewer_agreement(
    const std::vector<std::vector<Review>>& reviews_by_session) {
  StatsBuilder builder;
  for (const std::vector<Review>& reviews : reviews_by_session) builder.add(Session{}, reviews);
  return builder.finish().agreement;
}

PooledAgreement pooled_agreement(const std::vector<ReviewerAgreement>& pairs) {
  PooledAgreement p;
  double agreed = 0;
  for (const ReviewerAgreement& a : pairs) {
    p.overlap += a.overlap;
    agreed += a.agreement * static_cast<double>(a.overlap);
  }
  if (p.overlap > 0) p.agreement = agreed / static_cast<double>(p.overlap);
  return p;
}

}  // namespace hitloop::loop
