// A sequence classifier on libtorch with HF's module tree, so that
// named_parameters() gives exactly the keys of a HF state dict
// ("distilbert.transformer.layer.0.attention.q_lin.weight", ...).
// Internal to the encoder library (includes libtorch).
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "ml/encoder/config.h"

namespace hitloop::ml::encoder {

class SequenceClassifier : public torch::nn::Module {
 public:
  explicit SequenceClassifier(EncoderConfig config) : config_(std::move(config)) {}
  // input_ids, token_type_ids, attention_mask: int64 [B, T]. token_type_ids
  // may be undefined (all zeros), and DistilBERT ignores it as HF does.
  // Returns logits [B, num_labels].
  virtual torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                                const torch::Tensor& attention_mask) = 0;
  // The body's last hidden states [B, T, hidden], before the task head:
  // what a sentence-transformers model pools into a sentence embedding.
  virtual torch::Tensor hidden_states(const torch::Tensor& input_ids,
                                      const torch::Tensor& token_type_ids,
                                      const torch::Tensor& attention_mask) = 0;
  // Name prefixes of the task head: what a base checkpoint (a plain
  // distilbert-base-uncased download) lacks and gets freshly initialised.
  virtual std::vector<std::string> head_prefixes() const = 0;
  // The prefix of the encoder body ("distilbert." / "bert.").
  virtual std::string body_prefix() const = 0;
  const EncoderConfig& config() const { return config_; }

 private:
  EncoderConfig config_;
};

std::shared_ptr<SequenceClassifier> make_classifier(const EncoderConfig& config);

}  // namespace hitloop::ml::encoder
