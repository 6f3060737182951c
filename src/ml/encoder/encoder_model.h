// A fine-tuned DistilBERT/BERT classifier as an ml::Model: the margin of a
// pair is logit(label 1) - logit(label 0), the log-odds of "good" under the
// model's softmax, so the identity calibration gives HF's P(label 1).
//
// The directory it loads and saves is a HF checkpoint (config.json,
// tokenizer files, model.safetensors) that transformers also loads.
// libtorch stays behind the pimpl: this header is safe for any library.
#pragma once

#include <array>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ml/evaluator.h"

namespace hitloop::ml::encoder {

struct EncoderState;  // libtorch parts (encoder_state.h)

class EncoderModel final : public Model {
 public:
  explicit EncoderModel(std::shared_ptr<EncoderState> state);
  ~EncoderModel() override;

  // A HF checkpoint directory with a 2-label sequence-classification head.
  static Result<std::unique_ptr<EncoderModel>> load(const std::string& dir,
                                                    const LoadOptions& options);

  std::string_view kind() const override { return "encoder"; }
  void margins(std::span<const TextPair> pairs, std::span<double> out) const override;
  // Token-level attributions are not computed; the list is empty.
  std::vector<Contribution> explain(const TextPair& pair, size_t top_k) const override;
  // Truncation is by tokens (max_length per pair), not bytes: every byte is
  // read, and the tokenizer cuts the pair to fit.
  size_t max_text_bytes() const override;
  Status save(const std::string& dir) const override;

  // Raw logits [label 0, label 1] per pair, in input order.
  Result<std::vector<std::array<float, 2>>> logits(std::span<const TextPair> pairs) const;
  int max_length() const;
  const EncoderState& state() const { return *state_; }

 private:
  std::shared_ptr<EncoderState> state_;
};

}  // namespace hitloop::ml::encoder
