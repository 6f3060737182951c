// The n-gram evaluator's pair features: how an output relates to its input,
// as a short dense vector for the gradient-boosted trees. The first
// kDenseCount are the featurizer's own dense features; the rest weigh words
// by how rare they are (an IDF over words fitted on the training texts), so
// that sharing "refund" with the input counts for more than sharing "the".
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ml/ngram/featurizer.h"

namespace hitloop::ml::ngram {

constexpr int kPairCount = kDenseCount + 14;
using PairRow = std::array<float, kPairCount>;

// Inverse document frequency of words, hashed into 2^kBits buckets.
class WordIdf {
 public:
  static constexpr int kBits = 18;
  // `docs`: each document's distinct word hashes (Featurizer::word_hash).
  void fit(const std::vector<std::vector<uint64_t>>& docs);
  float operator()(uint64_t word) const {
    return table_.empty() ? 1.f : table_[word >> (64 - kBits)];
  }
  void serialize(std::string& out) const;
  static Result<WordIdf> parse(std::string_view& in);

 private:
  std::vector<float> table_;
};

// From a pair already featurized into `f` (its word lists are reused).
void pair_features(Features& f, const WordIdf& idf, PairRow& out);
const char* pair_feature_name(int i);

}  // namespace hitloop::ml::ngram
