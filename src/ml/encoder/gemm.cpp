#include "ml/encoder/gemm.h"

#include <algorithm>
#include <atomic>
#include <cstdint>

#include "ml/encoder/work_pool.h"

// oneDNN's C API (dnnl.h is not packaged with the runtime library; this is
// the stable v2 signature: row-major, dnnl_dim_t = int64_t, returns
// dnnl_status_t where 0 is success).
extern "C" int dnnl_sgemm(char transa, char transb, int64_t M, int64_t N, int64_t K, float alpha,
                          const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
                          float* C, int64_t ldc);

namespace hitloop::ml::encoder {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// The raw product, no autograd. Inputs must be contiguous float32.
torch::Tensor gemm_kernel(const torch::Tensor& a_in, const torch::Tensor& b_in, bool ta, bool tb) {
  torch::Tensor a = a_in.contiguous(), b = b_in.contiguous();
  const bool batched = a.dim() == 3;
  TORCH_CHECK(a.dim() == b.dim() && (a.dim() == 2 || batched), "gemm: 2-D or 3-D operands");
  TORCH_CHECK(a.scalar_type() == torch::kFloat && b.scalar_type() == torch::kFloat,
              "gemm: float32 operands");
  const int64_t batch = batched ? a.size(0) : 1;
  TORCH_CHECK(!batched || b.size(0) == batch, "gemm: batch sizes differ");
  const int64_t ar = a.size(-2), ac = a.size(-1), br = b.size(-2), bc = b.size(-1);
  const int64_t m = ta ? ac : ar, k = ta ? ar : ac;
  const int64_t kb = tb ? bc : br, n = tb ? br : bc;
  TORCH_CHECK(k == kb, "gemm: inner dimensions differ (", k, " vs ", kb, ")");
  torch::Tensor c =
      batched ? torch::empty({batch, m, n}, a.options()) : torch::empty({m, n}, a.options());
  if (m == 0 || n == 0) return c;
  if (k == 0) return c.zero_();
  const float* pa = a.data_ptr<float>();
  const float* pb = b.data_ptr<float>();
  float* pc = c.data_ptr<float>();
  // One product of batch item `i` over output columns [n0, n1): a column
  // slice of op(B) is a pointer offset (rows of a stored-transposed B).
  std::atomic<int> status{0};
  auto product = [&](int64_t i, int64_t n0, int64_t n1) {
    const float* b_slice = pb + i * br * bc + (tb ? n0 * bc : n0);
    int st = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n1 - n0, k, 1.0f, pa + i * ar * ac, ac,
                        b_slice, bc, 0.0f, pc + i * m * n + n0, n);
    if (st != 0) status = st;
  };
  std::shared_ptr<WorkPool> pool = WorkPool::global();
  const int threads = pool->threads();
  if (batch >= threads) {
    pool->run(batch, [&](int64_t i) { product(i, 0, n); });
  } else {
    // Split the columns into up to 4 slices per thread, none narrower than
    // 128: threads take slices as they come, so a thread the OS has not
    // scheduled (another process on the core) leaves its share to the
    // others instead of holding everyone up; wider slices would make that
    // share bigger, narrower ones would make oneDNN less efficient.
    const int64_t slices = std::clamp<int64_t>(n / 128, 1, 4 * threads);
    const int64_t width = (n + slices - 1) / slices;
    pool->run(batch * slices, [&](int64_t t) {
      int64_t i = t / slices, n0 = (t % slices) * width;
      if (n0 < n) product(i, n0, std::min(n, n0 + width));
    });
  }
  TORCH_CHECK(status.load() == 0, "oneDNN sgemm failed with status ", status.load());
  return c;
}

// d(op_a(A) op_b(B)) for each of the four transpose cases.
struct GemmFunction : torch::autograd::Function<GemmFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& a, const torch::Tensor& b,
                               bool ta, bool tb) {
    ctx->save_for_backward({a, b});
    ctx->saved_data["ta"] = ta;
    ctx->saved_data["tb"] = tb;
    return gemm_kernel(a, b, ta, tb);
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    auto saved = ctx->get_saved_variables();
    const torch::Tensor &a = saved[0], &b = saved[1];
    const bool ta = ctx->saved_data["ta"].toBool(), tb = ctx->saved_data["tb"].toBool();
    torch::Tensor g = grads[0].contiguous();
    torch::Tensor da, db;
    const bool need_a = ctx->needs_input_grad(0), need_b = ctx->needs_input_grad(1);
    if (!ta && !tb) {  // C = A B
      if (need_a) da = gemm_kernel(g, b, false, true);
      if (need_b) db = gemm_kernel(a, g, true, false);
    } else if (!ta && tb) {  // C = A B^T
      if (need_a) da = gemm_kernel(g, b, false, false);
      if (need_b) db = gemm_kernel(g, a, true, false);
    } else if (ta && !tb) {  // C = A^T B
      if (need_a) da = gemm_kernel(b, g, false, true);
      if (need_b) db = gemm_kernel(a, g, false, false);
    } else {  // C = A^T B^T
      if (need_a) da = gemm_kernel(b, g, true, true);
      if (need_b) db = gemm_kernel(g, a, true, true);
    }
    return {da, db, torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor gemm(const torch::Tensor& a, const torch::Tensor& b, bool trans_a, bool trans_b) {
  // Outside autograd (inference) skip building a graph node.
  if (!torch::GradMode::is_enabled() || (!a.requires_grad() && !b.requires_grad())) {
    return gemm_kernel(a, b, trans_a, trans_b);
  }
  return GemmFunction::apply(a, b, trans_a, trans_b);
}

torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& weight,
                     const torch::Tensor& bias) {
  const int64_t in = x.size(-1), out = weight.size(0);
  std::vector<int64_t> shape = x.sizes().vec();
  shape.back() = out;
  torch::Tensor y = gemm(x.reshape({-1, in}), weight, false, true);
  if (!torch::GradMode::is_enabled() || (!y.requires_grad() && !bias.requires_grad())) {
    y.add_(bias);
  } else {
    y = y + bias;
  }
  return y.view(shape);
}

}  // namespace hitloop::ml::encoder
