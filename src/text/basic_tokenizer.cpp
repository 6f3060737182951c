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
  std::u32string raw;   // one whitespace-delimited word, cleaned
  std::u32string norm;  // the same word lowercased / accent-stripped
  std::u32string decomposed;
};

}  // namespace

void BasicTokenizer::split(std::string_view text, Words& out) const {
  thread_local Scratch scratch;
  std::u32string& raw = scratch.raw;
  std::u32string& norm = scratch.norm;
  raw.clear();
  bool raw_is_ascii = true;

  // Normalising a whole word before the punctuation split matters: NFD can
  // turn a non-punctuation character into one (U+1FEF GREEK VARIA becomes the
  // backtick), and both HF pipelines split after normalising.
  auto flush_word = [&] {
    if (raw.empty()) return;
    if (options_.lowercase) {
      norm.clear();
      for (char32_t cp : raw) append_lowercase(cp, norm);
    } else {
      norm.assign(raw);
    }
    if (options_.strip_accents && !raw_is_ascii) {
      decompose_and_strip_nonspacing_marks(norm, scratch.decomposed);
    }
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
    raw.clear();
    raw_is_ascii = true;
  };

  for (size_t i = 0; i < text.size();) {
    const char32_t cp = decode_utf8(text, i);
    if (options_.clean_text && (cp == 0 || cp == 0xFFFD || is_control(cp))) continue;
    if (is_whitespace(cp)) {
      flush_word();
      continue;
    }
    if (options_.handle_chinese_chars && is_cjk_ideograph(cp)) {
      flush_word();
      raw.push_back(cp);
      raw_is_ascii = false;
      flush_word();
      continue;
    }
    raw.push_back(cp);
    if (cp >= 0x80) raw_is_ascii = false;
  }
  flush_word();
}

}  // namespace hitloop::text
