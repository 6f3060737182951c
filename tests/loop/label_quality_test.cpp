#include "loop/label_quality.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hitloop::loop {
namespace {

std::vector<int64_t> ids(const std::vector<SecondReviewFlag>& flags) {
  std::vector<int64_t> out;
  for (const auto& f : flags) out.push_back(f.session_id);
  return out;
}

std::vector<LabeledScore> labeled() {
  return {
      {1, true, 0.05},   // model says bad at 0.95: flagged
      {2, false, 0.92},  // model says good at 0.92: flagged
      {3, true, 0.12},   // contradicted at only 0.88
      {4, true, 0.97},   // agrees
      {5, false, 0.9},   // exactly at the default 0.9: flagged
      {6, true, 0.05},   // ties with 1, ordered by id
  };
}

TEST(LabelQuality, FlagsConfidentContradictionsMostConfidentFirst) {
  auto flags = flag_for_second_review(labeled());
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(ids(*flags), std::vector<int64_t>({1, 6, 2, 5}));
  EXPECT_DOUBLE_EQ((*flags)[0].confidence, 0.95);
  EXPECT_TRUE((*flags)[0].human_good);
  EXPECT_FALSE((*flags)[2].human_good);
}

TEST(LabelQuality, ALowerConfidenceBarFlagsMore) {
  auto flags = flag_for_second_review(labeled(), 0.85);
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(ids(*flags), std::vector<int64_t>({1, 6, 2, 5, 3}));
}

TEST(LabelQuality, TheVerdictUsesTheModelsDecisionThreshold) {
  std::vector<LabeledScore> items = {{7, false, 0.3}};
  EXPECT_TRUE(flag_for_second_review(items, 0.7)->empty());  // verdict bad: agrees
  auto flags = flag_for_second_review(items, 0.7, 0.25);     // verdict good: contradicts
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(ids(*flags), std::vector<int64_t>({7}));
}

TEST(LabelQuality, RejectsBadConfidenceThresholdsAndScores) {
  EXPECT_TRUE(flag_for_second_review({}, 0.4).status().is_invalid_argument());
  EXPECT_TRUE(flag_for_second_review({}, 1.1).status().is_invalid_argument());
  EXPECT_TRUE(flag_for_second_review({}, 0.9, -0.1).status().is_invalid_argument());
  EXPECT_TRUE(flag_for_second_review({{1, true, 1.5}}).status().is_invalid_argument());
}

Review review(int64_t id, std::string who, Label l) {
  Review r;
  r.id = id;
  r.reviewer = std::move(who);
  r.label = l;
  return r;
}

TEST(LabelQuality, ReviewerAgreementUsesEachReviewersLatestLabel) {
  constexpr Label G = Label::kGood, B = Label::kBad;
  std::vector<std::vector<Review>> sessions = {
      {review(1, "alice", G), review(2, "bob", G)},
      {review(3, "alice", G), review(4, "bob", B)},
      {review(5, "alice", B), review(6, "bob", B), review(7, "carol", B)},
      {review(8, "alice", G), review(9, "bob", B), review(10, "alice", B)},
  };
  auto pairs = reviewer_agreement(sessions);
  ASSERT_EQ(pairs.size(), 3u);
  EXPECT_EQ(pairs[0].a, "alice");
  EXPECT_EQ(pairs[0].b, "bob");
  EXPECT_EQ(pairs[0].overlap, 4);
  EXPECT_DOUBLE_EQ(pairs[0].agreement, 0.75);
  // alice G,G,B,B; bob G,B,B,B: po = 0.75, pe = 0.5 * 0.25 + 0.5 * 0.75 = 0.5.
  ASSERT_TRUE(pairs[0].kappa.has_value());
  EXPECT_NEAR(*pairs[0].kappa, 0.5, 1e-12);
  EXPECT_EQ(pairs[1].b, "carol");
  EXPECT_EQ(pairs[1].overlap, 1);

  PooledAgreement pooled = pooled_agreement(pairs);
  EXPECT_EQ(pooled.overlap, 6);
  EXPECT_NEAR(pooled.agreement, 5.0 / 6, 1e-12);
  EXPECT_EQ(pooled_agreement({}).overlap, 0);
  EXPECT_DOUBLE_EQ(pooled_agreement({}).agreement, 0.0);
}

}  // namespace
}  // namespace hitloop::loop
