// The character classes and mappings BERT's tokenizers are defined by (HF
// `BasicTokenizer` / Rust `BertNormalizer` + `BertPreTokenizer`), and a
// tolerant UTF-8 codec. ASCII is answered from a table; everything else asks
// utf8proc, so the Unicode version is utf8proc's.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace hitloop::text {

// Decodes the code point at s[i] and advances i past it. Invalid input never
// fails: each maximal ill-formed subsequence becomes one U+FFFD (what Rust's
// from_utf8_lossy and Python's errors="replace" do), which clean_text drops.
char32_t decode_utf8(std::string_view s, size_t& i);

void append_utf8(char32_t cp, std::string& out);

namespace detail {
enum AsciiClass : uint8_t {
  kAsciiControl = 1,
  kAsciiWhitespace = 2,
  kAsciiPunctuation = 4,
  kAsciiUpper = 8,
};
extern const std::array<uint8_t, 128> kAsciiClasses;
bool is_control_slow(char32_t cp);
bool is_punctuation_slow(char32_t cp);
bool is_whitespace_slow(char32_t cp);
}  // namespace detail

// Category C* (Cc, Cf, Cs, Co, Cn) other than \t \n \r: what clean_text drops.
inline bool is_control(char32_t cp) {
  if (cp < 128) return detail::kAsciiClasses[cp] & detail::kAsciiControl;
  return detail::is_control_slow(cp);
}

// The Unicode White_Space property (Rust char::is_whitespace). Python's
// str.split() agrees on every character that survives clean_text.
inline bool is_whitespace(char32_t cp) {
  if (cp < 128) return detail::kAsciiClasses[cp] & detail::kAsciiWhitespace;
  return detail::is_whitespace_slow(cp);
}

// ASCII 33-47, 58-64, 91-96, 123-126 (so `$+<=>^|~` and the backtick count),
// or any category P*.
inline bool is_punctuation(char32_t cp) {
  if (cp < 128) return detail::kAsciiClasses[cp] & detail::kAsciiPunctuation;
  return detail::is_punctuation_slow(cp);
}

// The eight blocks of HF `_is_chinese_char`: CJK Unified Ideographs and their
// extensions A-E plus the compatibility blocks. Kana and Hangul are not in it.
inline bool is_cjk_ideograph(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
         (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

// Appends the full lowercase mapping of one character, with no context: the
// per-character lowercasing of transformers and Rust's char::to_lowercase, so
// Σ always becomes σ (never the final ς) and İ becomes i + U+0307.
void append_lowercase(char32_t cp, std::u32string& out);

// Replaces cps by its canonical decomposition (NFD, including canonical
// reordering) with every category Mn character removed: BERT's strip_accents.
// `scratch` is reused storage so that the call does not allocate.
void decompose_and_strip_nonspacing_marks(std::u32string& cps, std::u32string& scratch);

}  // namespace hitloop::text
