#include "loop/retrain_policy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace hitloop::loop {
namespace {

using Tags = std::vector<std::vector<std::string>>;

// freq: rude 4 (the duplicate in the last example counts once), wrong-price 2,
// hallucination 1; max 4.
Tags example_tags() {
  return {{"rude"},          {"rude", "wrong-price"}, {}, {"rude"}, {"wrong-price"},
          {"hallucination"}, {"rude", "rude"}};
}

TEST(Oversampling, WeighsEachExampleByItsMostFrequentFailureTag) {
  auto w = oversampling_weights(example_tags());
  ASSERT_TRUE(w.ok());
  std::vector<double> expected = {2.0, 2.0, 1.0, 2.0, 1.5, 1.25, 2.0};
  ASSERT_EQ(w->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_DOUBLE_EQ((*w)[i], expected[i]) << i;
}

TEST(Oversampling, AlphaScalesTheExtraWeightAndTheCapBoundsIt) {
  OversampleParams p;
  p.alpha = 3.0;
  p.max_weight = 3.0;
  auto w = oversampling_weights(example_tags(), p);
  ASSERT_TRUE(w.ok());
  std::vector<double> expected = {3.0, 3.0, 1.0, 3.0, 2.5, 1.75, 3.0};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_DOUBLE_EQ((*w)[i], expected[i]) << i;
  p.alpha = 0.0;
  auto flat = oversampling_weights(example_tags(), p);
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(*flat, std::vector<double>(7, 1.0));
}

TEST(Oversampling, WithoutFailuresEveryWeightIsOne) {
  auto w = oversampling_weights({{}, {}, {}});
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, std::vector<double>({1.0, 1.0, 1.0}));
}

TEST(Oversampling, RejectsANegativeAlphaOrACapBelowOne) {
  OversampleParams p;
  p.alpha = -1;
  EXPECT_TRUE(oversampling_weights({}, p).status().is_invalid_argument());
  p = {};
  p.max_weight = 0.5;
  EXPECT_TRUE(oversampling_weights({}, p).status().is_invalid_argument());
}

TEST(McNemar, ExactPValuesMatchTheBinomialByHand) {
  // n = 10 discordant pairs, X ~ Bin(10, 1/2), 2^10 = 1024.
  EXPECT_NEAR(mcnemar_one_sided_p(8, 2), 56.0 / 1024, 1e-12);  // C(10,8)+C(10,9)+C(10,10)
  EXPECT_NEAR(mcnemar_one_sided_p(9, 1), 11.0 / 1024, 1e-12);
  EXPECT_NEAR(mcnemar_one_sided_p(2, 8), 1013.0 / 1024, 1e-12);  // 1 - (1 + 10)/1024
  EXPECT_NEAR(mcnemar_one_sided_p(5, 0), 1.0 / 32, 1e-12);
  EXPECT_NEAR(mcnemar_one_sided_p(3, 1), 5.0 / 16, 1e-12);        // (C(4,3) + 1) / 16
  EXPECT_NEAR(mcnemar_one_sided_p(12, 2), 106.0 / 16384, 1e-12);  // (91 + 14 + 1) / 2^14
  EXPECT_DOUBLE_EQ(mcnemar_one_sided_p(0, 0), 1.0);
  EXPECT_NEAR(mcnemar_two_sided_p(8, 2), 112.0 / 1024, 1e-12);
  EXPECT_NEAR(mcnemar_two_sided_p(2, 8), 112.0 / 1024, 1e-12);
  EXPECT_NEAR(mcnemar_two_sided_p(10, 0), 2.0 / 1024, 1e-12);
  EXPECT_DOUBLE_EQ(mcnemar_two_sided_p(5, 5), 1.0);
  // Larger n, checked with exact rational arithmetic: P(X >= 60 | n = 100).
  EXPECT_NEAR(mcnemar_one_sided_p(60, 40), 0.028443966820490395, 1e-10);
}

// A holdout of `n` examples: `b` only the active model gets right, `c` only
// the challenger, `both` both, the rest neither.
std::pair<HoldoutResult, HoldoutResult> holdout(int n, int both, int b, int c) {
  HoldoutResult active, challenger;
  for (int i = 0; i < n; ++i) {
    active.correct.push_back(i < both + b);
    challenger.correct.push_back(i < both || (i >= both + b && i < both + b + c));
  }
  return {active, challenger};
}

TEST(PromotionGate, PromotesTheFirstModelWhenThereIsNoActiveOne) {
  auto [unused, challenger] = holdout(10, 5, 0, 0);
  auto r = champion_challenger_gate(std::nullopt, challenger);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->decision, GateDecision::kPromote);
  EXPECT_EQ(r->reason, "no active model");
  EXPECT_DOUBLE_EQ(r->challenger_accuracy, 0.5);
  EXPECT_FALSE(r->p_worse.has_value());
  EXPECT_FALSE(r->active_accuracy.has_value());
}

