// The n-gram evaluator's model, formats v2 and v3: three candidates over one
// featurization of the pair, combined by a logistic stacker fitted on their
// out-of-fold margins (see ngram_evaluator.cpp for how they are chosen):
//   full    the v1 linear model: input and output n-grams, ungrounded
//           words, the dense features (grounding tasks)
//   output  a linear model over the output's n-grams alone (content tasks:
//           unsafe, rude, hallucinated, where the input adds noise)
//   pair    gradient-boosted trees over the pair features (how the output
//           relates to the input, non-linearly)
// A candidate the stacker gave no weight is not stored and costs nothing.
// v3 has v2's layout; its featurizer merges repeated n-grams into sublinear
// term frequencies (FeaturizerConfig::sublinear_tf), which v2 did not.
#pragma once

#include <memory>
#include <optional>

#include "ml/evaluator.h"
#include "ml/ngram/gbm.h"
#include "ml/ngram/ngram_model.h"
#include "ml/ngram/pair_features.h"

namespace hitloop::ml::ngram {

struct Combiner {
  double bias = 0, full = 0, output = 0, pair = 0;
};

struct SparseWeights {
  std::vector<uint32_t> index;
  std::vector<float> value;
};

class NgramStack final : public Model {
 public:
  NgramStack(NgramModel full, SparseWeights output, std::optional<Gbm> pair, WordIdf word_idf,
             Combiner combiner);

  std::string_view kind() const override { return "ngram"; }
  void margins(std::span<const TextPair> pairs, std::span<double> out) const override;
  std::vector<Contribution> explain(const TextPair& pair, size_t top_k) const override;
  size_t max_text_bytes() const override { return full_.max_text_bytes(); }
  Status save(const std::string& dir) const override;
  static Result<std::unique_ptr<NgramStack>> load(const std::string& dir);

  // The three candidates' margins of one pair (before the combiner).
  struct Parts {
    double full = 0, output = 0, pair = 0;
  };
  Parts parts(std::string_view input, std::string_view output, Features& scratch) const;
  const Combiner& combiner() const { return combiner_; }

 private:
  double output_margin(const Features& f) const;

  NgramModel full_;
  std::vector<float> output_weights_;  // dense copy of `output` for scoring
  SparseWeights output_;
  std::optional<Gbm> pair_;
  WordIdf word_idf_;
  Combiner combiner_;
};

// The artifact's format version: 1 (a single linear model, NgramModel), 2 or
// 3 (NgramStack); an error names what the file is when it is none of these.
Result<int> ngram_artifact_version(const std::string& dir);

}  // namespace hitloop::ml::ngram
