// The order in which sessions are offered to human reviewers.
//
// Order, highest priority first, and why:
//   0. kSecondOpinion: labels flagged for a second review (label_quality.h).
//      A suspect label may already be in the training data or about to
//      enter it; confirming or correcting it protects every later model.
//   1. kUncertain: unlabeled sessions whose score lies within `band` of the
//      decision threshold, oldest first. Active learning: these are the
//      labels the model learns the most from, and the verdicts most likely
//      wrong. The band decides who is uncertain; inside it the order is by
//      age, not by distance to the threshold: closest-first put whole
//      batches on the thinnest slice of scores around the threshold and
//      trained worse models than random labels on the two noisy shared data
//      sets (bench/active_learning_bench.cpp, docs/loop.md).
//   2. kAudit: the random audit sample (sampling.h), oldest first. It is the
//      unbiased estimate of model-vs-human agreement; it must not be skipped
//      in favour of "interesting" sessions or the estimate becomes biased.
//   3. kUnlabeled: every other unlabeled session, oldest first.
// A session appears once, under the first reason that applies. Labeled
// sessions enter only through kSecondOpinion or kAudit (the caller sets
// `audit_sampled` only while the audit is still pending); a labeled session
// near the threshold is not re-queued, or the queue would never drain.
// Ties: older first, then smaller session id, so the order is total.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace hitloop::loop {

// `hitloop serve --uncertainty-band`'s default: |P(good) - threshold| <= 0.1.
inline constexpr double kDefaultUncertaintyBand = 0.1;

enum class QueueReason { kUncertain, kAudit, kUnlabeled, kSecondOpinion };

struct Candidate {
  int64_t session_id = 0;
  std::optional<double> score;  // P(good) from the active model; none when not scored
  double threshold = 0.5;       // the active model's decision threshold
  bool audit_sampled = false;   // in the audit sample and not yet audited
  bool labeled = false;         // has a human label
  bool needs_second_review = false;
  int64_t created_at_ms = 0;
};

// The ordered queue as (session id, reason). A negative or NaN
// `uncertainty_band` makes no session uncertain; a NaN score counts as none.
std::vector<std::pair<int64_t, QueueReason>> order_queue(std::vector<Candidate> candidates,
                                                         double uncertainty_band);

}  // namespace hitloop::loop
