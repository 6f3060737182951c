#include "loop/automation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace hitloop::loop {
namespace {

void add(std::vector<AuditedItem>& v, int n, double score, bool human_good,
         const std::string& category = "") {
  for (int i = 0; i < n; ++i) v.push_back({category, score, human_good});
}

TEST(Wilson, LowerBoundsMatchHandComputedValues) {
  // All successes: p = 1 and the bound reduces to n / (n + z^2), z^2 = 2.7055435.
  EXPECT_NEAR(wilson_lower_bound(20, 20), 20 / 22.7055435, 1e-6);  // 0.880842
  EXPECT_NEAR(wilson_lower_bound(52, 52), 0.950544, 1e-6);         // 52 / 54.7055435
  EXPECT_NEAR(wilson_lower_bound(51, 51), 0.949623, 1e-6);         // 51 / 53.7055435
  // 95/100: (0.95 + 0.0135277 - 1.64485 * sqrt(0.000475 + 0.0000676)) / 1.0270554
  //       = (0.9635277 - 0.0383162) / 1.0270554 = 0.900839.
  EXPECT_NEAR(wilson_lower_bound(95, 100), 0.900839, 1e-6);
  // The textbook two-sided 95% interval for 8/10 (z = 1.96) starts at 0.4902.
  EXPECT_NEAR(wilson_lower_bound(8, 10, 1.96), 0.4902, 1e-4);
  EXPECT_DOUBLE_EQ(wilson_lower_bound(0, 10), 0.0);
  EXPECT_DOUBLE_EQ(wilson_lower_bound(0, 0), 0.0);
}

TEST(Automation, ConfidenceIsTheLargerOfScoreAndItsComplement) {
  EXPECT_DOUBLE_EQ(confidence(0.9), 0.9);
  EXPECT_DOUBLE_EQ(confidence(0.25), 0.75);
  EXPECT_DOUBLE_EQ(confidence(0.5), 0.5);
}

// 52 correct verdicts at confidence >= 0.96 (26 good at 0.97, 26 bad at
// 0.04) and 10 at 0.6 of which half are wrong.
std::vector<AuditedItem> fifty_two_perfect() {
  std::vector<AuditedItem> v;
  add(v, 26, 0.97, true);
  add(v, 26, 0.04, false);
  add(v, 5, 0.6, true);
  add(v, 5, 0.6, false);
  return v;
}

TEST(Automation, FiftyTwoPerfectAuditsReachNinetyFivePercentButFiftyOneDoNot) {
  // 52/52: lower bound 0.950544 >= 0.95; adding the 0.6 group gives 57/62,
  // bound 0.843446: so c is the smallest confidence of the 52, 0.96.
  std::vector<double> traffic = {0.99, 0.97, 0.5, 0.03, 0.2, 0.9, 0.04};
  auto r = automation_threshold(fifty_two_perfect(), traffic);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  const AutomationThreshold& t = **r;
  EXPECT_DOUBLE_EQ(t.confidence, confidence(0.04));
  EXPECT_EQ(t.support, 52);
  EXPECT_EQ(t.agree, 52);
  EXPECT_DOUBLE_EQ(t.agreement, 1.0);
  EXPECT_NEAR(t.lower_bound, 0.950544, 1e-6);
  // Traffic at confidence >= 0.96: 0.99, 0.97, 0.03, 0.04.
  EXPECT_EQ(t.traffic, 7);
  EXPECT_EQ(t.automated, 4);
  EXPECT_DOUBLE_EQ(t.traffic_share, 4.0 / 7);

  std::vector<AuditedItem> fewer = fifty_two_perfect();
  fewer.erase(fewer.begin());  // 51/51: bound 0.949623 < 0.95
  auto none = automation_threshold(fewer, traffic);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(Automation, PicksTheSmallestQualifyingConfidenceNotTheFirst) {
  // c = 0.95: 60/60, bound 0.956853. c = 0.8: 95/100, bound 0.900839 >= 0.90.
  std::vector<AuditedItem> v;
  add(v, 60, 0.95, true);
  add(v, 35, 0.8, true);
  add(v, 5, 0.8, false);
  AutomationParams p;
  p.target = 0.90;
  auto r = automation_threshold(v, {}, p);
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_DOUBLE_EQ((*r)->confidence, 0.8);
  EXPECT_EQ((*r)->support, 100);
  EXPECT_EQ((*r)->agree, 95);
  EXPECT_DOUBLE_EQ((*r)->agreement, 0.95);
  EXPECT_NEAR((*r)->lower_bound, 0.900839, 1e-6);
  EXPECT_EQ((*r)->traffic, 0);
  EXPECT_DOUBLE_EQ((*r)->traffic_share, 0.0);
  // One more miss at 0.8 (94/100, bound 0.888159) leaves only c = 0.95.
  v[60].human_good = false;
  r = automation_threshold(v, {}, p);
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_DOUBLE_EQ((*r)->confidence, 0.95);
  EXPECT_EQ((*r)->support, 60);
}

TEST(Automation, NeverSplitsItemsOfEqualConfidence) {
  // 52 correct at 0.97, then one correct and one wrong at 0.9: 53/54 has
  // bound 0.921160, so c stays 0.97 (the correct one alone would give 53/53).
  for (bool wrong_first : {false, true}) {
    std::vector<AuditedItem> v;
    add(v, 52, 0.97, true);
    add(v, 1, 0.9, !wrong_first);
    add(v, 1, 0.9, wrong_first);
    auto r = automation_threshold(v, {});
    ASSERT_TRUE(r.ok() && r->has_value());
    EXPECT_DOUBLE_EQ((*r)->confidence, 0.97);
    EXPECT_EQ((*r)->support, 52);
  }
}

TEST(Automation, RequiresTheMinimumSupport) {
  std::vector<AuditedItem> v;
  add(v, 60, 0.99, true);
  AutomationParams p;
  p.min_support = 61;
  auto r = automation_threshold(v, {}, p);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  p.min_support = 60;
  r = automation_threshold(v, {}, p);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->has_value());
}

TEST(Automation, UsesTheModelsDecisionThresholdForTheVerdict) {
  // Score 0.3 is a "good" verdict under threshold 0.25: the human "good"
  // labels agree with it, at confidence 0.7.
  std::vector<AuditedItem> v;
  add(v, 60, 0.3, true);
  AutomationParams p;
  EXPECT_FALSE(automation_threshold(v, {}, p)->has_value());
  p.decision_threshold = 0.25;
  auto r = automation_threshold(v, {}, p);
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_DOUBLE_EQ((*r)->confidence, 0.7);
}

TEST(Automation, RejectsBadScoresAndParameters) {
  std::vector<AuditedItem> bad = {{"", 1.2, true}};
  EXPECT_TRUE(automation_threshold(bad, {}).status().is_invalid_argument());
  EXPECT_TRUE(automation_threshold({}, {std::nan("")}).status().is_invalid_argument());
  AutomationParams p;
  p.target = 1.0;
  EXPECT_TRUE(automation_threshold({}, {}, p).status().is_invalid_argument());
  p = {};
  p.min_support = 0;
  EXPECT_TRUE(automation_threshold({}, {}, p).status().is_invalid_argument());
  EXPECT_TRUE(automation_by_category({}, {}, p).status().is_invalid_argument());
}

TEST(Automation, ReportsEveryCategoryOfAuditsOrTraffic) {
  std::vector<AuditedItem> audited;
  add(audited, 52, 0.99, true, "refunds");
  add(audited, 52, 0.99, false, "shipping");  // the model is always wrong here
  std::vector<TrafficItem> traffic = {{"refunds", 0.995}, {"refunds", 0.6}, {"returns", 0.99}};
  auto r = automation_by_category(audited, traffic);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  ASSERT_TRUE(r->at("refunds").has_value());
  EXPECT_DOUBLE_EQ(r->at("refunds")->confidence, 0.99);
  EXPECT_EQ(r->at("refunds")->automated, 1);
  EXPECT_DOUBLE_EQ(r->at("refunds")->traffic_share, 0.5);
  EXPECT_FALSE(r->at("shipping").has_value());
  EXPECT_FALSE(r->at("returns").has_value());
}

}  // namespace
}  // namespace hitloop::loop
