// A frozen sentence-transformers encoder (BERT/DistilBERT family): a HF
// checkpoint directory plus its pooling (embed_pooling.h), giving one
// embedding per text as sentence-transformers' encode() does: each text
// tokenised alone as [CLS] text [SEP], cut to max_seq_length, the last
// hidden states pooled, then normalised if the checkpoint says so.
//
// Its digest (BLAKE2b-256 of the weights file, config.json, the tokenizer
// files and the sentence configuration) names exactly what computes the
// embeddings: caches are keyed by it and artifacts verify it.
// libtorch stays behind the pimpl.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ml/encoder/embed_pooling.h"
#include "ml/evaluator.h"

namespace hitloop::ml::encoder {

class SentenceEncoder {
 public:
  // A checkpoint directory. `sentence`: the pooling to use instead of the
  // directory's own files (an artifact keeps it in its embed.json).
  static Result<std::shared_ptr<const SentenceEncoder>> open(
      const std::string& dir, const std::optional<SentenceConfig>& sentence = std::nullopt);
  ~SentenceEncoder();

  // Embeddings of `texts`, row-major [texts.size() x dim()]. `progress`
  // gets a line every few seconds on long runs.
  Result<std::vector<float>> embed(std::span<const std::string_view> texts,
                                   const ProgressFn& progress = nullptr) const;

  size_t dim() const;
  const SentenceConfig& sentence_config() const;
  // Raw BLAKE2b-256 bytes; to_hex() for people.
  const std::string& digest() const;
  const std::string& dir() const;
  // One line: "bert 6 layers x 384, mean, normalized, 256 tokens".
  std::string describe() const;

  // Copies the files the digest covers (config.json, tokenizer files, the
  // weights file) into `dir`, and checks the copies still have the digest
  // (the checkpoint did not change since it was opened).
  Status copy_files_to(const std::string& dir) const;

  struct State;  // libtorch parts (embed_encoder.cpp)

 private:
  explicit SentenceEncoder(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// The digest of a checkpoint's files as SentenceEncoder computes it.
Result<std::string> encoder_digest(const std::string& dir, const SentenceConfig& sentence);

}  // namespace hitloop::ml::encoder
