// DistilBertForSequenceClassification, after transformers 4.45
// modeling_distilbert.py: learned positions, post-LayerNorm blocks, and a
// head of pre_classifier -> ReLU -> dropout -> classifier on [CLS].
#include "ml/encoder/architectures.h"
#include "ml/encoder/dropout.h"
#include "ml/encoder/layers.h"

namespace hitloop::ml::encoder {
namespace {

namespace nn = torch::nn;

struct Embeddings : nn::Module {
  explicit Embeddings(const EncoderConfig& c) {
    word_embeddings = register_module(
        "word_embeddings",
        nn::Embedding(nn::EmbeddingOptions(c.vocab_size, c.hidden).padding_idx(c.pad_token_id)));
    position_embeddings =
        register_module("position_embeddings", nn::Embedding(c.max_positions, c.hidden));
    LayerNorm = register_module(
        "LayerNorm", nn::LayerNorm(nn::LayerNormOptions({c.hidden}).eps(c.layer_norm_eps)));
  }
  nn::Embedding word_embeddings{nullptr}, position_embeddings{nullptr};
  nn::LayerNorm LayerNorm{nullptr};  // NOLINT: HF's name
};

struct Attention : nn::Module {
  explicit Attention(const EncoderConfig& c) {
    q_lin = register_module("q_lin", Linear(c.hidden, c.hidden));
    k_lin = register_module("k_lin", Linear(c.hidden, c.hidden));
    v_lin = register_module("v_lin", Linear(c.hidden, c.hidden));
    out_lin = register_module("out_lin", Linear(c.hidden, c.hidden));
  }
  Linear q_lin{nullptr}, k_lin{nullptr}, v_lin{nullptr}, out_lin{nullptr};
};

struct Ffn : nn::Module {
  explicit Ffn(const EncoderConfig& c) {
    lin1 = register_module("lin1", Linear(c.hidden, c.intermediate));
    lin2 = register_module("lin2", Linear(c.intermediate, c.hidden));
  }
  Linear lin1{nullptr}, lin2{nullptr};
};

struct Block : nn::Module {
  explicit Block(const EncoderConfig& c) : config(c) {
    attention = register_module("attention", std::make_shared<Attention>(c));
    sa_layer_norm = register_module(
        "sa_layer_norm", nn::LayerNorm(nn::LayerNormOptions({c.hidden}).eps(c.layer_norm_eps)));
    ffn = register_module("ffn", std::make_shared<Ffn>(c));
    output_layer_norm = register_module(
        "output_layer_norm", nn::LayerNorm(nn::LayerNormOptions({c.hidden}).eps(c.layer_norm_eps)));
  }

  // With cls_only, the block's output at [CLS] alone ([B, 1, H]): every
  // step after attention is per position.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask_bias, bool cls_only) {
    const bool train = is_training();
    torch::Tensor xq = cls_only ? x.narrow(1, 0, 1) : x;
    torch::Tensor ctx =
        encoder::attention(attention->q_lin(xq), attention->k_lin(x), attention->v_lin(x),
                           mask_bias, config.heads, config.attention_dropout, train);
    torch::Tensor sa = sa_layer_norm(attention->out_lin(ctx) + xq);
    torch::Tensor h = ffn->lin2(activate(ffn->lin1(sa), config.activation));
    h = encoder::dropout(h, config.hidden_dropout, train);
    return output_layer_norm(h + sa);
  }

  const EncoderConfig& config;
  std::shared_ptr<Attention> attention;
  nn::LayerNorm sa_layer_norm{nullptr}, output_layer_norm{nullptr};
  std::shared_ptr<Ffn> ffn;
};

struct Transformer : nn::Module {
  explicit Transformer(const EncoderConfig& c) {
    layer = register_module("layer", nn::ModuleList());
    for (int64_t i = 0; i < c.layers; ++i) {
      auto block = std::make_shared<Block>(c);
      blocks.push_back(block);
      layer->push_back(block);
    }
  }
  nn::ModuleList layer{nullptr};
  std::vector<std::shared_ptr<Block>> blocks;
};

struct Body : nn::Module {
  explicit Body(const EncoderConfig& c) {
    embeddings = register_module("embeddings", std::make_shared<Embeddings>(c));
    transformer = register_module("transformer", std::make_shared<Transformer>(c));
  }
  std::shared_ptr<Embeddings> embeddings;
  std::shared_ptr<Transformer> transformer;
};

class DistilBert final : public SequenceClassifier {
 public:
  explicit DistilBert(const EncoderConfig& c) : SequenceClassifier(c) {
    distilbert_ = register_module("distilbert", std::make_shared<Body>(config()));
    pre_classifier_ = register_module("pre_classifier", Linear(c.hidden, c.hidden));
    classifier_ = register_module("classifier", Linear(c.hidden, c.num_labels));
  }

  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                        const torch::Tensor& attention_mask) override {
    const EncoderConfig& c = config();
    torch::Tensor cls = encode(input_ids, attention_mask, true).select(1, 0);
    torch::Tensor h = torch::relu(pre_classifier_(cls));
    h = encoder::dropout(h, c.classifier_dropout, is_training());
    return classifier_(h);
  }

  torch::Tensor hidden_states(const torch::Tensor& input_ids,
                              const torch::Tensor& /*token_type_ids*/,
                              const torch::Tensor& attention_mask) override {
    return encode(input_ids, attention_mask, false);
  }

  std::vector<std::string> head_prefixes() const override {
    return {"pre_classifier.", "classifier."};
  }
  std::string body_prefix() const override { return "distilbert."; }

 private:
  // The last hidden states, or with cls_only those of [CLS] alone: the
  // classifier reads nothing else, and skipping the other positions' last
  // layer after attention saves a seventh of the work.
  torch::Tensor encode(const torch::Tensor& input_ids, const torch::Tensor& attention_mask,
                       bool cls_only) {
    const EncoderConfig& c = config();
    const bool train = is_training();
    const int64_t t = input_ids.size(1);
    TORCH_CHECK(t <= c.max_positions, "sequence of ", t, " tokens is longer than the ",
                c.max_positions, " positions the model has");
    Embeddings& e = *distilbert_->embeddings;
    torch::Tensor positions = torch::arange(t, input_ids.options());
    torch::Tensor x = e.word_embeddings(input_ids) + e.position_embeddings(positions).unsqueeze(0);
    x = encoder::dropout(e.LayerNorm(x), c.hidden_dropout, train);
    torch::Tensor mask_bias = mask_to_bias(attention_mask);
    const auto& blocks = distilbert_->transformer->blocks;
    for (size_t i = 0; i < blocks.size(); ++i) {
      x = blocks[i]->forward(x, mask_bias, cls_only && i + 1 == blocks.size());
    }
    return x;
  }

  std::shared_ptr<Body> distilbert_;
  Linear pre_classifier_{nullptr}, classifier_{nullptr};
};

}  // namespace

std::shared_ptr<SequenceClassifier> make_distilbert(const EncoderConfig& config) {
  return std::make_shared<DistilBert>(config);
}

}  // namespace hitloop::ml::encoder
