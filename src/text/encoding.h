// Model inputs built from wordpiece ids: BERT's special-token template,
// `longest_first` truncation and right padding, as HF's fast tokenizer
// (Rust `tokenizers`) produces them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace hitloop::text {

// max_length value meaning "do not truncate".
inline constexpr size_t kNoTruncation = 0;

struct Encoding {
  std::vector<int64_t> input_ids;
  std::vector<int64_t> token_type_ids;  // 0 for [CLS] A [SEP], 1 for B [SEP]
  std::vector<int64_t> attention_mask;  // all ones: an Encoding is never padded
  size_t size() const { return input_ids.size(); }
};

// rows x cols tensors, row-major, each row padded on the right to the
// longest row with pad_id (mask 0, token type 0).
struct Batch {
  std::vector<int64_t> input_ids;
  std::vector<int64_t> token_type_ids;
  std::vector<int64_t> attention_mask;
  int64_t rows = 0;
  int64_t cols = 0;
};

struct SpecialIds {
  int64_t cls = 0;
  int64_t sep = 0;
  int64_t pad = 0;
};

struct SegmentLengths {
  size_t a = 0;
  size_t b = 0;
};

// How many wordpieces of each segment `longest_first` keeps within `budget`
// (max_length minus the special tokens). If only the longer segment has to
// be cut it keeps budget - len(shorter); if both, the shorter (the first on
// a tie) keeps budget / 2 and the other the rest. This is Rust tokenizers'
// rule; transformers' slow tokenizer cuts the second segment first on ties.
SegmentLengths longest_first_keep(SegmentLengths lengths, size_t budget);

// [CLS] a [SEP] or, when b is given, [CLS] a [SEP] b [SEP], truncated from
// the end of the segments to max_length (kNoTruncation: never). A
// max_length below the number of special tokens keeps no wordpieces.
Encoding build_encoding(std::span<const int64_t> a, std::optional<std::span<const int64_t>> b,
                        size_t max_length, const SpecialIds& ids);

Batch pad_to_longest(std::span<const Encoding> rows, int64_t pad_id);

}  // namespace hitloop::text
