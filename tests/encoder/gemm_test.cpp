// The oneDNN products and their backward passes against libtorch's own
// matmul, for every transpose combination, 2-D and batched, on 1 and 2
// worker threads (the column split must not change a result).
#include "ml/encoder/gemm.h"

#include <gtest/gtest.h>

#include "ml/encoder/work_pool.h"

namespace hitloop::ml::encoder {
namespace {

torch::Tensor op(const torch::Tensor& x, bool t) { return t ? x.transpose(-1, -2) : x; }

struct Shapes {
  std::vector<int64_t> a, b;
};

// op(A) is [.., 5, 7] and op(B) is [.., 7, 300]: wide enough to be split.
Shapes shapes(bool ta, bool tb, int64_t batch) {
  std::vector<int64_t> a = ta ? std::vector<int64_t>{7, 5} : std::vector<int64_t>{5, 7};
  std::vector<int64_t> b = tb ? std::vector<int64_t>{300, 7} : std::vector<int64_t>{7, 300};
  if (batch) {
    a.insert(a.begin(), batch);
    b.insert(b.begin(), batch);
  }
  return {a, b};
}

TEST(Gemm, ProductsAndGradientsMatchTorchMatmulForEveryTransposeCase) {
  for (int threads : {1, 2}) {
    WorkPool::resize_global(threads);
    for (int64_t batch : {0, 3}) {
      for (bool ta : {false, true}) {
        for (bool tb : {false, true}) {
          torch::manual_seed(3);
          Shapes s = shapes(ta, tb, batch);
          torch::Tensor a = torch::randn(s.a, torch::requires_grad());
          torch::Tensor b = torch::randn(s.b, torch::requires_grad());
          torch::Tensor g = torch::randn(batch ? std::vector<int64_t>{batch, 5, 300}
                                               : std::vector<int64_t>{5, 300});
          torch::Tensor ours = gemm(a, b, ta, tb);
          torch::Tensor want = torch::matmul(op(a, ta), op(b, tb));
          EXPECT_TRUE(torch::allclose(ours, want, 1e-4, 1e-5))
              << "threads " << threads << " batch " << batch << " ta " << ta << " tb " << tb;
          auto got_grads = torch::autograd::grad({ours}, {a, b}, {g});
          auto want_grads = torch::autograd::grad({want}, {a, b}, {g});
          EXPECT_TRUE(torch::allclose(got_grads[0], want_grads[0], 1e-4, 1e-5));
          EXPECT_TRUE(torch::allclose(got_grads[1], want_grads[1], 1e-4, 1e-5));
        }
      }
    }
  }
  WorkPool::resize_global(1);
}

TEST(Gemm, LinearAddsBiasAndKeepsLeadingDimensions) {
  torch::Tensor x = torch::randn({2, 3, 4}), w = torch::randn({6, 4}), bias = torch::randn({6});
  torch::Tensor y = linear(x, w, bias);
  ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, 3, 6}));
  EXPECT_TRUE(torch::allclose(y, torch::matmul(x, w.t()) + bias, 1e-5, 1e-6));
}

TEST(WorkPool, RunsEveryTaskExactlyOnce) {
  WorkPool pool(2);
  std::vector<std::atomic<int>> hits(100);
  for (int round = 0; round < 50; ++round) {
    pool.run(100, [&](int64_t i) { hits[static_cast<size_t>(i)]++; });
  }
  for (const auto& h : hits) EXPECT_EQ(h.load(), 50);
}

}  // namespace
}  // namespace hitloop::ml::encoder
