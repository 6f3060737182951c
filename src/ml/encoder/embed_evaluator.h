// The "embed" evaluator kind: a few-shot evaluator on a frozen
// sentence-transformers encoder (TrainOptions::encoder.base_dir, a
// BERT/DistilBERT checkpoint such as all-MiniLM-L6-v2). The input and the
// output are embedded once each (cached, see embed_cache.h) and a logistic
// head on their pair features is trained on the labels (embed_head.h).
// Not self-validating: the head is cheap, so the pipeline's k-fold
// validation and refit on everything apply as for the n-gram kind.
#pragma once

#include "ml/evaluator.h"

namespace hitloop::ml::encoder {

class EmbedEvaluator final : public Evaluator {
 public:
  std::string_view kind() const override { return "embed"; }
  Result<std::unique_ptr<Model>> train(const std::vector<Example>& examples,
                                       const TrainOptions& options) const override;
  Result<std::unique_ptr<Model>> load(const std::string& dir) const override;
  // LoadOptions::threads is used; max_length is not (max_seq_length is the
  // checkpoint's).
  Result<std::unique_ptr<Model>> load_with(const std::string& dir,
                                           const LoadOptions& options) const override;
};

// Adds the embed kind to the evaluator table (call once at start-up).
void register_embed_evaluator();

}  // namespace hitloop::ml::encoder
