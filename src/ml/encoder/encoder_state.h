// What an EncoderModel holds: config, tokenizer (and its files, so that a
// saved artifact is self-contained), the network and the token budget.
// Internal to the encoder library (includes libtorch).
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ml/encoder/classifier.h"
#include "ml/encoder/config.h"
#include "ml/evaluator.h"
#include "text/wordpiece_tokenizer.h"

namespace hitloop::ml::encoder {

// The tokenizer files a checkpoint may have; an artifact keeps those it had.
inline constexpr const char* kTokenizerFiles[] = {
    "vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"};

// Writes `content` to `p`, replacing it.
Status write_file(const std::filesystem::path& p, const std::string& content);

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

// Calls `fn` on the encodings in batches: sorted by length, at most 32 rows,
// 4,096 tokens and rows x length^2 of 2^18 each (256 tokens: 4 rows),
// padded to the batch's longest, so that no row is padded beyond it. `rows` are the batch's rows as indices into `enc`.
void for_each_length_batch(
    const std::vector<text::Encoding>& enc, int64_t pad_id,
    const std::function<void(const TensorBatch& batch, std::span<const size_t> rows)>& fn);

// Logits [N, 2] for pairs, in input order, in inference mode: rows sorted
// by length and batched so that no row is padded beyond its batch's longest.
torch::Tensor infer_logits(const EncoderState& state, std::span<const TextPair> pairs);

}  // namespace hitloop::ml::encoder
