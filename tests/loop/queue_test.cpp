#include "loop/queue.h"

#include <gtest/gtest.h>

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

TEST(ReviewQueue, UncertainVerdictsClosestToTheirThresholdComeFirst) {
  std::vector<Candidate> cs = {unlabeled(1, 1, 0.58), unlabeled(2, 2, 0.47), unlabeled(3, 3, 0.71)};
  cs[2].threshold = 0.7;  // each candidate carries its own model's threshold
  Order expected = {{3, Q::kUncertain}, {2, Q::kUncertain}, {1, Q::kUncertain}};
  EXPECT_EQ(order_queue(cs, 0.1), expected);
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
