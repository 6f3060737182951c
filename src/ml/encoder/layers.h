// Building blocks shared by the DistilBERT and BERT modules. Parameters are
// registered under HF's names (weight, bias) so that named_parameters()
// matches a HF state dict key for key. Internal (includes libtorch).
#pragma once

#include <torch/torch.h>

#include "ml/encoder/config.h"

namespace hitloop::ml::encoder {

// nn.Linear with the oneDNN product (see gemm.h).
class LinearImpl : public torch::nn::Module {
 public:
  LinearImpl(int64_t in, int64_t out);
  torch::Tensor forward(const torch::Tensor& x) { return encoder_linear(x); }
  torch::Tensor weight, bias;

 private:
  torch::Tensor encoder_linear(const torch::Tensor& x) const;
};
TORCH_MODULE(Linear);

torch::Tensor activate(const torch::Tensor& x, Activation activation);

// Multi-head attention on already projected q [B, Tq, H*D] and k, v
// [B, T, H*D]: softmax(q k^T / sqrt(D) + mask_bias) v, back to [B, Tq, H*D].
// Tq < T when only the first Tq positions' outputs are wanted (the
// classifier's last layer: [CLS] alone).
// `mask_bias` is [B, 1, 1, T]: 0 where attended, the float minimum where
// padded (as HF does), or undefined when nothing is padded.
torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& mask_bias, int64_t heads, double dropout,
                        bool training);

// [B, T] 0/1 mask -> [B, 1, 1, T] additive bias, or undefined if all ones.
torch::Tensor mask_to_bias(const torch::Tensor& attention_mask);

// HF's _init_weights: Linear and Embedding weights N(0, std^2), biases 0,
// LayerNorm weight 1 / bias 0, the padding row of embeddings 0. Applied to
// every parameter of `module` whose name starts with one of `prefixes`
// (all when empty).
void init_hf_weights(torch::nn::Module& module, double std, int64_t pad_token_id,
                     const std::vector<std::string>& prefixes, uint64_t seed);

}  // namespace hitloop::ml::encoder
