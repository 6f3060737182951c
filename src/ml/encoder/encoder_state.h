// What an EncoderModel holds: config, tokenizer (and its files, so that a
// saved artifact is self-contained), the network and the token budget.
// Internal to the encoder library (includes libtorch).
#pragma once

#include <torch/torch.h>

#include <map>
#include <memory>
#include <span>
#include <string>

#include "ml/encoder/classifier.h"
#include "ml/encoder/config.h"
#include "ml/evaluator.h"
#include "text/wordpiece_tokenizer.h"

namespace hitloop::ml::encoder {

struct EncoderState {
  EncoderConfig config;
  std::shared_ptr<const text::WordPieceTokenizer> tokenizer;
  std::map<std::string, std::string> tokenizer_files;  // file name -> content
  std::shared_ptr<SequenceClassifier> net;
  int max_length = 128;
};

// Config, tokenizer and tokenizer files of a HF directory, checked against
// each other (vocab size); the network is built but not loaded.
Result<std::shared_ptr<EncoderState>> open_checkpoint_dir(const std::string& dir,
                                                          int max_length_override);

// One padded batch as tensors.
struct TensorBatch {
  torch::Tensor input_ids, token_type_ids, attention_mask;
};
TensorBatch to_tensors(const text::Batch& batch);

// Logits [N, 2] for pairs, in input order, in inference mode: rows sorted
// by length and batched so that no row is padded beyond its batch's longest.
torch::Tensor infer_logits(const EncoderState& state, std::span<const TextPair> pairs);

}  // namespace hitloop::ml::encoder
