// How a sentence-transformers checkpoint turns token vectors into one
// sentence embedding: its modules.json (Transformer, Pooling, optionally
// Normalize), the pooling module's config.json (pooling_mode_* keys) and
// sentence_bert_config.json (max_seq_length, do_lower_case), read and
// checked here, and the pooling itself, computed as sentence-transformers'
// Pooling and Normalize modules compute it. No libtorch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace hitloop::ml::encoder {

// In the order sentence-transformers concatenates them when several are on.
enum class PoolingMode { kCls, kMax, kMean, kMeanSqrtLen, kWeightedMean, kLastToken };

struct SentenceConfig {
  std::vector<PoolingMode> modes;  // at least one, in the order above, no repeats
  bool normalize = false;          // a Normalize module follows the pooling
  int max_seq_length = 0;          // tokens per text, [CLS] and [SEP] included
  bool do_lower_case = false;      // sentence_bert_config.json's flag

  // "mean", "cls+mean, normalized": for people and the artifact.
  std::string describe() const;
  // Sentence embedding size for a model of `hidden` units.
  int64_t dim(int64_t hidden) const { return static_cast<int64_t>(modes.size()) * hidden; }
};

bool operator==(const SentenceConfig& a, const SentenceConfig& b);

// "cls", "max", "mean", "mean_sqrt_len_tokens", "weightedmean", "lasttoken".
const char* pooling_mode_name(PoolingMode mode);
Result<PoolingMode> pooling_mode_from_name(const std::string& name);

// The checkpoint's sentence configuration. Without modules.json, mean
// pooling and no normalisation (what sentence-transformers builds for a
// plain HF model). max_seq_length: sentence_bert_config.json's, else the
// smaller of `max_positions` and the tokenizer's model_max_length. Every
// file is checked: malformed JSON, unknown module types or pooling keys,
// a module path outside `dir`, a word_embedding_dimension other than
// `hidden`, a max_seq_length beyond `max_positions` are errors naming the
// file.
Result<SentenceConfig> read_sentence_config(const std::string& dir, int64_t hidden,
                                            int64_t max_positions);

// A pooling module's config.json (`origin` names it in errors): the modes
// it turns on, with sentence-transformers' defaults (mean on unless said
// otherwise; "pooling_mode" names one mode and overrides the flags).
Result<std::vector<PoolingMode>> parse_pooling_config(const std::string& text,
                                                      const std::string& origin, int64_t hidden);

// One text's sentence embedding from its token vectors: `tokens` holds
// `length` rows of `hidden` floats (the text's real tokens; padding is not
// passed). Writes config.dim(hidden) floats to `out`.
void pool_tokens(const float* tokens, int64_t length, int64_t hidden, const SentenceConfig& config,
                 float* out);

}  // namespace hitloop::ml::encoder
