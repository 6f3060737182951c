// The embed kind's ml::Model: a frozen sentence encoder and a logistic
// head on the pair's embeddings. Embeddings go through the process-wide
// EmbedCache of the encoder, so that texts seen in training (or earlier
// requests) are not embedded again.
//
// Its artifact: embed.json (format, the sentence configuration, the
// encoder's digest, the head) and a copy of the encoder's files
// (config.json, tokenizer files, the weights file as the base had it).
// Loading recomputes the digest of those files and refuses a mismatch.
// No libtorch in this header.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ml/encoder/embed_cache.h"
#include "ml/encoder/embed_encoder.h"
#include "ml/encoder/embed_head.h"
#include "ml/evaluator.h"

namespace hitloop::ml::encoder {

inline constexpr char kEmbedFile[] = "embed.json";
inline constexpr int kEmbedFormat = 1;

class EmbedModel final : public Model {
 public:
  EmbedModel(std::shared_ptr<const SentenceEncoder> encoder, EmbedHead head);

  static Result<std::unique_ptr<EmbedModel>> load(const std::string& dir);

  std::string_view kind() const override { return "embed"; }
  // NaN for every pair when the encoder fails (resource exhaustion).
  void margins(std::span<const TextPair> pairs, std::span<double> out) const override;
  std::vector<Contribution> explain(const TextPair& pair, size_t top_k) const override;
  // Texts are cut by tokens (max_seq_length), not bytes.
  size_t max_text_bytes() const override { return SIZE_MAX; }
  Status save(const std::string& dir) const override;

  const SentenceEncoder& encoder() const { return *encoder_; }
  const EmbedHead& head() const { return head_; }

 private:
  std::shared_ptr<const SentenceEncoder> encoder_;
  std::shared_ptr<EmbedCache> cache_;
  EmbedHead head_;
};

// What embed_cached did, for a progress line.
struct EmbedStats {
  size_t texts = 0;     // asked for
  size_t distinct = 0;  // of them
  size_t cached = 0;    // distinct texts found in the cache
  double seconds = 0;   // spent embedding the rest
};

// Embeddings of `texts` (row-major), each distinct text looked up in
// `cache` and embedded only when absent (then added).
Result<std::vector<float>> embed_cached(const SentenceEncoder& encoder, EmbedCache& cache,
                                        std::span<const std::string_view> texts,
                                        const ProgressFn& progress = nullptr,
                                        EmbedStats* stats = nullptr);

// One progress line: "embed: 2000 texts (1500 distinct): 1400 from the cache, ...".
std::string describe(const EmbedStats& s);

}  // namespace hitloop::ml::encoder