TEST(PromotionGate, PromotesABetterChallengerAndReportsBothAurocs) {
  auto [active, challenger] = holdout(100, 89, 1, 6);
  active.auroc = 0.91;
  challenger.auroc = 0.94;
  auto r = champion_challenger_gate(active, challenger);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->decision, GateDecision::kPromote);
  EXPECT_DOUBLE_EQ(*r->active_accuracy, 0.90);
  EXPECT_DOUBLE_EQ(r->challenger_accuracy, 0.95);
  EXPECT_EQ(r->active_only_correct, 1);
  EXPECT_EQ(r->challenger_only_correct, 6);
  EXPECT_NEAR(*r->p_worse, 127.0 / 128, 1e-12);  // P(X >= 1 | n = 7)
  EXPECT_EQ(r->active_auroc, 0.91);
  EXPECT_EQ(r->challenger_auroc, 0.94);
}

TEST(PromotionGate, KeepsAChallengerLessAccurateThanTheActiveModel) {
  auto [active, challenger] = holdout(100, 85, 3, 1);  // 0.88 vs 0.86, p = 5/16
  auto r = champion_challenger_gate(active, challenger);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->decision, GateDecision::kKeepCandidate);
  EXPECT_NE(r->reason.find("below active"), std::string::npos) << r->reason;
}

TEST(PromotionGate, ToleranceAdmitsASlightlyWorseButNotSignificantlyWorseChallenger) {
  auto [active, challenger] = holdout(1000, 897, 3, 1);  // 0.900 vs 0.898, p = 5/16
  GateParams p;
  p.tolerance = 0.01;
  auto r = champion_challenger_gate(active, challenger, p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->decision, GateDecision::kPromote) << r->reason;
  EXPECT_NEAR(*r->p_worse, 5.0 / 16, 1e-12);
}

TEST(PromotionGate, KeepsAChallengerWithinToleranceThatIsSignificantlyWorse) {
  // 0.90 vs 0.89, inside tolerance 0.02, but all 10 discordant pairs favour
  // the active model: p = 2^-10 = 0.000977 < 0.05.
  auto [active, challenger] = holdout(1000, 890, 10, 0);
  GateParams p;
  p.tolerance = 0.02;
  auto r = champion_challenger_gate(active, challenger, p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->decision, GateDecision::kKeepCandidate);
  EXPECT_NEAR(*r->p_worse, 1.0 / 1024, 1e-12);
  EXPECT_NE(r->reason.find("significantly worse"), std::string::npos) << r->reason;
}

TEST(PromotionGate, AcceptsAnAccuracyExactlyAtTheToleranceEdge) {
  // 0.90 vs 0.89 with tolerance 0.01; b = 30, c = 20: p = 0.1013 >= 0.05.
  auto [active, challenger] = holdout(1000, 870, 30, 20);
  GateParams p;
  p.tolerance = 0.01;
  auto r = champion_challenger_gate(active, challenger, p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->decision, GateDecision::kPromote) << r->reason;
  EXPECT_NEAR(*r->p_worse, 0.10131937553227033, 1e-10);
}

TEST(PromotionGate, RejectsMismatchedOrEmptyHoldoutsAndBadParameters) {
  auto [active, challenger] = holdout(10, 5, 1, 1);
  HoldoutResult shorter = challenger;
  shorter.correct.pop_back();
  EXPECT_TRUE(champion_challenger_gate(active, shorter).status().is_invalid_argument());
  EXPECT_TRUE(champion_challenger_gate(std::nullopt, HoldoutResult{}).status().is_invalid_argument());
  GateParams p;
  p.tolerance = -0.1;
  EXPECT_TRUE(champion_challenger_gate(active, challenger, p).status().is_invalid_argument());
  p = {};
  p.alpha = 0;
  EXPECT_TRUE(champion_challenger_gate(active, challenger, p).status().is_invalid_argument());
}

}  // namespace
}  // namespace hitloop::loop
