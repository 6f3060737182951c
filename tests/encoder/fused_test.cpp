// The training step's fused parts against the libtorch code they replace:
// FusedAdamW against torch::optim::AdamW (with clip_grad_norm_), the
// hashed dropout's mask, scale, gradient and reproducibility, and the
// WorkPool-sliced GELU and softmax against ATen's, values and gradients.
#include <gtest/gtest.h>

#include <functional>

#include "ml/encoder/dropout.h"
#include "ml/encoder/fused_adamw.h"
#include "ml/encoder/parallel_ops.h"
#include "ml/encoder/work_pool.h"

namespace hitloop::ml::encoder {
namespace {

// Two groups as the trainer builds them (decayed and not), with parameters
// larger than one work chunk so that the split is exercised.
std::vector<torch::Tensor> parameters() {
  torch::manual_seed(7);
  return {torch::randn({300, 500}), torch::randn({17}), torch::randn({3, 4})};
}

template <typename Opt>
std::unique_ptr<Opt> optimizer_for(std::vector<torch::Tensor>& ps) {
  auto opts = [](double wd) {
    return std::make_unique<torch::optim::AdamWOptions>(
        torch::optim::AdamWOptions(1e-2).betas({0.9, 0.999}).eps(1e-8).weight_decay(wd));
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<torch::Tensor>{ps[0], ps[2]}, opts(0.01));
  groups.emplace_back(std::vector<torch::Tensor>{ps[1]}, opts(0.0));
  return std::make_unique<Opt>(groups, torch::optim::AdamWOptions(1e-2));
}

// Runs `steps` steps of both optimizers on the same random gradients and
// returns the largest parameter difference.
double largest_difference(int threads, double max_norm) {
  WorkPool::resize_global(threads);
  std::vector<torch::Tensor> ours = parameters(), theirs = parameters();
  auto fused = optimizer_for<FusedAdamW>(ours);
  auto reference = optimizer_for<torch::optim::AdamW>(theirs);
  for (int step = 0; step < 5; ++step) {
    for (size_t i = 0; i < ours.size(); ++i) {
      torch::Tensor g = torch::randn_like(ours[i]) * (step + 1);
      ours[i].mutable_grad() = g.clone();
      theirs[i].mutable_grad() = g.clone();
    }
    if (max_norm > 0) {
      fused->set_grad_scale(clip_factor(gradient_norm(ours), max_norm));
      torch::nn::utils::clip_grad_norm_(theirs, max_norm);
    }
    fused->step();
    reference->step();
  }
  double worst = 0;
  for (size_t i = 0; i < ours.size(); ++i) {
    worst = std::max(worst, (ours[i] - theirs[i]).abs().max().item<double>());
  }
  WorkPool::resize_global(1);
  return worst;
}

TEST(FusedAdamW, StepsMatchTorchAdamWWithAndWithoutDecayOnOneAndTwoThreads) {
  EXPECT_LT(largest_difference(1, 0.0), 1e-5);
  EXPECT_LT(largest_difference(2, 0.0), 1e-5);
}

TEST(FusedAdamW, GradScaleFromGradientNormMatchesClipGradNorm) {
  // Gradients of norm ~1000 against a limit of 1: every step is clipped.
  EXPECT_LT(largest_difference(2, 1.0), 1e-5);
}

TEST(FusedAdamW, GradientNormMatchesTorchAndSkipsParametersWithoutGradient) {
  std::vector<torch::Tensor> ps = parameters();
  ps[0].mutable_grad() = torch::randn_like(ps[0]);
  ps[2].mutable_grad() = torch::randn_like(ps[2]);
  double want = std::sqrt(std::pow(ps[0].grad().norm().item<double>(), 2) +
                          std::pow(ps[2].grad().norm().item<double>(), 2));
  EXPECT_NEAR(gradient_norm(ps), want, 1e-4 * want);
  EXPECT_DOUBLE_EQ(clip_factor(9.0, 1.0), 1.0 / (9.0 + 1e-6));
  EXPECT_DOUBLE_EQ(clip_factor(0.5, 1.0), 1.0);
}

TEST(FusedAdamW, DropGradsLeavesEveryGradientUndefined) {
  std::vector<torch::Tensor> ps = parameters();
  auto fused = optimizer_for<FusedAdamW>(ps);
  for (auto& p : ps) p.mutable_grad() = torch::ones_like(p);
  fused->drop_grads();
  for (auto& p : ps) EXPECT_FALSE(p.grad().defined());
}

TEST(Dropout, KeepsAboutOneMinusPAndScalesTheKeptByItsInverse) {
  torch::manual_seed(1);
  torch::Tensor x = torch::rand({400, 500}) + 1;  // never 0
  torch::Tensor y = encoder::dropout(x, 0.1, true);
  torch::Tensor kept = y.ne(0);
  EXPECT_NEAR(kept.to(torch::kDouble).mean().item<double>(), 0.9, 0.005);
  EXPECT_TRUE(torch::allclose(y.masked_select(kept), x.masked_select(kept) / 0.9, 1e-6, 1e-6));
  EXPECT_TRUE(encoder::dropout(x, 0.1, false).equal(x));
  EXPECT_TRUE(encoder::dropout(x, 0.0, true).equal(x));
}

TEST(Dropout, GradientIsTheSameMaskAndScaleAsAutogradOfTheMaskedProduct) {
  for (int threads : {1, 2}) {
    WorkPool::resize_global(threads);
    torch::manual_seed(2);
    torch::Tensor x = (torch::rand({70, 3000}) + 1).requires_grad_();
    torch::Tensor w = torch::randn({70, 3000});
    torch::Tensor y = encoder::dropout(x, 0.3, true);
    torch::Tensor got = torch::autograd::grad({(y * w).sum()}, {x})[0];
    // The reference: the same mask as a constant, differentiated by autograd.
    torch::Tensor mask = (y.ne(0).to(torch::kFloat) / 0.7).detach();
    torch::Tensor x2 = x.detach().clone().requires_grad_();
    torch::Tensor want = torch::autograd::grad({(x2 * mask * w).sum()}, {x2})[0];
    EXPECT_TRUE(torch::allclose(got, want, 1e-6, 1e-6)) << "threads " << threads;
  }
  WorkPool::resize_global(1);
}

TEST(Dropout, SameSeedSameMaskAndSuccessiveCallsDiffer) {
  torch::Tensor x = torch::ones({1000});
  torch::manual_seed(5);
  torch::Tensor a = encoder::dropout(x, 0.5, true), b = encoder::dropout(x, 0.5, true);
  torch::manual_seed(5);
  torch::Tensor a2 = encoder::dropout(x, 0.5, true);
  EXPECT_TRUE(a.equal(a2));
  EXPECT_FALSE(a.equal(b));
}

// Values and input gradients of `ours` and `theirs` on the same input and
// output gradient, on 1 and 2 threads (the slicing must not change them).
void expect_same_op(const std::function<torch::Tensor(const torch::Tensor&)>& ours,
                    const std::function<torch::Tensor(const torch::Tensor&)>& theirs,
                    std::vector<int64_t> shape) {
  for (int threads : {1, 2}) {
    WorkPool::resize_global(threads);
    torch::manual_seed(11);
    torch::Tensor x = (torch::randn(shape) * 3).requires_grad_();
    torch::Tensor g = torch::randn(shape);
    torch::Tensor y1 = ours(x), y2 = theirs(x);
    EXPECT_TRUE(torch::allclose(y1, y2, 1e-6, 1e-6)) << "threads " << threads;
    torch::Tensor d1 = torch::autograd::grad({y1}, {x}, {g})[0];
    torch::Tensor d2 = torch::autograd::grad({y2}, {x}, {g})[0];
    EXPECT_TRUE(torch::allclose(d1, d2, 1e-6, 1e-6)) << "threads " << threads;
  }
  WorkPool::resize_global(1);
}

TEST(ParallelOps, GeluBothFormsMatchTorchValuesAndGradients) {
  for (std::string form : {"none", "tanh"}) {
    expect_same_op([&](const torch::Tensor& x) { return parallel_gelu(x, form); },
                   [&](const torch::Tensor& x) { return torch::gelu(x, form); }, {3, 50, 700});
  }
}

TEST(ParallelOps, SoftmaxMatchesTorchValuesAndGradientsOverTheLastDimension) {
  expect_same_op([](const torch::Tensor& x) { return parallel_softmax(x); },
                 [](const torch::Tensor& x) { return torch::softmax(x, -1); }, {2, 3, 90, 130});
}

TEST(ParallelOps, OutsideAutogradTheyAreThePlainOps) {
  torch::Tensor x = torch::randn({4, 9});
  EXPECT_TRUE(parallel_gelu(x, "none").equal(torch::gelu(x)));
  EXPECT_TRUE(parallel_softmax(x).equal(torch::softmax(x, -1)));
}

}  // namespace
}  // namespace hitloop::ml::encoder
