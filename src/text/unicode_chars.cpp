#include "text/unicode_chars.h"

#include <utf8proc.h>

#include <utility>

namespace hitloop::text {

namespace detail {

namespace {
constexpr std::array<uint8_t, 128> make_ascii_classes() {
  std::array<uint8_t, 128> t{};
  for (int c = 0; c < 32; ++c) t[c] = kAsciiControl;
  t[0x7F] = kAsciiControl;
  // \t \n \r are Cc but BERT treats them as whitespace only; \v and \f are
  // both (White_Space and Cc), so clean_text drops them and, with clean_text
  // off, the pre-tokenizer splits on them.
  for (int c : {'\t', '\n', '\r'}) t[c] = kAsciiWhitespace;
  for (int c : {'\v', '\f'}) t[c] = kAsciiControl | kAsciiWhitespace;
  t[' '] = kAsciiWhitespace;
  for (int c = 33; c <= 47; ++c) t[c] = kAsciiPunctuation;
  for (int c = 58; c <= 64; ++c) t[c] = kAsciiPunctuation;
  for (int c = 91; c <= 96; ++c) t[c] = kAsciiPunctuation;
  for (int c = 123; c <= 126; ++c) t[c] = kAsciiPunctuation;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kAsciiUpper;
  return t;
}
}  // namespace

const std::array<uint8_t, 128> kAsciiClasses = make_ascii_classes();

bool is_control_slow(char32_t cp) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CN:  // unassigned: Python's category() says "Cn"
      return true;
    default:
      return false;
  }
}

bool is_punctuation_slow(char32_t cp) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
      return true;
    default:
      return false;
  }
}

bool is_whitespace_slow(char32_t cp) {
  // White_Space above ASCII is a fixed, short list (PropList.txt); utf8proc
  // has no accessor for binary properties.
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

}  // namespace detail

char32_t decode_utf8(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = 0;
  char32_t cp = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the next byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    ++i;
    return 0xFFFD;
  }
  size_t j = i + 1;
  for (int k = 1; k < len; ++k, ++j) {
    if (j >= s.size()) break;
    const auto b = static_cast<unsigned char>(s[j]);
    if (b < lo || b > hi) break;
    lo = 0x80;
    hi = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
    if (k == len - 1) {
      i = j + 1;
      return cp;
    }
  }
  i = j;  // the valid prefix of a truncated sequence is one replacement
  return 0xFFFD;
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void append_lowercase(char32_t cp, std::u32string& out) {
  if (cp < 128) {
    out.push_back(detail::kAsciiClasses[cp] & detail::kAsciiUpper ? cp + 32 : cp);
  } else if (cp == 0x130) {
    // The only unconditional SpecialCasing.txt lowercase that differs from
    // the simple mapping utf8proc_tolower gives (which would be plain i).
    out.push_back(U'i');
    out.push_back(0x307);
  } else {
    out.push_back(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))));
  }
}

namespace {
int combining_class(char32_t cp) {
  if (cp < 0x300) return 0;  // the first combining mark is U+0300
  return utf8proc_get_property(static_cast<utf8proc_int32_t>(cp))->combining_class;
}
}  // namespace

void decompose_and_strip_nonspacing_marks(std::u32string& cps, std::u32string& scratch) {
  scratch.clear();
  bool needs_reordering = false;
  for (char32_t cp : cps) {
    if (cp < 0xC0) {  // nothing below U+00C0 has a canonical decomposition
      scratch.push_back(cp);
      continue;
    }
    utf8proc_int32_t buf[16];
    int boundclass = 0;
    const utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), buf, 16,
                                                       UTF8PROC_DECOMPOSE, &boundclass);
    if (n <= 0 || n > 16) {  // cannot happen for a valid scalar value
      scratch.push_back(cp);
      continue;
    }
    for (utf8proc_ssize_t k = 0; k < n; ++k) scratch.push_back(static_cast<char32_t>(buf[k]));
    needs_reordering = true;
  }
  if (needs_reordering) {
    // Canonical ordering: a stable sort by combining class inside each run of
    // non-starters. It matters only for the few non-Mn marks that survive.
    for (size_t i = 1; i < scratch.size(); ++i) {
      const int ccc = combining_class(scratch[i]);
      if (ccc == 0) continue;
      for (size_t j = i; j > 0 && combining_class(scratch[j - 1]) > ccc; --j) {
        std::swap(scratch[j - 1], scratch[j]);
      }
    }
  }
  cps.clear();
  for (char32_t cp : scratch) {
    if (cp >= 0x300 &&
        utf8proc_category(static_cast<utf8proc_int32_t>(cp)) == UTF8PROC_CATEGORY_MN) {
      continue;
    }
    cps.push_back(cp);
  }
}

}  // namespace hitloop::text
