#include "loop/agreement.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hitloop::loop {
namespace {

AgreementItem item(bool model_good, bool human_good, std::string category = "",
                   std::vector<std::string> tags = {}, std::string version = "v1",
                   int64_t at_ms = 0) {
  AgreementItem it;
  it.model_good = model_good;
  it.human_good = human_good;
  it.score = model_good ? 0.8 : 0.2;
  it.category = std::move(category);
  it.tags = std::move(tags);
  it.model_version = std::move(version);
  it.at_ms = at_ms;
  return it;
}

std::vector<AgreementItem> repeat(AgreementItem it, int n) {
  return std::vector<AgreementItem>(n, it);
}

// 6 agree good, 2 false passes, 1 false fail, 3 agree bad.
std::vector<AgreementItem> textbook() {
  std::vector<AgreementItem> v;
  for (auto part : {repeat(item(true, true), 6), repeat(item(true, false), 2),
                    repeat(item(false, true), 1), repeat(item(false, false), 3)}) {
    v.insert(v.end(), part.begin(), part.end());
  }
  return v;
}

TEST(Agreement, MatchesTheHandComputedRatesAndKappa) {
  AgreementStats s = compute_agreement(textbook());
  EXPECT_EQ(s.n, 12);
  EXPECT_EQ(s.agree, 9);
  EXPECT_DOUBLE_EQ(s.agreement, 0.75);
  EXPECT_EQ(s.human_good, 7);
  EXPECT_EQ(s.human_bad, 5);
  EXPECT_EQ(s.false_pass, 2);
  EXPECT_EQ(s.false_fail, 1);
  ASSERT_TRUE(s.false_pass_rate && s.false_fail_rate);
  EXPECT_DOUBLE_EQ(*s.false_pass_rate, 2.0 / 5);
  EXPECT_DOUBLE_EQ(*s.false_fail_rate, 1.0 / 7);
  // po = 9/12, pe = (8/12)(7/12) + (4/12)(5/12) = 76/144: kappa = 32/68 = 8/17.
  ASSERT_TRUE(s.kappa);
  EXPECT_NEAR(*s.kappa, 8.0 / 17, 1e-12);
  // 35 good/bad pairs: 18 ordered right, 12 + 3 tied: (18 + 7.5) / 35.
  ASSERT_TRUE(s.auroc);
  EXPECT_NEAR(*s.auroc, 25.5 / 35, 1e-12);
}

TEST(Agreement, RatesAreUndefinedWhenTheirDenominatorIsEmpty) {
  AgreementStats s = compute_agreement(repeat(item(true, true), 3));
  EXPECT_DOUBLE_EQ(s.agreement, 1.0);
  EXPECT_FALSE(s.false_pass_rate.has_value());
  ASSERT_TRUE(s.false_fail_rate.has_value());
  EXPECT_DOUBLE_EQ(*s.false_fail_rate, 0.0);
  EXPECT_FALSE(s.kappa.has_value());
  EXPECT_EQ(compute_agreement({}).n, 0);
  EXPECT_DOUBLE_EQ(compute_agreement({}).agreement, 0.0);
}

TEST(Agreement, GroupsByCategoryAndModelVersion) {
  std::vector<AgreementItem> v = {item(true, true, "refunds", {}, "v1"),
                                  item(true, false, "refunds", {}, "v2"),
                                  item(false, false, "shipping", {}, "v2")};
  auto by_cat = agreement_by_category(v);
  ASSERT_EQ(by_cat.size(), 2u);
  EXPECT_EQ(by_cat["refunds"].n, 2);
  EXPECT_DOUBLE_EQ(by_cat["refunds"].agreement, 0.5);
  EXPECT_EQ(by_cat["shipping"].agree, 1);
  auto by_version = agreement_by_model_version(v);
  ASSERT_EQ(by_version.size(), 2u);
  EXPECT_EQ(by_version["v1"].false_pass, 0);
  EXPECT_EQ(by_version["v2"].false_pass, 1);
}

TEST(Agreement, AnItemCountsOnceInEachOfItsDistinctTagsAndUntaggedItemsInNone) {
  std::vector<AgreementItem> v = {item(true, false, "", {"rude", "wrong-price", "rude"}),
                                  item(false, true, "", {"rude"}), item(true, true, "", {})};
  auto by_tag = agreement_by_tag(v);
  ASSERT_EQ(by_tag.size(), 2u);
  EXPECT_EQ(by_tag["rude"].n, 2);
  EXPECT_EQ(by_tag["rude"].false_pass, 1);
  EXPECT_EQ(by_tag["rude"].false_fail, 1);
  EXPECT_EQ(by_tag["wrong-price"].n, 1);
}

TEST(Agreement, GroupsByTimeBucketWithFlooredStarts) {
  std::vector<AgreementItem> v = {
      item(true, true, "", {}, "v1", -1), item(true, true, "", {}, "v1", 0),
      item(true, false, "", {}, "v1", 999), item(true, true, "", {}, "v1", 1000)};
  auto by_time = agreement_by_time(v, 1000);
  ASSERT_TRUE(by_time.ok());
  ASSERT_EQ(by_time->size(), 3u);
  EXPECT_EQ(by_time->at(-1000).n, 1);
  EXPECT_EQ(by_time->at(0).n, 2);
  EXPECT_DOUBLE_EQ(by_time->at(0).agreement, 0.5);
  EXPECT_EQ(by_time->at(1000).n, 1);
  EXPECT_TRUE(agreement_by_time(v, 0).status().is_invalid_argument());
}

TEST(Agreement, TheGenericHelperAcceptsAnyKey) {
  auto by_human = group_agreement(
      textbook(), [](const AgreementItem& it) { return std::vector<bool>{it.human_good}; });
  EXPECT_EQ(by_human[true].n, 7);
  EXPECT_EQ(by_human[false].n, 5);
  EXPECT_EQ(by_human[false].false_pass, 2);
}

}  // namespace
}  // namespace hitloop::loop
