// The "encoder" evaluator kind: fine-tunes a local HF DistilBERT/BERT
// checkpoint (TrainOptions::encoder.base_dir) as a good/bad classifier of
// the pair [CLS] input [SEP] output [SEP]. Self-validating: it scores the
// held-out set after every epoch and keeps the best epoch, so the pipeline
// does one 80/20 split and no refit (see docs/encoder.md).
#pragma once

#include "ml/evaluator.h"

namespace hitloop::ml::encoder {

class EncoderEvaluator final : public Evaluator {
 public:
  std::string_view kind() const override { return "encoder"; }
  Result<std::unique_ptr<Model>> train(const std::vector<Example>& examples,
                                       const TrainOptions& options) const override;
  Result<std::unique_ptr<Model>> load(const std::string& dir) const override;
  Result<std::unique_ptr<Model>> load_with(const std::string& dir,
                                           const LoadOptions& options) const override;
  bool self_validating() const override { return true; }
};

// Adds the encoder kind to the evaluator table (call once at start-up).
void register_encoder_evaluator();

}  // namespace hitloop::ml::encoder
