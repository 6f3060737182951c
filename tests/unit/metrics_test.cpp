#include "core/metrics.h"

#include <gtest/gtest.h>

#include "ml/calibration.h"
#include "ml/pipeline.h"
#include "ml/split.h"

namespace hitloop::ml {
namespace {

TEST(Auroc, CountsTiedPairsAsOneHalf) {
  // Positive/negative pairs: (.8,.8) tie = .5, (.8,.2) = 1, (.4,.8) = 0, (.4,.2) = 1 -> 2.5/4.
  EXPECT_DOUBLE_EQ(*auroc({1, 0, 1, 0}, {0.8, 0.8, 0.4, 0.2}), 0.625);
  EXPECT_DOUBLE_EQ(*auroc({1, 0}, {0.3, 0.3}), 0.5);
  EXPECT_DOUBLE_EQ(*auroc({1, 1, 0}, {0.9, 0.8, 0.1}), 1.0);
}

TEST(Auroc, IsUndefinedWithOneClass) { EXPECT_FALSE(auroc({1, 1}, {0.2, 0.9}).has_value()); }

TEST(Ece, AveragesTheGapPerBinWeightedByBinSize) {
  // bins: [0,.1) {.05 -> 0}: gap .05; [.1,.2) {.15,.15 -> 1,0}: |.5-.15|*2;
  // [.9,1] {.95 -> 1}: .05. ECE = (.05 + .7 + .05) / 4 = .2
  EXPECT_NEAR(expected_calibration_error({0, 1, 0, 1}, {0.05, 0.15, 0.15, 0.95}), 0.2, 1e-12);
  EXPECT_NEAR(expected_calibration_error({1, 0}, {1.0, 0.0}), 0.0, 1e-12);
}

TEST(Metrics, MatchHandComputedValuesWithBadAsThePositiveClass) {
  Metrics m = compute_metrics({1, 1, 0, 0, 0}, {0.9, 0.3, 0.2, 0.6, 0.1});
  EXPECT_EQ(m.n, 5);
  EXPECT_EQ(m.confusion.true_good, 1);
  EXPECT_EQ(m.confusion.false_bad, 1);
  EXPECT_EQ(m.confusion.false_good, 1);
  EXPECT_EQ(m.confusion.true_bad, 2);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.6);
  EXPECT_NEAR(m.precision_bad, 2.0 / 3, 1e-12);
  EXPECT_NEAR(m.recall_bad, 2.0 / 3, 1e-12);
  EXPECT_NEAR(m.f1_bad, 2.0 / 3, 1e-12);
  EXPECT_NEAR(m.macro_f1, (2.0 / 3 + 0.5) / 2, 1e-12);
  EXPECT_NEAR(m.brier, 0.182, 1e-12);
  EXPECT_NEAR(*m.auroc, 5.0 / 6, 1e-12);
}

TEST(Metrics, UseTheGivenThreshold) {
  Metrics m = compute_metrics({1, 0}, {0.7, 0.6}, 0.65);
  EXPECT_DOUBLE_EQ(m.accuracy, 1.0);
}

TEST(Platt, MapsMarginsToCalibratedProbabilities) {
  // Margin 1 is good 3 times out of 4, margin -1 bad 3 times out of 4.
  std::vector<double> margins;
  std::vector<int> labels;
  for (int i = 0; i < 400; ++i) {
    margins.push_back(i % 2 ? 1.0 : -1.0);
    labels.push_back(i % 2 ? (i % 8 != 1) : (i % 8 == 0));
  }
  Platt p = fit_platt(margins, labels);
  EXPECT_NEAR(p.apply(1.0), 0.75, 0.01);
  EXPECT_NEAR(p.apply(-1.0), 0.25, 0.01);
  EXPECT_GT(p.apply(2.0), p.apply(1.0));
}

TEST(Threshold, MovesAwayFromOneHalfWhenTheBadClassIsRare) {
  // Bad rows score .3-.45, good rows .4-.9: a threshold near .46 separates them.
  std::vector<int> labels;
  std::vector<double> scores;
  for (int i = 0; i < 10; ++i) labels.push_back(0), scores.push_back(0.3 + 0.015 * i);
  for (int i = 0; i < 90; ++i) labels.push_back(1), scores.push_back(0.46 + 0.005 * i);
  double t = choose_threshold(labels, scores);
  EXPECT_GT(t, 0.435);
  EXPECT_LE(t, 0.46);
}

TEST(Split, StratifiedFoldsKeepClassBalanceAndCoverEveryRowOnce) {
  std::vector<int> labels;
  for (int i = 0; i < 103; ++i) labels.push_back(i % 4 == 0);
  auto folds = stratified_kfold(labels, 5, 9);
  std::vector<int> seen(labels.size(), 0);
  for (const Fold& f : folds) {
    int pos = 0;
    for (size_t i : f.test) seen[i]++, pos += labels[i];
    EXPECT_NEAR(pos, 26 / 5.0, 1.0);
    EXPECT_EQ(f.train.size() + f.test.size(), labels.size());
  }
  for (int s : seen) EXPECT_EQ(s, 1);
  EXPECT_EQ(stratified_kfold(labels, 5, 9)[2].test, folds[2].test);  // seeded
  EXPECT_NE(stratified_kfold(labels, 5, 10)[2].test, folds[2].test);
}

}  // namespace
}  // namespace hitloop::ml
