#include "ml/encoder/layers.h"

#include <cmath>
#include <limits>

#include "ml/encoder/dropout.h"
#include "ml/encoder/gemm.h"
#include "ml/encoder/parallel_ops.h"

namespace hitloop::ml::encoder {

LinearImpl::LinearImpl(int64_t in, int64_t out) {
  weight = register_parameter("weight", torch::empty({out, in}));
  bias = register_parameter("bias", torch::zeros({out}));
  // Kaiming-uniform like nn.Linear, so an unloaded layer is never garbage;
  // checkpoints and init_hf_weights overwrite it.
  torch::NoGradGuard no_grad;
  double bound = 1.0 / std::sqrt(static_cast<double>(in));
  weight.uniform_(-bound, bound);
}

torch::Tensor LinearImpl::encoder_linear(const torch::Tensor& x) const {
  return linear(x, weight, bias);
}

torch::Tensor activate(const torch::Tensor& x, Activation activation) {
  switch (activation) {
    case Activation::kRelu:
      return torch::relu(x);
    case Activation::kGeluTanh:
      return parallel_gelu(x, "tanh");
    case Activation::kGelu:
      break;
  }
  return parallel_gelu(x, "none");  // the erf form, as HF's "gelu"
}

torch::Tensor mask_to_bias(const torch::Tensor& attention_mask) {
  if (!attention_mask.defined() || attention_mask.min().item<int64_t>() != 0) return {};
  torch::Tensor pad = attention_mask.eq(0).to(torch::kFloat);
  return (pad * std::numeric_limits<float>::lowest()).view({attention_mask.size(0), 1, 1, -1});
}

torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& mask_bias, int64_t heads, double dropout,
                        bool training) {
  const int64_t b = q.size(0), tq = q.size(1), t = k.size(1), d = q.size(2), hd = d / heads;
  // [B, T, H, D] -> [B*H, T, D], contiguous for the batched product.
  auto split = [&](const torch::Tensor& x) {
    const int64_t n = x.size(1);
    return x.view({b, n, heads, hd}).transpose(1, 2).reshape({b * heads, n, hd});
  };
  torch::Tensor qh = split(q) * (1.0 / std::sqrt(static_cast<double>(hd)));
  torch::Tensor scores = gemm(qh, split(k), false, true).view({b, heads, tq, t});
  if (mask_bias.defined()) scores = scores + mask_bias;
  torch::Tensor probs = parallel_softmax(scores);
  if (training && dropout > 0) probs = encoder::dropout(probs, dropout, true);
  torch::Tensor ctx = gemm(probs.view({b * heads, tq, t}), split(v), false, false);
  return ctx.view({b, heads, tq, hd}).transpose(1, 2).reshape({b, tq, d});
}

void init_hf_weights(torch::nn::Module& module, double std, int64_t pad_token_id,
                     const std::vector<std::string>& prefixes, uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (auto& item : module.named_parameters()) {
    const std::string& name = item.key();
    bool wanted = prefixes.empty();
    for (const std::string& p : prefixes) wanted = wanted || name.rfind(p, 0) == 0;
    if (!wanted) continue;
    torch::Tensor& p = item.value();
    const bool is_norm =
        name.find("LayerNorm") != std::string::npos || name.find("layer_norm") != std::string::npos;
    const bool is_bias = name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0;
    if (is_bias) {
      p.zero_();
    } else if (is_norm) {
      p.fill_(1.0);
    } else {
      p.normal_(0.0, std, gen);
      if (name.find("word_embeddings") != std::string::npos && pad_token_id >= 0 &&
          pad_token_id < p.size(0)) {
        p[pad_token_id].zero_();
      }
    }
  }
}

}  // namespace hitloop::ml::encoder
