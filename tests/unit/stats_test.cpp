#include "core/stats.h"

#include <gtest/gtest.h>

namespace hitloop {
namespace {

constexpr Label G = Label::kGood;
constexpr Label B = Label::kBad;

std::vector<std::pair<Label, Label>> repeat(std::pair<Label, Label> p, int n) {
  return std::vector<std::pair<Label, Label>>(n, p);
}

TEST(Kappa, MatchesTheTextbookExample) {
  // 20 both good, 5 good/bad, 10 bad/good, 15 both bad: po = 0.7, pe = 0.5.
  std::vector<std::pair<Label, Label>> pairs;
  for (auto part :
       {repeat({G, G}, 20), repeat({G, B}, 5), repeat({B, G}, 10), repeat({B, B}, 15)}) {
    pairs.insert(pairs.end(), part.begin(), part.end());
  }
  ASSERT_TRUE(cohen_kappa(pairs).has_value());
  EXPECT_NEAR(*cohen_kappa(pairs), 0.4, 1e-12);
}

TEST(Kappa, IsOneForPerfectAgreementAndNegativeForSystematicDisagreement) {
  EXPECT_NEAR(*cohen_kappa({{G, G}, {B, B}}), 1.0, 1e-12);
  EXPECT_NEAR(*cohen_kappa({{G, B}, {B, G}}), -1.0, 1e-12);
  // po = 4/6, both raters 50% good: pe = 0.5, kappa = 1/3.
  EXPECT_NEAR(*cohen_kappa({{G, G}, {G, G}, {G, B}, {B, B}, {B, B}, {B, G}}), 1.0 / 3, 1e-12);
}

TEST(Kappa, IsUndefinedWithoutItemsOrWhenBothRatersGaveOneLabel) {
  EXPECT_FALSE(cohen_kappa({}).has_value());
  EXPECT_FALSE(cohen_kappa({{G, G}, {G, G}}).has_value());
}

Review review(int64_t id, std::string who, Label l) {
  Review r;
  r.id = id;
  r.reviewer = std::move(who);
  r.label = l;
  return r;
}

TEST(MajorityLabel, CountsEachReviewersLatestOnce) {
  // ann flips to bad; bob good; cat bad: bad wins 2-1.
  EXPECT_EQ(majority_label({review(1, "ann", G), review(2, "bob", G), review(3, "ann", B),
                            review(4, "cat", B)}),
            B);
  EXPECT_EQ(majority_label({review(1, "ann", B), review(2, "bob", G)}), G);  // tie: latest
  EXPECT_FALSE(majority_label({}).has_value());
}

TEST(StatsBuilder, CountsPerCategoryAndPairsReviewersOnSharedSessions) {
  StatsBuilder b;
  Session s;
  s.category = "returns";
  b.add(s, {review(1, "ann", G), review(2, "bob", G)});
  b.add(s, {review(3, "ann", B), review(4, "bob", G)});
  s.category = "shipping";
  b.add(s, {review(5, "ann", B)});
  b.add(s, {});
  DatasetStats st = b.finish();
  EXPECT_EQ(st.total.sessions, 4);
  EXPECT_EQ(st.total.labeled, 3);
  EXPECT_EQ(st.total.good, 2);  // session 2 ties 1-1 and bob's review is the latest
  EXPECT_EQ(st.total.bad, 1);
  EXPECT_EQ(st.categories["returns"].good, 2);
  EXPECT_EQ(st.categories["shipping"].sessions, 2);
  EXPECT_EQ(st.categories["shipping"].labeled, 1);
  EXPECT_EQ(st.reviews_by_reviewer["ann"], 3);
  ASSERT_EQ(st.agreement.size(), 1u);
  EXPECT_EQ(st.agreement[0].overlap, 2);
  EXPECT_DOUBLE_EQ(st.agreement[0].agreement, 0.5);
  // ann: G,B; bob: G,G -> po 0.5, pe = 0.5*1 + 0.5*0 = 0.5 -> kappa 0.
  ASSERT_TRUE(st.agreement[0].kappa.has_value());
  EXPECT_NEAR(*st.agreement[0].kappa, 0.0, 1e-12);
}

}  // namespace
}  // namespace hitloop
