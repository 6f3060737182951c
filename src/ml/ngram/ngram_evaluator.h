#pragma once

#include "ml/evaluator.h"

namespace hitloop::ml::ngram {

// The embedded default evaluator: trains in seconds, scores in microseconds,
// needs no download. Hyperparameters (L2 strength, epochs) are chosen on an
// inner validation split of whatever data it is given.
class NgramEvaluator final : public Evaluator {
 public:
  std::string_view kind() const override { return "ngram"; }
  Result<std::unique_ptr<Model>> train(const std::vector<Example>& examples,
                                       const TrainOptions& options) const override;
  Result<std::unique_ptr<Model>> load(const std::string& dir) const override;
};

}  // namespace hitloop::ml::ngram
