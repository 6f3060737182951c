#include "ml/encoder/fused_adamw.h"

#include <algorithm>
#include <cmath>

#include "ml/encoder/work_pool.h"

namespace hitloop::ml::encoder {
namespace {

// Elements per task: large enough that scheduling costs nothing, small
// enough that a worker the OS has not scheduled leaves little behind.
constexpr int64_t kChunk = 1 << 16;

struct Chunk {
  size_t tensor;
  int64_t begin, end;
};

std::vector<Chunk> chunks_of(const std::vector<int64_t>& sizes) {
  std::vector<Chunk> out;
  for (size_t i = 0; i < sizes.size(); ++i) {
    for (int64_t b = 0; b < sizes[i]; b += kChunk)
      out.push_back({i, b, std::min(sizes[i], b + kChunk)});
  }
  return out;
}

float* floats(const torch::Tensor& t) {
  TORCH_CHECK(t.scalar_type() == torch::kFloat && t.is_contiguous(),
              "fused AdamW: contiguous float32 tensors only");
  return t.data_ptr<float>();
}

// One parameter's update, with its constants as torch's AdamW computes them.
struct Update {
  float* p;
  const float* g;
  float *m, *v;
  float decay, b1, one_minus_b1, b2, one_minus_b2, sqrt_bc2, eps, neg_step, scale;
  bool decays;

  void run(int64_t begin, int64_t end) const {
    for (int64_t i = begin; i < end; ++i) {
      // The order of torch's passes: p.mul_(decay); m.mul_(b1).add_(g,
      // 1-b1); v.mul_(b2).addcmul_(g, g, 1-b2); denom = sqrt(v) / sqrt(bc2)
      // + eps; p.addcdiv_(m, denom, -step_size).
      const float grad = g[i] * scale;
      float param = decays ? p[i] * decay : p[i];
      const float mi = m[i] * b1 + one_minus_b1 * grad;
      const float vi = v[i] * b2 + one_minus_b2 * grad * grad;
      const float denom = std::sqrt(vi) / sqrt_bc2 + eps;
      m[i] = mi;
      v[i] = vi;
      p[i] = param + neg_step * (mi / denom);
    }
  }
};

}  // namespace

void FusedAdamW::drop_grads() {
  for (auto& group : param_groups_) {
    for (auto& p : group.params()) p.mutable_grad().reset();
  }
}

torch::Tensor FusedAdamW::step(LossClosure closure) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss;
  if (closure) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  std::vector<Update> updates;
  std::vector<int64_t> sizes;
  for (auto& group : param_groups_) {
    auto& o = static_cast<torch::optim::AdamWOptions&>(group.options());
    TORCH_CHECK(!o.amsgrad(), "fused AdamW: amsgrad is not supported");
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      TORCH_CHECK(!p.grad().is_sparse(), "fused AdamW: sparse gradients are not supported");
      const std::string key = c10::guts::to_string(p.unsafeGetTensorImpl());
      auto it = state_.find(key);
      if (it == state_.end()) {
        auto fresh = std::make_unique<torch::optim::AdamWParamState>();
        fresh->step(0);
        fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        fresh->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        it = state_.emplace(key, std::move(fresh)).first;
      }
      auto& s = static_cast<torch::optim::AdamWParamState&>(*it->second);
      s.step(s.step() + 1);
      const auto [beta1, beta2] = o.betas();
      const double bc1 = 1 - std::pow(beta1, static_cast<double>(s.step()));
      const double bc2 = 1 - std::pow(beta2, static_cast<double>(s.step()));
      if (!p.grad().is_contiguous()) p.mutable_grad() = p.grad().contiguous();
      updates.push_back({floats(p), floats(p.grad()), floats(s.exp_avg()), floats(s.exp_avg_sq()),
                         static_cast<float>(1 - o.lr() * o.weight_decay()),
                         static_cast<float>(beta1), static_cast<float>(1 - beta1),
                         static_cast<float>(beta2), static_cast<float>(1 - beta2),
                         static_cast<float>(std::sqrt(bc2)), static_cast<float>(o.eps()),
                         static_cast<float>(-(o.lr() / bc1)), static_cast<float>(grad_scale_),
                         o.weight_decay() != 0});
      sizes.push_back(p.numel());
    }
  }
  grad_scale_ = 1.0;
  const std::vector<Chunk> chunks = chunks_of(sizes);
  WorkPool::global()->run(static_cast<int64_t>(chunks.size()), [&](int64_t c) {
    const Chunk& k = chunks[static_cast<size_t>(c)];
    updates[k.tensor].run(k.begin, k.end);
  });
  return loss;
}

double gradient_norm(const std::vector<torch::Tensor>& params) {
  std::vector<const float*> grads;
  std::vector<int64_t> sizes;
  std::vector<torch::Tensor> keep;  // contiguous copies, if any, alive until summed
  for (const torch::Tensor& p : params) {
    if (!p.grad().defined()) continue;
    keep.push_back(p.grad().contiguous());
    grads.push_back(floats(keep.back()));
    sizes.push_back(p.numel());
  }
  const std::vector<Chunk> chunks = chunks_of(sizes);
  std::vector<double> partial(chunks.size());
  WorkPool::global()->run(static_cast<int64_t>(chunks.size()), [&](int64_t c) {
    const Chunk& k = chunks[static_cast<size_t>(c)];
    const float* g = grads[k.tensor];
    // Independent lanes, so the sum is not one long chain of dependent adds.
    double lanes[8] = {};
    int64_t i = k.begin;
    for (; i + 8 <= k.end; i += 8) {
      for (int l = 0; l < 8; ++l) lanes[l] += static_cast<double>(g[i + l]) * g[i + l];
    }
    for (; i < k.end; ++i) lanes[0] += static_cast<double>(g[i]) * g[i];
    double sum = 0;
    for (double l : lanes) sum += l;
    partial[static_cast<size_t>(c)] = sum;
  });
  double total = 0;
  for (double s : partial) total += s;
  return std::sqrt(total);
}

double clip_factor(double norm, double max_norm) { return std::min(1.0, max_norm / (norm + 1e-6)); }

}  // namespace hitloop::ml::encoder
