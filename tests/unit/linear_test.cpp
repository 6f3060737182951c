// The dual coordinate descent solver behind the n-gram kind's linear models.
#include "ml/ngram/linear.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ml/rng.h"

namespace hitloop::ml::ngram {
namespace {

// Noisy rows over 6 features (index 5 is a bias): the label follows
// features 0 and 1, with a tenth of the labels flipped so that no weight
// vector separates them and the optimum is finite.
std::vector<Row> noisy_rows(int n) {
  Rng rng(7);
  std::vector<Row> rows(n);
  for (Row& r : rows) {
    float a = static_cast<float>(rng.uniform() * 2 - 1), b = static_cast<float>(rng.uniform());
    r.features = {{0, a}, {1, b}, {static_cast<uint32_t>(2 + rng.below(3)), 1.f}, {5, 1.f}};
    r.label = (a + 0.5f * b > 0.2f) != (rng.below(10) == 0);
    r.weight = r.label ? 1.0 : 2.0;
  }
  return rows;
}

std::vector<const Row*> pointers(const std::vector<Row>& rows) {
  std::vector<const Row*> out;
  for (const Row& r : rows) out.push_back(&r);
  return out;
}

// Gradient of 0.5 |w|^2 + c sum_i weight_i log(1 + exp(-y_i w.x_i)).
std::vector<double> primal_gradient(const std::vector<Row>& rows, const std::vector<float>& w,
                                    double c) {
  std::vector<double> g(w.begin(), w.end());
  for (const Row& r : rows) {
    double y = r.label ? 1 : -1;
    double s = 1 / (1 + std::exp(y * dot(w, r.features)));  // sigma(-y w.x)
    for (const SparseFeature& f : r.features) g[f.index] -= c * r.weight * y * s * f.value;
  }
  return g;
}

TEST(DualLogistic, ReachesTheOptimumOfTheWeightedRegularisedLoss) {
  std::vector<Row> rows = noisy_rows(400);
  for (double c : {0.1, 1.0, 10.0}) {
    DualOptions o;
    o.c = c;
    o.tolerance = 1e-4;
    o.max_passes = 500;
    std::vector<float> w = train_logistic_dual(pointers(rows), 6, o);
    double norm = 0;
    for (double g : primal_gradient(rows, w, c)) norm += g * g;
    EXPECT_LT(std::sqrt(norm), 1e-2 * std::max(1.0, c)) << "c = " << c;
    EXPECT_GT(w[0], 0.f);  // and the optimum follows the signal
  }
}

TEST(DualLogistic, AnExampleWeightCountsLikeRepeatingTheRow) {
  std::vector<Row> rows = noisy_rows(200), repeated;
  for (Row r : rows) {
    const int copies = static_cast<int>(r.weight);
    r.weight = 1.0;
    for (int k = 0; k < copies; ++k) repeated.push_back(r);
  }
  DualOptions o;
  o.tolerance = 1e-5;
  o.max_passes = 1000;
  std::vector<float> a = train_logistic_dual(pointers(rows), 6, o);
  std::vector<float> b = train_logistic_dual(pointers(repeated), 6, o);
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(a[i], b[i], 1e-3) << i;
}

TEST(DualLogistic, StrongerRegularisationGivesSmallerWeights) {
  std::vector<Row> rows = noisy_rows(300);
  auto norm_at = [&](double c) {
    DualOptions o;
    o.c = c;
    double s = 0;
    for (float v : train_logistic_dual(pointers(rows), 6, o)) s += v * v;
    return s;
  };
  EXPECT_LT(norm_at(0.05), norm_at(1.0));
}

}  // namespace
}  // namespace hitloop::ml::ngram
