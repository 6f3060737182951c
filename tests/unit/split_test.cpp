// Grouped, stratified splits: one model_input never on both sides.
#include "ml/split.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace hitloop::ml {
namespace {

struct Data {
  std::vector<int> labels;
  std::vector<uint64_t> groups;
};

// `n_groups` inputs with 1..5 answers each, labels mixed within an input.
Data grouped_data(int n_groups) {
  Data d;
  for (int g = 0; g < n_groups; ++g) {
    int answers = 1 + g % 5;
    for (int a = 0; a < answers; ++a) {
      d.labels.push_back((g * 7 + a * 3) % 5 < 3 ? 1 : 0);
      d.groups.push_back(group_key("question " + std::to_string(g)));
    }
  }
  return d;
}

void expect_no_group_on_both_sides(const Fold& f, const Data& d) {
  std::set<uint64_t> train;
  for (size_t i : f.train) train.insert(d.groups[i]);
  for (size_t i : f.test) EXPECT_EQ(train.count(d.groups[i]), 0u) << "row " << i;
}

TEST(GroupedSplit, KFoldNeverPutsOneInputOnBothSides) {
  Data d = grouped_data(200);
  std::vector<Fold> folds = grouped_stratified_kfold(d.labels, d.groups, 5, 42);
  ASSERT_EQ(folds.size(), 5u);
  std::vector<int> seen(d.labels.size(), 0);
  for (const Fold& f : folds) {
    expect_no_group_on_both_sides(f, d);
    EXPECT_EQ(f.train.size() + f.test.size(), d.labels.size());
    for (size_t i : f.test) seen[i]++;
  }
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], 1) << "row " << i;
}

TEST(GroupedSplit, KFoldKeepsClassBalanceAndSizesClose) {
  Data d = grouped_data(300);
  double pos_share = 0;
  for (int l : d.labels) pos_share += l;
  pos_share /= static_cast<double>(d.labels.size());
  for (const Fold& f : grouped_stratified_kfold(d.labels, d.groups, 5, 1)) {
    double pos = 0;
    for (size_t i : f.test) pos += d.labels[i];
    EXPECT_NEAR(pos / static_cast<double>(f.test.size()), pos_share, 0.05);
    EXPECT_NEAR(static_cast<double>(f.test.size()), d.labels.size() / 5.0, 10);
  }
}

TEST(GroupedSplit, OneRowPerInputSplitsLikeThePlainStratifiedSplit) {
  std::vector<int> labels;
  std::vector<uint64_t> groups;
  for (int i = 0; i < 103; ++i) {
    labels.push_back(i % 3 == 0);
    groups.push_back(group_key(std::to_string(i)));
  }
  for (const Fold& f : grouped_stratified_kfold(labels, groups, 5, 9)) {
    int pos = 0;
    for (size_t i : f.test) pos += labels[i];
    EXPECT_NEAR(pos, 35 / 5.0, 1.0);
    EXPECT_NEAR(static_cast<double>(f.test.size()), 103 / 5.0, 1.0);
  }
  Fold split = grouped_stratified_split(labels, groups, 0.2, 9);
  int pos = 0;
  for (size_t i : split.test) pos += labels[i];
  EXPECT_EQ(pos, 7);                  // 20% of 35 good rows
  EXPECT_EQ(split.test.size(), 21u);  // and of 68 bad ones, rounded
}

TEST(GroupedSplit, TheSplitKeepsInputsTogetherNearTheWantedShare) {
  Data d = grouped_data(250);
  Fold f = grouped_stratified_split(d.labels, d.groups, 0.2, 3);
  expect_no_group_on_both_sides(f, d);
  EXPECT_EQ(f.train.size() + f.test.size(), d.labels.size());
  EXPECT_NEAR(static_cast<double>(f.test.size()) / d.labels.size(), 0.2, 0.02);
}

TEST(GroupedSplit, IsDeterministicForASeedAndDiffersAcrossSeeds) {
  Data d = grouped_data(120);
  auto a = grouped_stratified_kfold(d.labels, d.groups, 5, 7);
  auto b = grouped_stratified_kfold(d.labels, d.groups, 5, 7);
  auto c = grouped_stratified_kfold(d.labels, d.groups, 5, 8);
  for (size_t f = 0; f < a.size(); ++f) EXPECT_EQ(a[f].test, b[f].test);
  bool differs = false;
  for (size_t f = 0; f < a.size(); ++f) differs = differs || a[f].test != c[f].test;
  EXPECT_TRUE(differs);
}

TEST(GroupedSplit, GroupKeyIsFnv1a) {
  EXPECT_EQ(group_key(""), 14695981039346656037ULL);
  EXPECT_EQ(group_key("a"), 0xaf63dc4c8601ec8cULL);
}

}  // namespace
}  // namespace hitloop::ml

namespace hitloop::ml {
namespace {

TEST(ValidationFolds, FallBackToPlainStratifiedFoldsWhenEveryRowSharesOneInput) {
  std::vector<int> labels;
  for (int i = 0; i < 40; ++i) labels.push_back(i % 3 == 0 ? 0 : 1);
  std::vector<uint64_t> one_input(labels.size(), group_key("Rate this reply"));
  bool grouped = true;
  std::vector<Fold> folds = validation_kfold(labels, one_input, 4, 7, grouped);
  EXPECT_FALSE(grouped);
  ASSERT_EQ(folds.size(), 4u);
  for (const Fold& f : folds) {
    EXPECT_FALSE(f.train.empty());
    EXPECT_FALSE(f.test.empty());
  }
  Fold split = validation_split(labels, one_input, 0.2, 7, grouped);
  EXPECT_FALSE(grouped);
  EXPECT_EQ(split.test.size() + split.train.size(), labels.size());
  EXPECT_FALSE(split.test.empty());
}

TEST(ValidationFolds, StayGroupedWhenTheInputsAllowIt) {
  std::vector<int> labels;
  std::vector<uint64_t> groups;
  for (int i = 0; i < 60; ++i) {
    labels.push_back(i % 2);
    groups.push_back(group_key("q" + std::to_string(i / 3)));
  }
  bool grouped = false;
  std::vector<Fold> folds = validation_kfold(labels, groups, 3, 1, grouped);
  EXPECT_TRUE(grouped);
  EXPECT_EQ(folds.size(), 3u);
}

}  // namespace
}  // namespace hitloop::ml
