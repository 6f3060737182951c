// Turns an (input, output) pair into hashed sparse n-gram features and a few
// dense features that describe how the output relates to the input.
//
// Sparse namespaces (each L2-normalised, so long texts do not dominate):
//   in   word unigrams and bigrams of the input
//   out  word unigrams and bigrams of the output
//   chr  character 3-5-grams of the output's words (fastText-style <word>)
//   new  output words that do not occur in the input (ungrounded words)
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hitloop::ml::ngram {

constexpr int kDenseCount = 16;

// Sparse namespaces (`Features::ns`).
enum Namespace : uint8_t { kNsIn = 1, kNsOut = 2, kNsChr = 3, kNsNew = 4 };
// The namespaces that look at the output alone (the output-only candidate).
inline bool output_namespace(uint8_t ns) { return ns == kNsOut || ns == kNsChr; }

struct SparseFeature {
  uint32_t index;
  float value;
};

struct FeaturizerConfig {
  int hash_bits = 20;
  size_t max_text_bytes = 32 * 1024;  // longer texts are truncated
  // Merges repeats of a feature into one with value (1 + ln count) * idf, as
  // sklearn's TfidfVectorizer(sublinear_tf=True) does, so the per-namespace
  // norm is a true L2 norm. Format v1 and v2 artifacts were trained without.
  bool sublinear_tf = false;
};

// Reusable buffers: featurizing into the same Features avoids allocation.
struct Features {
  std::vector<SparseFeature> sparse;
  std::vector<uint8_t> ns;  // namespace of each sparse feature
  std::array<float, kDenseCount> dense{};
  // scratch
  std::string lower_in, lower_out;
  std::vector<uint64_t> in_words, out_words, in_set, out_set, in_bigrams, numbers_in;
  std::vector<std::pair<uint32_t, uint32_t>> in_spans, out_spans;
  std::vector<uint64_t> sorted_in, sorted_out, in_trigrams;  // pair_features' scratch
};

// Sets each feature's value to idf[index] (1 when idf is null), then scales
// each namespace to unit L2 norm. With `sublinear`, repeats of an index are
// first merged into one feature of value (1 + ln count) * idf.
void weight_features(std::vector<SparseFeature>& sparse, std::vector<uint8_t>& ns, const float* idf,
                     bool sublinear);

class Featurizer {
 public:
  explicit Featurizer(FeaturizerConfig config = {}) : config_(config) {}
  const FeaturizerConfig& config() const { return config_; }
  uint32_t hash_size() const { return 1u << config_.hash_bits; }

  // With `idf` (hash_size() weights) each feature is weighted by it before
  // the per-namespace normalisation; without, all weigh 1.
  void featurize(std::string_view input, std::string_view output, Features& out,
                 const float* idf = nullptr) const;

  // Human-readable names of the sparse features of a pair, by index (the
  // slow path behind --explain); n-grams that share an index by a hash
  // collision are named together, "a | b".
  std::unordered_map<uint32_t, std::string> describe(std::string_view input,
                                                     std::string_view output) const;

  static const char* dense_name(int i);

  // Word hashes as `featurize` computes them (for word-level statistics).
  static uint64_t word_hash(std::string_view lowercase_word);

 private:
  FeaturizerConfig config_;
};

}  // namespace hitloop::ml::ngram
