#include "ml/encoder/parallel_ops.h"

#include <algorithm>

#include "ml/encoder/work_pool.h"

namespace hitloop::ml::encoder {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// Elements per slice, rounded to whole rows.
constexpr int64_t kSlice = 1 << 15;

// fn(out, a, b) on matching row slices of [rows, width] views of the three
// tensors (b may be undefined), on the WorkPool. Tensors are contiguous
// and detached, so the ATen out= kernels build no graph.
template <typename Fn>
void over_rows(const torch::Tensor& out, const torch::Tensor& a, const torch::Tensor& b,
               int64_t width, Fn fn) {
  const int64_t rows = a.numel() / width;
  const int64_t per = std::max<int64_t>(1, kSlice / width);
  const int64_t slices = (rows + per - 1) / per;
  torch::Tensor o2 = out.view({rows, width}), a2 = a.view({rows, width});
  torch::Tensor b2 = b.defined() ? b.view({rows, width}) : b;
  WorkPool::global()->run(slices, [&](int64_t s) {
    torch::NoGradGuard no_grad;
    const int64_t r0 = s * per, n = std::min(rows, r0 + per) - r0;
    fn(o2.narrow(0, r0, n), a2.narrow(0, r0, n), b.defined() ? b2.narrow(0, r0, n) : b2);
  });
}

torch::Tensor plain(const torch::Tensor& x) { return x.detach().contiguous(); }

bool needs_graph(const torch::Tensor& x) {
  return torch::GradMode::is_enabled() && x.requires_grad();
}

struct GeluFunction : torch::autograd::Function<GeluFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x_in,
                               const std::string& approximate) {
    torch::Tensor x = plain(x_in), out = torch::empty_like(x);
    over_rows(out, x, {}, x.size(-1),
              [&](torch::Tensor o, const torch::Tensor& a, const torch::Tensor&) {
                at::gelu_out(o, a, approximate);
              });
    ctx->save_for_backward({x});
    ctx->saved_data["approximate"] = approximate;
    return out;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    torch::Tensor x = ctx->get_saved_variables()[0], g = plain(grads[0]);
    const std::string approximate = ctx->saved_data["approximate"].toStringRef();
    torch::Tensor dx = torch::empty_like(x);
    over_rows(dx, g, x, x.size(-1),
              [&](torch::Tensor o, const torch::Tensor& a, const torch::Tensor& b) {
                at::gelu_backward_out(o, a, b, approximate);
              });
    return {dx, torch::Tensor()};
  }
};

struct SoftmaxFunction : torch::autograd::Function<SoftmaxFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x_in) {
    torch::Tensor x = plain(x_in), out = torch::empty_like(x);
    over_rows(out, x, {}, x.size(-1),
              [&](torch::Tensor o, const torch::Tensor& a, const torch::Tensor&) {
                at::_softmax_out(o, a, -1, false);
              });
    ctx->save_for_backward({out});
    return out;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    torch::Tensor y = ctx->get_saved_variables()[0], g = plain(grads[0]);
    torch::Tensor dx = torch::empty_like(y);
    over_rows(dx, g, y, y.size(-1),
              [&](torch::Tensor o, const torch::Tensor& a, const torch::Tensor& b) {
                at::_softmax_backward_data_out(o, a, b, -1, torch::kFloat);
              });
    return {dx};
  }
};

}  // namespace

torch::Tensor parallel_gelu(const torch::Tensor& x, const std::string& approximate) {
  if (!needs_graph(x) || x.scalar_type() != torch::kFloat) return torch::gelu(x, approximate);
  return GeluFunction::apply(x, approximate);
}

torch::Tensor parallel_softmax(const torch::Tensor& x) {
  if (!needs_graph(x) || x.scalar_type() != torch::kFloat) return torch::softmax(x, -1);
  return SoftmaxFunction::apply(x);
}

}  // namespace hitloop::ml::encoder
