// BertForSequenceClassification, after transformers 4.45 modeling_bert.py
// (absolute positions, eager attention): word + position + token-type
// embeddings, post-LayerNorm layers, the tanh pooler on [CLS], dropout and
// the classifier.
#include "ml/encoder/architectures.h"
#include "ml/encoder/dropout.h"
#include "ml/encoder/layers.h"

namespace hitloop::ml::encoder {
namespace {

namespace nn = torch::nn;

nn::LayerNorm layer_norm(const EncoderConfig& c) {
  return nn::LayerNorm(nn::LayerNormOptions({c.hidden}).eps(c.layer_norm_eps));
}

struct Embeddings : nn::Module {
  explicit Embeddings(const EncoderConfig& c) {
    word_embeddings = register_module(
        "word_embeddings",
        nn::Embedding(nn::EmbeddingOptions(c.vocab_size, c.hidden).padding_idx(c.pad_token_id)));
    position_embeddings =
        register_module("position_embeddings", nn::Embedding(c.max_positions, c.hidden));
    token_type_embeddings =
        register_module("token_type_embeddings", nn::Embedding(c.type_vocab_size, c.hidden));
    LayerNorm = register_module("LayerNorm", layer_norm(c));
  }
  nn::Embedding word_embeddings{nullptr}, position_embeddings{nullptr},
      token_type_embeddings{nullptr};
  nn::LayerNorm LayerNorm{nullptr};  // NOLINT: HF's name
};

struct SelfAttention : nn::Module {
  explicit SelfAttention(const EncoderConfig& c) {
    query = register_module("query", Linear(c.hidden, c.hidden));
    key = register_module("key", Linear(c.hidden, c.hidden));
    value = register_module("value", Linear(c.hidden, c.hidden));
  }
  Linear query{nullptr}, key{nullptr}, value{nullptr};
};

// BertSelfOutput / BertOutput: dense -> dropout -> LayerNorm(+ residual).
struct DenseNorm : nn::Module {
  DenseNorm(const EncoderConfig& c, int64_t in) {
    dense = register_module("dense", Linear(in, c.hidden));
    LayerNorm = register_module("LayerNorm", layer_norm(c));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& residual, double dropout,
                        bool train) {
    return LayerNorm(encoder::dropout(dense(x), dropout, train) + residual);
  }
  Linear dense{nullptr};
  nn::LayerNorm LayerNorm{nullptr};  // NOLINT: HF's name
};

struct AttentionBlock : nn::Module {
  explicit AttentionBlock(const EncoderConfig& c) {
    self = register_module("self", std::make_shared<SelfAttention>(c));
    output = register_module("output", std::make_shared<DenseNorm>(c, c.hidden));
  }
  std::shared_ptr<SelfAttention> self;
  std::shared_ptr<DenseNorm> output;
};

struct Intermediate : nn::Module {
  explicit Intermediate(const EncoderConfig& c) {
    dense = register_module("dense", Linear(c.hidden, c.intermediate));
  }
  Linear dense{nullptr};
};

struct Layer : nn::Module {
  explicit Layer(const EncoderConfig& c) : config(c) {
    attention = register_module("attention", std::make_shared<AttentionBlock>(c));
    intermediate = register_module("intermediate", std::make_shared<Intermediate>(c));
    output = register_module("output", std::make_shared<DenseNorm>(c, c.intermediate));
  }

  // With cls_only, the layer's output at [CLS] alone ([B, 1, H]): every
  // step after attention is per position.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask_bias, bool cls_only) {
    const bool train = is_training();
    SelfAttention& s = *attention->self;
    torch::Tensor xq = cls_only ? x.narrow(1, 0, 1) : x;
    torch::Tensor ctx = encoder::attention(s.query(xq), s.key(x), s.value(x), mask_bias,
                                           config.heads, config.attention_dropout, train);
    torch::Tensor a = attention->output->forward(ctx, xq, config.hidden_dropout, train);
    torch::Tensor h = activate(intermediate->dense(a), config.activation);
    return output->forward(h, a, config.hidden_dropout, train);
  }

