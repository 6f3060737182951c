// config.json of a HF DistilBERT / BERT checkpoint, parsed into one struct
// for both architectures. Missing required fields, an unsupported
// model_type and values that would change the maths in ways this code does
// not implement are errors naming the file and field; fields that change
// nothing here (transformers_version, torch_dtype, ...) are ignored, as HF
// itself ignores them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace hitloop::ml::encoder {

enum class Architecture { kDistilBert, kBert };

enum class Activation { kGelu, kGeluTanh, kRelu };

struct EncoderConfig {
  Architecture architecture = Architecture::kDistilBert;
  int64_t vocab_size = 0;
  int64_t hidden = 0;        // dim / hidden_size
  int64_t layers = 0;        // n_layers / num_hidden_layers
  int64_t heads = 0;         // n_heads / num_attention_heads
  int64_t intermediate = 0;  // hidden_dim / intermediate_size
  int64_t max_positions = 0;
  int64_t type_vocab_size = 0;  // BERT only
  int64_t pad_token_id = 0;
  double layer_norm_eps = 1e-12;
  double hidden_dropout = 0.1;
  double attention_dropout = 0.1;
  double classifier_dropout = 0.1;
  double initializer_range = 0.02;
  Activation activation = Activation::kGelu;
  int64_t num_labels = 2;
  std::vector<std::string> id2label;  // empty when the config names none
  int64_t max_length = 0;             // hitloop's own key; 0 when absent
  std::string raw_json;               // the file as read, kept so save() preserves every key

  std::string_view model_type() const {
    return architecture == Architecture::kBert ? "bert" : "distilbert";
  }
};

// The model types this code implements, for error messages.
inline constexpr char kSupportedModelTypes[] = "distilbert, bert";

Result<EncoderConfig> parse_config(const std::string& text, const std::string& origin);
Result<EncoderConfig> read_config(const std::string& path);

// The config.json an artifact gets: the original keys, with the
// architecture set to the sequence-classification class, the labels
// {0: "bad", 1: "good"}, torch_dtype float32 (the weights' dtype) and
// hitloop_max_length.
std::string config_to_json(const EncoderConfig& config);

// A DistilBERT-base-sized config (6 layers, 768, 12 heads, FFN 3072) with
// the bert-base-uncased vocabulary size; used by the benchmark and tests.
EncoderConfig distilbert_base_config();

// A BERT config of all-MiniLM-L6-v2's size (6 layers, 384, 12 heads, FFN
// 1536, 512 positions) with the same vocabulary size; used by the embed
// kind's benchmark.
EncoderConfig minilm_l6_config();

}  // namespace hitloop::ml::encoder
