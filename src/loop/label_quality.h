// Label quality: human labels the model contradicts with high confidence go
// to a second reviewer before they enter training (a confident-learning style
// filter), and how well reviewers agree with each other.
#pragma once

#include <cstdint>
#include <vector>

#include "core/session.h"
#include "core/stats.h"
#include "core/status.h"

namespace hitloop::loop {

inline constexpr double kDefaultSecondReviewConfidence = 0.9;

struct LabeledScore {
  int64_t session_id = 0;
  bool human_good = false;
  double score = 0;  // the model's P(good)
};

struct SecondReviewFlag {
  int64_t session_id = 0;
  bool human_good = false;
  double confidence = 0;  // max(score, 1 - score)
};

// Items whose human label differs from the model's verdict (good iff score
// >= decision_threshold) while the model's confidence max(score, 1 - score)
// is >= min_confidence, most confident first (then by session id). Errors:
// min_confidence outside [0.5, 1], decision_threshold outside [0, 1], a
// score outside [0, 1].
Result<std::vector<SecondReviewFlag>> flag_for_second_review(
    const std::vector<LabeledScore>& items, double min_confidence = kDefaultSecondReviewConfidence,
    double decision_threshold = 0.5);

// Reviewer-vs-reviewer agreement over sessions, from each session's reviews
// in chronological order (each reviewer's latest review counts): one entry
// per pair of reviewers who labeled a common session (core StatsBuilder).
std::vector<ReviewerAgreement> reviewer_agreement(
    const std::vector<std::vector<Review>>& reviews_by_session);

struct PooledAgreement {
  int64_t overlap = 0;   // reviewer-pair comparisons over all pairs
  double agreement = 0;  // share of those comparisons that agreed; 0 without any
};

// All pairs of `reviewer_agreement()` pooled, weighted by their overlap.
PooledAgreement pooled_agreement(const std::vector<ReviewerAgreement>& pairs);

}  // namespace hitloop::loop
