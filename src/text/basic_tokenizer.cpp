#include "text/basic_tokenizer.h"

#include "text/unicode_chars.h"

namespace hitloop::text {

void Words::append_char(char32_t cp) {
  append_utf8(cp, bytes_);
  char_starts_.push_back(static_cast<uint32_t>(bytes_.size()));
}

void Words::end_word() {
  const auto chars = static_cast<uint32_t>(char_starts_.size() - 1);
  if (chars > open_word_begin_) spans_.emplace_back(open_word_begin_, chars);
  open_word_begin_ = chars;
}

namespace {

// Per-thread buffers, so that tokenizing allocates only while they grow.
struct Scratch {
  std::u32string norm;  // one word, cleaned, then lowercased / accent-stripped
  std::u32string decomposed;
};

}  // namespace

// A word of ASCII letters, digits and control bytes (dropped by clean_text):
// lowercasing is a table lookup and nothing decomposes, so no code points
// are formed.
void BasicTokenizer::append_ascii_word(std::string_view word, Words& out) const {
  for (char c : word) {
    const auto b = static_cast<unsigned char>(c);
    const uint8_t cls = detail::kAsciiClasses[b];
    if (options_.clean_text && (cls & detail::kAsciiControl)) continue;
    out.append_ascii(options_.lowercase && (cls & detail::kAsciiUpper) ? static_cast<char>(c + 32)
                                                                       : c);
  }
  out.end_word();
}

// Any other word: decoded, cleaned, lowercased and accent-stripped as a
// whole, then split on punctuation. Normalising before the punctuation split
// matters: NFD can turn a non-punctuation character into one (U+1FEF GREEK
// VARIA becomes the backtick), and both HF pipelines split after it.
void BasicTokenizer::append_unicode_word(std::string_view word, Words& out) const {
  thread_local Scratch scratch;
  std::u32string& norm = scratch.norm;
  norm.clear();
  for (size_t i = 0; i < word.size();) {
    const char32_t cp = decode_utf8(word, i);
    if (options_.clean_text && (cp == 0 || cp == 0xFFFD || is_control(cp))) continue;
    if (options_.lowercase) {
      append_lowercase(cp, norm);
    } else {
      norm.push_back(cp);
    }
  }
  if (options_.strip_accents) decompose_and_strip_nonspacing_marks(norm, scratch.decomposed);
  for (char32_t cp : norm) {
    if (is_punctuation(cp)) {
      out.end_word();
      out.append_char(cp);
      out.end_word();
    } else {
      out.append_char(cp);
    }
  }
  out.end_word();
}

void BasicTokenizer::split(std::string_view text, Words& out) const {
  // The pending word is the byte range [word_begin, i) of text. Control
  // characters dropped by clean_text stay inside it (they join the text on
  // either side) and are skipped when the word is appended.
  size_t word_begin = 0;
  bool word_is_ascii = true;
  auto end_word_at = [&](size_t end, size_t next_begin) {
    if (end > word_begin) {
      const std::string_view word = text.substr(word_begin, end - word_begin);
      word_is_ascii ? append_ascii_word(word, out) : append_unicode_word(word, out);
    }
    word_begin = next_begin;
    word_is_ascii = true;
  };

  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      const uint8_t cls = detail::kAsciiClasses[b];
      if (options_.clean_text && (cls & detail::kAsciiControl)) {
        ++i;
      } else if (cls & detail::kAsciiWhitespace) {
        end_word_at(i, i + 1);
        ++i;
      } else if (cls & detail::kAsciiPunctuation) {
        // Splitting before normalising is exact here: ASCII punctuation
        // neither changes under lowercasing/NFD nor lets marks reorder
        // across it (its combining class is 0).
        end_word_at(i, i + 1);
        out.append_ascii(static_cast<char>(b));
        out.end_word();
        ++i;
      } else {
        ++i;
      }
      continue;
    }
    const size_t char_begin = i;
    const char32_t cp = decode_utf8(text, i);
    if (is_whitespace(cp) && !(options_.clean_text && is_control(cp))) {
      end_word_at(char_begin, i);
    } else if (options_.handle_chinese_chars && is_cjk_ideograph(cp)) {
      end_word_at(char_begin, i);
      append_unicode_word(text.substr(char_begin, i - char_begin), out);
    } else {
      word_is_ascii = false;
    }
  }
  end_word_at(text.size(), text.size());
}

}  // namespace hitloop::text
