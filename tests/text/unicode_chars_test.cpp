#include "text/unicode_chars.h"

#include <gtest/gtest.h>

namespace hitloop::text {
namespace {

std::u32string decode_all(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) out.push_back(decode_utf8(s, i));
  return out;
}

TEST(Utf8, RoundTripsEveryEncodingLength) {
  const std::u32string cps = {U'a', 0xE9, 0x20AC, 0x1F60D, 0x10FFFF};
  std::string bytes;
  for (char32_t cp : cps) append_utf8(cp, bytes);
  EXPECT_EQ(bytes, "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x8D\xF4\x8F\xBF\xBF");
  EXPECT_EQ(decode_all(bytes), cps);
}

TEST(Utf8, ReadsEachMaximalInvalidSubsequenceAsOneReplacementCharacter) {
  // Lone continuation byte, overlong, surrogate, truncated 3-byte sequence
  // followed by ASCII, a byte that never occurs, above U+10FFFF.
  EXPECT_EQ(decode_all("\x80"), U"\uFFFD");
  EXPECT_EQ(decode_all("\xC0\xAF"), U"\uFFFD\uFFFD");
  EXPECT_EQ(decode_all("\xED\xA0\x80"), U"\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(decode_all("\xE2\x82x"), U"\uFFFDx");
  EXPECT_EQ(decode_all("\xFF"), U"\uFFFD");
  EXPECT_EQ(decode_all("\xF4\x90\x80\x80"), U"\uFFFD\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(decode_all("\xF0\x9F\x98"), U"\uFFFD");
}

TEST(CharClasses, TreatAsciiSymbolsAsPunctuationButNotCurrencyOrEmoji) {
  for (char c : std::string_view("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")) {
    EXPECT_TRUE(is_punctuation(static_cast<unsigned char>(c))) << c;
  }
  for (char32_t cp :
       {U'a', U'0', U' ', char32_t{0x20AC}, char32_t{0xA9}, char32_t{0x2122}, char32_t{0x1F60D}}) {
    EXPECT_FALSE(is_punctuation(cp)) << static_cast<uint32_t>(cp);
  }
  // Category P* outside ASCII: fullwidth comma, em dash, curly quote, ¿.
  for (char32_t cp : {0xFF0C, 0x2014, 0x2019, 0xBF, 0x3002}) {
    EXPECT_TRUE(is_punctuation(cp)) << static_cast<uint32_t>(cp);
  }
}

TEST(CharClasses, CountFormatUnassignedAndPrivateUseAsControlButNotTabsOrNewlines) {
  for (char32_t cp : {0x07, 0x0B, 0x0C, 0x7F, 0x85, 0x200B, 0x200D, 0xFEFF, 0xE000, 0x0378}) {
    EXPECT_TRUE(is_control(cp)) << static_cast<uint32_t>(cp);
  }
  for (char32_t cp : {U'\t', U'\n', U'\r', U' ', U'a', char32_t{0xA0}}) {
    EXPECT_FALSE(is_control(cp)) << static_cast<uint32_t>(cp);
  }
}

TEST(CharClasses, TreatSpaceSeparatorsAndLineSeparatorsAsWhitespace) {
  for (char32_t cp : {U' ', U'\t', U'\n', U'\r', char32_t{0xA0}, char32_t{0x1680}, char32_t{0x2007},
                      char32_t{0x2028}, char32_t{0x2029}, char32_t{0x202F}, char32_t{0x3000}}) {
    EXPECT_TRUE(is_whitespace(cp)) << static_cast<uint32_t>(cp);
  }
  for (char32_t cp : {U'a', char32_t{0x200B}, char32_t{0xFEFF}}) EXPECT_FALSE(is_whitespace(cp));
}

TEST(CharClasses, RecogniseTheEightCjkIdeographBlocksOnly) {
  for (char32_t cp :
       {0x4E00, 0x9FFF, 0x3400, 0x20000, 0x2A700, 0x2B740, 0x2B820, 0xF900, 0x2F800}) {
    EXPECT_TRUE(is_cjk_ideograph(cp)) << static_cast<uint32_t>(cp);
  }
  // Hiragana, katakana, Hangul, fullwidth punctuation.
  for (char32_t cp : {0x3042, 0x30AB, 0xAC00, 0xFF0C}) EXPECT_FALSE(is_cjk_ideograph(cp));
}

std::u32string lower(std::u32string_view s) {
  std::u32string out;
  for (char32_t cp : s) append_lowercase(cp, out);
  return out;
}

TEST(Lowercase, MapsEachCharacterWithoutTheFinalSigmaRule) {
  EXPECT_EQ(lower(U"ΟΔΟΣ"), U"οδοσ");
  EXPECT_EQ(lower(U"ABCxyz"), U"abcxyz");
  EXPECT_EQ(lower(U"ÀÉÑ"), U"àéñ");
  EXPECT_EQ(lower(U"ǅ"), U"ǆ");
}

TEST(Lowercase, GivesDottedCapitalIItsFullMappingWithTheCombiningDot) {
  EXPECT_EQ(lower(U"İ"), std::u32string(U"i\u0307"));
}

std::u32string strip(std::u32string s) {
  std::u32string scratch;
  decompose_and_strip_nonspacing_marks(s, scratch);
  return s;
}

TEST(StripAccents, DecomposesAndDropsNonspacingMarks) {
  EXPECT_EQ(strip(U"café naïve"), U"cafe naive");
  EXPECT_EQ(strip(U"e\u0301"), U"e");
  EXPECT_EQ(strip(U"i\u0307"), U"i");
  EXPECT_EQ(strip(U"ß"), U"ß");
}

TEST(StripAccents, TurnsHangulSyllablesIntoConjoiningJamo) {
  EXPECT_EQ(strip(U"감"), U"\u1100\u1161\u11B7");
}

TEST(StripAccents, DropsDevanagariMnSignsButKeepsMcVowelSigns) {
  // न म स ् त े: virama U+094D and vowel sign E U+0947 are Mn.
  EXPECT_EQ(strip(U"नमस्ते"), U"नमसत");
  // ऑ U+0911 has no decomposition; ि U+093F is Mc and stays.
  EXPECT_EQ(strip(U"मिलेगा"), U"मिलगा");
}

TEST(StripAccents, CanTurnASymbolIntoAsciiPunctuation) {
  // GREEK VARIA (Sk) decomposes canonically to the backtick.
  EXPECT_EQ(strip(U"\u1FEF"), U"`");
  EXPECT_FALSE(is_punctuation(0x1FEF));
}

TEST(StripAccents, OrdersSurvivingCombiningMarksCanonically) {
  // AUGMENTATION DOT (Mc, class 226) before STEM (Mc, 216) swap places;
  // the acute (Mn, 230) between them is sorted and then dropped.
  EXPECT_EQ(strip(U"a\U0001D16D\u0301\U0001D165"), U"a\U0001D165\U0001D16D");
  // The musical half note decomposes to a note head and that stem.
  EXPECT_EQ(strip(U"\U0001D15E"), U"\U0001D157\U0001D165");
}

}  // namespace
}  // namespace hitloop::text
