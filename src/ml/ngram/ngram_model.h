// The n-gram evaluator's model: featurizer settings, the dense-feature
// encoder fitted on the training data, and one weight vector.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <vector>

#include "ml/evaluator.h"
#include "ml/ngram/featurizer.h"

namespace hitloop::ml::ngram {

// The `top_k` largest contributions by absolute value (ties by name).
std::vector<Contribution> ranked(const std::map<std::string, double>& by_name, size_t top_k);

constexpr int kBins = 8;

// Dense features enter the linear model twice: standardised (a slope) and
// as a one-hot quantile bin (a shape), so the model can learn, say, that
// both very short and very long answers are suspect.
struct DenseEncoder {
  std::array<float, kDenseCount> mean{}, inv_std{};
  std::array<std::array<float, kBins - 1>, kDenseCount> edges{};

  static constexpr uint32_t kWidth = kDenseCount * (1 + kBins);
  void fit(const std::vector<std::array<float, kDenseCount>>& rows);
  void encode(const std::array<float, kDenseCount>& x, uint32_t base,
              std::vector<SparseFeature>& out) const;
};

class NgramModel final : public Model {
 public:
  // `idf`: one inverse document frequency per hashed feature, from training.
  NgramModel(Featurizer featurizer, std::vector<float> idf, DenseEncoder dense,
             std::vector<float> weights);

  static uint32_t dim_for(const Featurizer& f) { return f.hash_size() + DenseEncoder::kWidth + 1; }

  std::string_view kind() const override { return "ngram"; }
  void margins(std::span<const TextPair> pairs, std::span<double> out) const override;
  std::vector<Contribution> explain(const TextPair& pair, size_t top_k) const override;
  size_t max_text_bytes() const override { return featurizer_.config().max_text_bytes; }
  Status save(const std::string& dir) const override;
  static Result<std::unique_ptr<NgramModel>> load(const std::string& dir);

  // The full feature row of a pair (sparse, dense, bias) into `out`.
  void encode(std::string_view input, std::string_view output, Features& scratch,
              std::vector<SparseFeature>& out) const;
  double margin(std::string_view input, std::string_view output, Features& scratch) const;

  const Featurizer& featurizer() const { return featurizer_; }
  const std::vector<float>& idf() const { return idf_; }
  const DenseEncoder& dense() const { return dense_; }
  const std::vector<float>& weights() const { return weights_; }

 private:
  Featurizer featurizer_;
  std::vector<float> idf_;
  DenseEncoder dense_;
  std::vector<float> weights_;
};

// Encodes with a given featurizer and encoder (training uses this before a
// model exists).
void encode_row(const Featurizer& featurizer, const DenseEncoder& dense, const Features& f,
                std::vector<SparseFeature>& out);

}  // namespace hitloop::ml::ngram
