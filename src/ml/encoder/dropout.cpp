#include "ml/encoder/dropout.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <mutex>

#include "ml/encoder/work_pool.h"

namespace hitloop::ml::encoder {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

constexpr int64_t kChunk = 1 << 16;

uint64_t next_seed() {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get<at::CPUGeneratorImpl>()->random64();
}

// splitmix64's finaliser: every input bit reaches every output bit.
inline uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// out[i] = in[i] * keep(i) * scale, where keep(i) takes a 32-bit half of
// one hash: an element is kept when that half is below (1 - p) * 2^32.
void masked_scale(const float* in, float* out, int64_t n, uint64_t seed, double p) {
  const auto threshold = static_cast<uint64_t>((1.0 - p) * 4294967296.0);
  const float scale = static_cast<float>(1.0 / (1.0 - p));
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  WorkPool::global()->run(chunks, [&](int64_t c) {
    const int64_t end = std::min(n, (c + 1) * kChunk);
    for (int64_t i = c * kChunk; i < end; i += 2) {
      const uint64_t h = mix(seed + static_cast<uint64_t>(i) * 0x9e3779b97f4a7c15ULL);
      out[i] = (h & 0xffffffffULL) < threshold ? in[i] * scale : 0.0f;
      if (i + 1 < end) out[i + 1] = (h >> 32) < threshold ? in[i + 1] * scale : 0.0f;
    }
  });
}

struct DropoutFunction : torch::autograd::Function<DropoutFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x_in, double p) {
    torch::Tensor x = x_in.contiguous();
    torch::Tensor out = torch::empty_like(x);
    const uint64_t seed = next_seed();
    masked_scale(x.data_ptr<float>(), out.data_ptr<float>(), x.numel(), seed, p);
    // The mask is recomputed from the seed in backward instead of stored.
    ctx->saved_data["seed"] = static_cast<int64_t>(seed);
    ctx->saved_data["p"] = p;
    return out;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    torch::Tensor g = grads[0].contiguous();
    torch::Tensor dx = torch::empty_like(g);
    masked_scale(g.data_ptr<float>(), dx.data_ptr<float>(), g.numel(),
                 static_cast<uint64_t>(ctx->saved_data["seed"].toInt()),
                 ctx->saved_data["p"].toDouble());
    return {dx, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor dropout(const torch::Tensor& x, double p, bool training) {
  if (!training || p <= 0) return x;
  TORCH_CHECK(p < 1, "dropout: p must be below 1, got ", p);
  TORCH_CHECK(x.scalar_type() == torch::kFloat, "dropout: float32 only");
  return DropoutFunction::apply(x, p);
}

}  // namespace hitloop::ml::encoder
