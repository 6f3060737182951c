#include "loop/queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace hitloop::loop {
namespace {

using Q = QueueReason;
using Order = std::vector<std::pair<int64_t, QueueReason>>;

Candidate unlabeled(int64_t id, int64_t t, std::optional<double> score = std::nullopt) {
  Candidate c;
  c.session_id = id;
  c.created_at_ms = t;
  c.score = score;
  return c;
}

TEST(ReviewQueue, OrdersSecondOpinionsThenUncertainThenAuditThenUnlabeled) {
  std::vector<Candidate> cs;
  cs.push_back(unlabeled(1, 100, 0.95));  // confident, unlabeled
  Candidate audit = unlabeled(2, 500, 0.99);
  audit.audit_sampled = true;
  cs.push_back(audit);
  cs.push_back(unlabeled(3, 900, 0.55));  // uncertain
  Candidate second = unlabeled(4, 1000, 0.9);
  second.labeled = true;
  second.needs_second_review = true;
  cs.push_back(second);
  Order expected = {{4, Q::kSecondOpinion}, {3, Q::kUncertain}, {2, Q::kAudit}, {1, Q::kUnlabeled}};
  EXPECT_EQ(order_queue(cs, 0.1), expected);
}

TEST(ReviewQueue, UncertainVerdictsAreServedOldestFirstNotClosestToTheThresholdFirst) {
  // 3 is the closest to its threshold (0.01) and 1 the farthest (0.08): the
  // band decides who is uncertain, age decides the order within it.
  std::vector<Candidate> cs = {unlabeled(1, 1, 0.58), unlabeled(2, 2, 0.47), unlabeled(3, 3, 0.71)};
  cs[2].threshold = 0.7;  // each candidate carries its own model's threshold
  Order expected = {{1, Q::kUncertain}, {2, Q::kUncertain}, {3, Q::kUncertain}};
  EXPECT_EQ(order_queue(cs, 0.1), expected);
}

TEST(ReviewQueue, ABatchFromAFullBandSpansTheBandInsteadOfCrowdingAtTheThreshold) {
  // 400 uncertain sessions whose scores cover the band [0.4, 0.6] evenly and
  // do not depend on age. Closest-first would serve a first batch of 50 all
  // within 0.0125 of the threshold, the slice where labels are noisiest
  // (docs/loop.md, "Measured"); the batch must reach across the band.
  std::vector<Candidate> cs;
  for (int i = 0; i < 400; ++i) {
    int64_t age = (i * 7919) % 400;  // a permutation of 0..399, unrelated to the score
    cs.push_back(unlabeled(i + 1, age, 0.4 + 0.2 * i / 399.0));
  }
  Order order = order_queue(cs, 0.1);
  ASSERT_EQ(order.size(), 400u);
  double below = 0, above = 0, farthest = 0;
  for (size_t k = 0; k < 50; ++k) {
    EXPECT_EQ(order[k].second, Q::kUncertain);
    const Candidate& c = cs[order[k].first - 1];
    EXPECT_EQ(c.created_at_ms, static_cast<int64_t>(k));  // the 50 oldest, in age order
    (*c.score < 0.5 ? below : above) += 1;
    farthest = std::max(farthest, std::fabs(*c.score - 0.5));
  }
  EXPECT_GT(farthest, 0.09);
  EXPECT_GE(below, 10);  // both sides of the threshold are asked about
  EXPECT_GE(above, 10);
}

TEST(ReviewQueue, TheBandIsInclusiveAndScoresOutsideItAreMerelyUnlabeled) {
  std::vector<Candidate> cs = {unlabeled(1, 10, 0.75), unlabeled(2, 20, 0.76)};
  Order expected = {{1, Q::kUncertain}, {2, Q::kUnlabeled}};
  EXPECT_EQ(order_queue(cs, 0.25), expected);
}

TEST(ReviewQueue, AuditAndUnlabeledSessionsAreServedOldestFirst) {
  std::vector<Candidate> cs = {unlabeled(1, 300), unlabeled(2, 100), unlabeled(3, 200),
                               unlabeled(4, 50), unlabeled(5, 10)};
  cs[3].audit_sampled = true;
  cs[4].audit_sampled = true;
  Order expected = {
      {5, Q::kAudit}, {4, Q::kAudit}, {2, Q::kUnlabeled}, {3, Q::kUnlabeled}, {1, Q::kUnlabeled}};
  EXPECT_EQ(order_queue(cs, 0.1), expected);
}

TEST(ReviewQueue, LabeledSessionsWithNothingPendingAreExcluded) {
  Candidate done = unlabeled(1, 1, 0.5);  // right at the threshold, but already labeled
  done.labeled = true;
  Candidate audited_pending = unlabeled(2, 2, 0.9);
  audited_pending.labeled = true;
  audited_pending.audit_sampled = true;
  Order expected = {{2, Q::kAudit}};
  EXPECT_EQ(order_queue({done, audited_pending}, 0.1), expected);
}

TEST(ReviewQueue, UnscoredSessionsAndABadBandNeverCountAsUncertain) {
  std::vector<Candidate> cs = {unlabeled(1, 2), unlabeled(2, 1, std::nan("")),
                               unlabeled(3, 3, 0.5)};
  Order with_band = {{3, Q::kUncertain}, {2, Q::kUnlabeled}, {1, Q::kUnlabeled}};
  EXPECT_EQ(order_queue(cs, 0.05), with_band);
  Order negative = {{2, Q::kUnlabeled}, {1, Q::kUnlabeled}, {3, Q::kUnlabeled}};
  EXPECT_EQ(order_queue(cs, -1.0), negative);
  EXPECT_EQ(order_queue(cs, std::nan("")), negative);
}

TEST(ReviewQueue, TiesAreBrokenByAgeThenIdSoTheOrderIsTotal) {
  std::vector<Candidate> cs = {unlabeled(9, 5, 0.75), unlabeled(7, 5, 0.25), unlabeled(8, 4, 0.75)};
  Order expected = {{8, Q::kUncertain}, {7, Q::kUncertain}, {9, Q::kUncertain}};
  EXPECT_EQ(order_queue(cs, 0.3), expected);
}

}  // namespace
}  // namespace hitloop::loop
