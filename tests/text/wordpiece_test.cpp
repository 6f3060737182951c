#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "text/wordpiece_tokenizer.h"

namespace hitloop::text {
namespace {

using Tokens = std::vector<std::string>;
using Ids = std::vector<int64_t>;

const std::string kBertDir = std::string(HITLOOP_FIXTURES) + "/hf-encoders/tiny-bert";

WordPieceTokenizer make(Tokens extra, TokenizerOptions options = {}) {
  Tokens tokens{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
  tokens.insert(tokens.end(), extra.begin(), extra.end());
  auto t = WordPieceTokenizer::from_tokens(std::move(tokens), std::move(options));
  EXPECT_TRUE(t.ok()) << t.status().message();
  return std::move(t).value();
}

const WordPieceTokenizer& bert() {
  static const WordPieceTokenizer t = [] {
    auto r = WordPieceTokenizer::load_dir(kBertDir);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return std::move(r).value();
  }();
  return t;
}

TEST(WordPiece, MatchesTheLongestPieceFirstWithContinuationPrefixes) {
  const auto t = make({"un", "##aff", "##a", "##ff", "##able", "##ab", "##le", "able"});
  EXPECT_EQ(t.tokenize("unaffable"), (Tokens{"un", "##aff", "##able"}));
  EXPECT_EQ(t.tokenize("able unable"), (Tokens{"able", "un", "##able"}));
}

TEST(WordPiece, TurnsAWordWithAMissingPieceIntoOneUnk) {
  const auto t = make({"un", "##aff", "##able", "ok"});
  EXPECT_EQ(t.tokenize("unaffxable ok"), (Tokens{"[UNK]", "ok"}));
  EXPECT_EQ(t.token_ids("unaffxable ok"), (Ids{1, 8}));
}

TEST(WordPiece, TokenizesA100CharacterWordButMakesA101CharacterWordUnk) {
  std::string word100;
  for (int i = 0; i < 50; ++i) word100 += "ab";
  const Tokens pieces = bert().tokenize(word100);
  EXPECT_EQ(pieces.size(), 50u);
  EXPECT_EQ(pieces.front(), "aba");
  EXPECT_EQ(bert().tokenize(word100 + "a"), (Tokens{"[UNK]"}));
}

TEST(WordPiece, CountsTheWordLimitInCharactersNotBytes) {
  TokenizerOptions opts;
  opts.lowercase = false;
  opts.max_input_chars_per_word = 3;
  const auto t = make({"é", "##é"}, opts);
  EXPECT_EQ(t.tokenize("ééé"), (Tokens{"é", "##é", "##é"}));
  EXPECT_EQ(t.tokenize("éééé"), (Tokens{"[UNK]"}));
}

TEST(WordPiece, SplitsCjkIdeographsIntoSingleTokens) {
  const auto t = make({"我", "想", "##想", "ok", "の", "##の"});
  EXPECT_EQ(t.tokenize("我想ok"), (Tokens{"我", "想", "ok"}));
  // Kana is not in the CJK blocks, so it stays one word.
  EXPECT_EQ(t.tokenize("のの"), (Tokens{"の", "##の"}));
  TokenizerOptions opts;
  opts.handle_chinese_chars = false;
  EXPECT_EQ(make({"我", "想", "##想"}, opts).tokenize("我想"), (Tokens{"我", "##想"}));
}

TEST(WordPiece, KeepsSpecialTokensTypedInTheTextCaseSensitively) {
  const auto t = make({"a", "b", "[", "]", "cl", "##s", "sep"});
  EXPECT_EQ(t.tokenize("a[SEP]b [MASK][CLS]"), (Tokens{"a", "[SEP]", "b", "[MASK]", "[CLS]"}));
  EXPECT_EQ(t.tokenize("[cls] [Sep]"), (Tokens{"[", "cl", "##s", "]", "[", "sep", "]"}));
  EXPECT_EQ(t.tokenize("[UNK][PAD]"), (Tokens{"[UNK]", "[PAD]"}));
}

TEST(WordPiece, SplitsEveryPunctuationCharacterIntoItsOwnToken) {
  const auto t = make({"a", "b", ".", "$", "^", "`", "~", "¿", "€", "##€"});
  EXPECT_EQ(t.tokenize("a..b$^`~¿a"), (Tokens{"a", ".", ".", "b", "$", "^", "`", "~", "¿", "a"}));
  EXPECT_EQ(t.tokenize("a€"), (Tokens{"a", "##€"}));  // € is Sc, not punctuation
}

TEST(WordPiece, DropsControlCharactersAndJoinsTheTextAroundThem) {
  const auto t = make({"a", "##b", "##c", "b"});
  EXPECT_EQ(t.tokenize("a\u200bb\ufeffc"), (Tokens{"a", "##b", "##c"}));
  EXPECT_EQ(t.tokenize(std::string("a\0b", 3)), (Tokens{"a", "##b"}));
  EXPECT_EQ(t.tokenize("a\xFF"
                       "b"),
            (Tokens{"a", "##b"}));  // invalid UTF-8 reads as U+FFFD
  EXPECT_EQ(t.tokenize("a\tb\u00a0a\u3000b\u2028a"), (Tokens{"a", "b", "a", "b", "a"}));
}

TEST(WordPiece, KeepsControlCharactersWhenCleanTextIsOff) {
  TokenizerOptions opts;
  opts.clean_text = false;
  const auto t = make({"a", "b"}, opts);
  EXPECT_EQ(t.tokenize("a\u200bb"), (Tokens{"[UNK]"}));
  EXPECT_EQ(t.tokenize("a\vb"), (Tokens{"a", "b"}));  // \v is still whitespace
}

// Spelled with escapes so that precomposed and combining forms are visible:
// \u00e9 is é, \u00c9 is É, \u0130 is İ, \u0307 the combining dot above.
TEST(WordPiece, LowercasesAndStripsAccentsByDefault) {
  const auto t = make({"cafe", "caf\u00e9", "Caf\u00e9", "Cafe", "\u03bf\u03b4\u03bf\u03c3"});
  EXPECT_EQ(t.tokenize("CAF\u00c9 Caf\u00e9 cafe\u0301"), (Tokens{"cafe", "cafe", "cafe"}));
  // Per-character lowercasing: the final capital sigma becomes σ, not ς.
  EXPECT_EQ(t.tokenize("\u039f\u0394\u039f\u03a3"), (Tokens{"\u03bf\u03b4\u03bf\u03c3"}));
}

TEST(WordPiece, HonoursStripAccentsWhenSetExplicitly) {
  const Tokens vocab{"cafe", "caf\u00e9", "Caf\u00e9", "Cafe", "i", "i\u0307"};
  TokenizerOptions keep_accents;
  keep_accents.strip_accents = false;
  EXPECT_EQ(make(vocab, keep_accents).tokenize("CAF\u00c9 \u0130"),
            (Tokens{"caf\u00e9", "i\u0307"}));

  TokenizerOptions cased;
  cased.lowercase = false;  // strip_accents unset: no stripping either
  EXPECT_EQ(make(vocab, cased).tokenize("Caf\u00e9"), (Tokens{"Caf\u00e9"}));

  TokenizerOptions cased_stripped;
  cased_stripped.lowercase = false;
  cased_stripped.strip_accents = true;
  EXPECT_EQ(make(vocab, cased_stripped).tokenize("Caf\u00e9"), (Tokens{"Cafe"}));

  // Lowercased and stripped (the default), İ loses its dot.
  EXPECT_EQ(make(vocab).tokenize("\u0130"), (Tokens{"i"}));
}

TEST(WordPiece, GivesNoTokensForEmptyOrBlankText) {
  const auto t = make({"a"});
  EXPECT_TRUE(t.tokenize("").empty());
  EXPECT_TRUE(t.tokenize(" \t\n\u3000\u200b").empty());
  EXPECT_TRUE(t.tokenize("\u0301").empty());  // a lone accent is stripped away
}

TEST(Encode, TreatsAnEmptySecondTextAsASingleText) {
  const auto t = make({"a", "b"});
  const Encoding single = t.encode("a b");
  const Encoding pair = t.encode("a b", "");
  EXPECT_EQ(single.input_ids, (Ids{2, 5, 6, 3}));
  EXPECT_EQ(pair.input_ids, single.input_ids);
  EXPECT_EQ(pair.token_type_ids, (Ids{0, 0, 0, 0}));
  // A second text that is not empty but has no tokens still makes a pair.
  const Encoding blank = t.encode("a", " ");
  EXPECT_EQ(blank.input_ids, (Ids{2, 5, 3, 3}));
  EXPECT_EQ(blank.token_type_ids, (Ids{0, 0, 0, 1}));
}

TEST(Encode, TruncatesLongestFirstWithinMaxLength) {
  const auto t = make({"a", "b"});
  const Encoding e = t.encode("a a a a a a", "b b", 8);
  EXPECT_EQ(e.input_ids, (Ids{2, 5, 5, 5, 3, 6, 6, 3}));
  EXPECT_EQ(e.attention_mask, Ids(8, 1));
  EXPECT_EQ(t.encode("a a a a a a", {}, 4).input_ids, (Ids{2, 5, 5, 3}));
}

TEST(EncodeBatch, PadsRowsOfMixedSinglesAndPairsToTheLongest) {
  const auto t = make({"a", "b"});
  const std::vector<TextPair> pairs{{"a", "b b"}, {"a a", ""}, {"", ""}};
  const Batch batch = t.encode_batch(pairs, 64);
  EXPECT_EQ(batch.rows, 3);
  EXPECT_EQ(batch.cols, 6);
  EXPECT_EQ(batch.input_ids, (Ids{2, 5, 3, 6, 6, 3, 2, 5, 5, 3, 0, 0, 2, 3, 0, 0, 0, 0}));
  EXPECT_EQ(batch.token_type_ids, (Ids{0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(batch.attention_mask, (Ids{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0}));
}

TEST(WordPieceTokenizer, GivesTheSameResultsFromManyThreadsAtOnce) {
  const std::vector<std::string> texts{"Hello, world! Café résumé 我想退货", "ΟΔΟΣ 😍 [SEP] x",
                                       "Order #A-1029 costs $1,299.99"};
  std::vector<Ids> expected;
  for (const auto& text : texts) expected.push_back(bert().encode(text, text, 32).input_ids);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      for (int round = 0; round < 200; ++round) {
        const size_t i = (round + k) % texts.size();
        if (bert().encode(texts[i], texts[i], 32).input_ids != expected[i]) ++mismatches[k];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace hitloop::text
