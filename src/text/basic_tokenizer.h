// BERT's text normalisation and pre-tokenisation: everything before
// WordPiece. Equivalent to Rust `BertNormalizer` + `BertPreTokenizer` (what
// HF's fast tokenizer runs) and to transformers' `BasicTokenizer`, except
// where noted in wordpiece_tokenizer.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hitloop::text {

struct NormalizerOptions {
  bool clean_text = true;            // drop control chars, map whitespace to space
  bool handle_chinese_chars = true;  // each CJK ideograph is a word of its own
  bool lowercase = true;
  bool strip_accents = true;  // NFD, then drop category Mn (already resolved from null)
};

// The words of a text, stored flat so that splitting allocates nothing once
// the buffers have grown: the UTF-8 of every word back to back, the byte
// offset of every character, and each word's character range.
class Words {
 public:
  Words() { clear(); }
  void clear() {
    bytes_.clear();
    char_starts_.assign(1, 0);
    spans_.clear();
    open_word_begin_ = 0;
  }
  size_t size() const { return spans_.size(); }
  // Characters of word w are indices [begin_char(w), end_char(w)); character
  // c occupies bytes [char_start(c), char_start(c + 1)).
  uint32_t begin_char(size_t w) const { return spans_[w].first; }
  uint32_t end_char(size_t w) const { return spans_[w].second; }
  uint32_t char_start(uint32_t c) const { return char_starts_[c]; }
  std::string_view bytes(uint32_t begin_char, uint32_t end_char) const {
    return std::string_view(bytes_).substr(char_starts_[begin_char],
                                           char_starts_[end_char] - char_starts_[begin_char]);
  }
  std::string_view word(size_t w) const { return bytes(begin_char(w), end_char(w)); }

  void append_char(char32_t cp);
  void append_ascii(char c) {
    bytes_.push_back(c);
    char_starts_.push_back(static_cast<uint32_t>(bytes_.size()));
  }
  // Ends the word being built, if it has any characters.
  void end_word();

 private:
  std::string bytes_;
  std::vector<uint32_t> char_starts_;  // one per character plus the end
  std::vector<std::pair<uint32_t, uint32_t>> spans_;
  uint32_t open_word_begin_ = 0;
};

class BasicTokenizer {
 public:
  explicit BasicTokenizer(NormalizerOptions options) : options_(options) {}
  const NormalizerOptions& options() const { return options_; }

  // Appends the words of `text` (which must not contain special tokens) to
  // `out`. Invalid UTF-8 is read as U+FFFD.
  void split(std::string_view text, Words& out) const;

 private:
  void append_ascii_word(std::string_view word, Words& out) const;
  void append_unicode_word(std::string_view word, Words& out) const;

  NormalizerOptions options_;
};

}  // namespace hitloop::text
