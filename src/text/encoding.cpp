#include "text/encoding.h"

#include <algorithm>

namespace hitloop::text {

SegmentLengths longest_first_keep(SegmentLengths lengths, size_t budget) {
  if (lengths.a + lengths.b <= budget) return lengths;
  const bool a_is_shorter = lengths.a <= lengths.b;
  const size_t shorter = a_is_shorter ? lengths.a : lengths.b;
  size_t keep_shorter = 0;
  size_t keep_longer = 0;
  // Rust keeps the shorter whole only while it is no longer than what it
  // leaves the other, so (4, 8) in 7 becomes (3, 4), not (4, 3).
  if (2 * shorter <= budget) {
    keep_shorter = shorter;
    keep_longer = budget - shorter;
  } else {
    keep_shorter = budget / 2;
    keep_longer = budget - budget / 2;
  }
  return a_is_shorter ? SegmentLengths{keep_shorter, keep_longer}
                      : SegmentLengths{keep_longer, keep_shorter};
}

Encoding build_encoding(std::span<const int64_t> a, std::optional<std::span<const int64_t>> b,
                        size_t max_length, const SpecialIds& ids) {
  const size_t specials = b ? 3 : 2;
  SegmentLengths keep{a.size(), b ? b->size() : 0};
  if (max_length != kNoTruncation) {
    const size_t budget = max_length > specials ? max_length - specials : 0;
    keep = b ? longest_first_keep(keep, budget) : SegmentLengths{std::min(a.size(), budget), 0};
  }
  Encoding enc;
  const size_t total = keep.a + keep.b + specials;
  enc.input_ids.reserve(total);
  enc.input_ids.push_back(ids.cls);
  enc.input_ids.insert(enc.input_ids.end(), a.begin(), a.begin() + keep.a);
  enc.input_ids.push_back(ids.sep);
  enc.token_type_ids.assign(enc.input_ids.size(), 0);
  if (b) {
    enc.input_ids.insert(enc.input_ids.end(), b->begin(), b->begin() + keep.b);
    enc.input_ids.push_back(ids.sep);
    enc.token_type_ids.resize(enc.input_ids.size(), 1);
  }
  enc.attention_mask.assign(enc.input_ids.size(), 1);
  return enc;
}

Batch pad_to_longest(std::span<const Encoding> rows, int64_t pad_id) {
  Batch batch;
  batch.rows = static_cast<int64_t>(rows.size());
  size_t cols = 0;
  for (const Encoding& e : rows) cols = std::max(cols, e.size());
  batch.cols = static_cast<int64_t>(cols);
  batch.input_ids.assign(rows.size() * cols, pad_id);
  batch.token_type_ids.assign(rows.size() * cols, 0);
  batch.attention_mask.assign(rows.size() * cols, 0);
  for (size_t r = 0; r < rows.size(); ++r) {
    const Encoding& e = rows[r];
    std::copy(e.input_ids.begin(), e.input_ids.end(), batch.input_ids.begin() + r * cols);
    std::copy(e.token_type_ids.begin(), e.token_type_ids.end(),
              batch.token_type_ids.begin() + r * cols);
    std::copy(e.attention_mask.begin(), e.attention_mask.end(),
              batch.attention_mask.begin() + r * cols);
  }
  return batch;
}

}  // namespace hitloop::text
