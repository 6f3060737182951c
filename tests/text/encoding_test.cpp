#include "text/encoding.h"

#include <gtest/gtest.h>

namespace hitloop::text {
namespace {

using Ids = std::vector<int64_t>;
constexpr SpecialIds kIds{.cls = 101, .sep = 102, .pad = 0};

// The kept lengths as a pair, so that a failure prints both.
using Kept = std::pair<size_t, size_t>;
std::pair<size_t, size_t> keep(size_t a, size_t b, size_t budget) {
  const SegmentLengths k = longest_first_keep({a, b}, budget);
  return {k.a, k.b};
}

TEST(LongestFirst, KeepsBothSegmentsWhenTheyFit) {
  EXPECT_EQ(keep(0, 0, 7), Kept(0, 0));
  EXPECT_EQ(keep(2, 4, 7), Kept(2, 4));
  EXPECT_EQ(keep(4, 2, 7), Kept(4, 2));
  EXPECT_EQ(keep(3, 4, 7), Kept(3, 4));
}

TEST(LongestFirst, CutsOnlyTheLongerWhileTheShorterIsAtMostHalfTheBudget) {
  EXPECT_EQ(keep(0, 8, 7), Kept(0, 7));
  EXPECT_EQ(keep(2, 8, 7), Kept(2, 5));
  EXPECT_EQ(keep(8, 2, 7), Kept(5, 2));
  EXPECT_EQ(keep(8, 0, 7), Kept(7, 0));
  EXPECT_EQ(keep(6, 100, 13), Kept(6, 7));
}

TEST(LongestFirst, SplitsTheBudgetWhenTheShorterIsOverHalfOfIt) {
  // The shorter keeps budget / 2 and the longer the rest, even where keeping
  // the shorter whole would have fitted: (4, 8) in 7 is (3, 4).
  EXPECT_EQ(keep(4, 8, 7), Kept(3, 4));
  EXPECT_EQ(keep(8, 4, 7), Kept(4, 3));
  EXPECT_EQ(keep(7, 20, 13), Kept(6, 7));
  EXPECT_EQ(keep(20, 7, 13), Kept(7, 6));
}

TEST(LongestFirst, GivesTheFirstSegmentTheSmallerHalfOnATie) {
  EXPECT_EQ(keep(4, 4, 7), Kept(3, 4));
  EXPECT_EQ(keep(8, 8, 7), Kept(3, 4));
  EXPECT_EQ(keep(8, 8, 6), Kept(3, 3));
}

TEST(LongestFirst, KeepsNothingWithANoBudget) { EXPECT_EQ(keep(5, 9, 0), Kept(0, 0)); }

TEST(BuildEncoding, WrapsASingleSegmentInClsAndSep) {
  const Ids a{1, 2, 3};
  const Encoding e = build_encoding(a, std::nullopt, kNoTruncation, kIds);
  EXPECT_EQ(e.input_ids, (Ids{101, 1, 2, 3, 102}));
  EXPECT_EQ(e.token_type_ids, (Ids{0, 0, 0, 0, 0}));
  EXPECT_EQ(e.attention_mask, (Ids{1, 1, 1, 1, 1}));
}

TEST(BuildEncoding, GivesTheSecondSegmentAndItsSepTokenTypeOne) {
  const Ids a{1, 2}, b{3, 4, 5};
  const Encoding e = build_encoding(a, std::span<const int64_t>(b), kNoTruncation, kIds);
  EXPECT_EQ(e.input_ids, (Ids{101, 1, 2, 102, 3, 4, 5, 102}));
  EXPECT_EQ(e.token_type_ids, (Ids{0, 0, 0, 0, 1, 1, 1, 1}));
  EXPECT_EQ(e.attention_mask, Ids(8, 1));
}

TEST(BuildEncoding, TruncatesFromTheEndWithinMaxLengthIncludingSpecials) {
  const Ids a{1, 2, 3, 4, 5, 6}, b{7, 8, 9, 10, 11, 12, 13, 14};
  EXPECT_EQ(build_encoding(a, std::nullopt, 5, kIds).input_ids, (Ids{101, 1, 2, 3, 102}));
  const Encoding e = build_encoding(a, std::span<const int64_t>(b), 10, kIds);
  EXPECT_EQ(e.input_ids, (Ids{101, 1, 2, 3, 102, 7, 8, 9, 10, 102}));
  EXPECT_EQ(e.token_type_ids, (Ids{0, 0, 0, 0, 0, 1, 1, 1, 1, 1}));
}

TEST(BuildEncoding, KeepsOnlySpecialTokensWhenMaxLengthLeavesNoRoom) {
  const Ids a{1, 2}, b{3};
  EXPECT_EQ(build_encoding(a, std::nullopt, 2, kIds).input_ids, (Ids{101, 102}));
  EXPECT_EQ(build_encoding(a, std::nullopt, 1, kIds).input_ids, (Ids{101, 102}));
  EXPECT_EQ(build_encoding(a, std::span<const int64_t>(b), 3, kIds).input_ids,
            (Ids{101, 102, 102}));
}

TEST(PadToLongest, PadsEveryRowOnTheRightWithPadIdMaskZeroAndTypeZero) {
  const Ids a{1, 2, 3}, b{4};
  std::vector<Encoding> rows{build_encoding(a, std::nullopt, kNoTruncation, kIds),
                             build_encoding(b, std::span<const int64_t>(b), kNoTruncation, kIds)};
  const Batch batch = pad_to_longest(rows, 0);
  EXPECT_EQ(batch.rows, 2);
  EXPECT_EQ(batch.cols, 5);
  EXPECT_EQ(batch.input_ids, (Ids{101, 1, 2, 3, 102, 101, 4, 102, 4, 102}));
  EXPECT_EQ(batch.token_type_ids, (Ids{0, 0, 0, 0, 0, 0, 0, 0, 1, 1}));
  EXPECT_EQ(batch.attention_mask, (Ids{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}));

  std::vector<Encoding> uneven{rows[1], build_encoding(Ids{}, std::nullopt, 0, kIds)};
  const Batch padded = pad_to_longest(uneven, 7);
  EXPECT_EQ(padded.input_ids, (Ids{101, 4, 102, 4, 102, 101, 102, 7, 7, 7}));
  EXPECT_EQ(padded.token_type_ids, (Ids{0, 0, 0, 1, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(padded.attention_mask, (Ids{1, 1, 1, 1, 1, 1, 1, 0, 0, 0}));
}

TEST(PadToLongest, GivesAnEmptyBatchForNoRows) {
  const Batch batch = pad_to_longest({}, 0);
  EXPECT_EQ(batch.rows, 0);
  EXPECT_EQ(batch.cols, 0);
  EXPECT_TRUE(batch.input_ids.empty());
}

}  // namespace
}  // namespace hitloop::text