  const EncoderConfig& config;
  std::shared_ptr<AttentionBlock> attention;
  std::shared_ptr<Intermediate> intermediate;
  std::shared_ptr<DenseNorm> output;
};

struct Encoder : nn::Module {
  explicit Encoder(const EncoderConfig& c) {
    layer = register_module("layer", nn::ModuleList());
    for (int64_t i = 0; i < c.layers; ++i) {
      auto l = std::make_shared<Layer>(c);
      layers.push_back(l);
      layer->push_back(l);
    }
  }
  nn::ModuleList layer{nullptr};
  std::vector<std::shared_ptr<Layer>> layers;
};

struct Pooler : nn::Module {
  explicit Pooler(const EncoderConfig& c) {
    dense = register_module("dense", Linear(c.hidden, c.hidden));
  }
  Linear dense{nullptr};
};

struct Body : nn::Module {
  explicit Body(const EncoderConfig& c) {
    embeddings = register_module("embeddings", std::make_shared<Embeddings>(c));
    encoder = register_module("encoder", std::make_shared<Encoder>(c));
    pooler = register_module("pooler", std::make_shared<Pooler>(c));
  }
  std::shared_ptr<Embeddings> embeddings;
  std::shared_ptr<Encoder> encoder;
  std::shared_ptr<Pooler> pooler;
};

class Bert final : public SequenceClassifier {
 public:
  explicit Bert(const EncoderConfig& c) : SequenceClassifier(c) {
    bert_ = register_module("bert", std::make_shared<Body>(config()));
    classifier_ = register_module("classifier", Linear(c.hidden, c.num_labels));
  }

  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                        const torch::Tensor& attention_mask) override {
    const EncoderConfig& c = config();
    torch::Tensor x = encode(input_ids, token_type_ids, attention_mask, true);
    torch::Tensor pooled = torch::tanh(bert_->pooler->dense(x.select(1, 0)));
    return classifier_(encoder::dropout(pooled, c.classifier_dropout, is_training()));
  }

  torch::Tensor hidden_states(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                              const torch::Tensor& attention_mask) override {
    return encode(input_ids, token_type_ids, attention_mask, false);
  }

  std::vector<std::string> head_prefixes() const override {
    return {"bert.pooler.", "classifier."};
  }
  std::string body_prefix() const override { return "bert."; }

 private:
  // The last hidden states, or with cls_only those of [CLS] alone (all the
  // pooler reads): the other positions' last layer after attention is
  // skipped.
  torch::Tensor encode(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                       const torch::Tensor& attention_mask, bool cls_only) {
    const EncoderConfig& c = config();
    const bool train = is_training();
    const int64_t t = input_ids.size(1);
    TORCH_CHECK(t <= c.max_positions, "sequence of ", t, " tokens is longer than the ",
                c.max_positions, " positions the model has");
    Embeddings& e = *bert_->embeddings;
    torch::Tensor types = token_type_ids.defined() ? token_type_ids : torch::zeros_like(input_ids);
    torch::Tensor positions = torch::arange(t, input_ids.options());
    torch::Tensor x = e.word_embeddings(input_ids) + e.position_embeddings(positions).unsqueeze(0) +
                      e.token_type_embeddings(types);
    x = encoder::dropout(e.LayerNorm(x), c.hidden_dropout, train);
    torch::Tensor mask_bias = mask_to_bias(attention_mask);
    const auto& layers = bert_->encoder->layers;
    for (size_t i = 0; i < layers.size(); ++i) {
      x = layers[i]->forward(x, mask_bias, cls_only && i + 1 == layers.size());
    }
    return x;
  }

  std::shared_ptr<Body> bert_;
  Linear classifier_{nullptr};
};

}  // namespace

std::shared_ptr<SequenceClassifier> make_bert(const EncoderConfig& config) {
  return std::make_shared<Bert>(config);
}

std::shared_ptr<SequenceClassifier> make_classifier(const EncoderConfig& config) {
  return config.architecture == Architecture::kBert ? make_bert(config) : make_distilbert(config);
}

}  // namespace hitloop::ml::encoder
