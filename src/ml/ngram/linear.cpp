#include "ml/ngram/linear.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ml/rng.h"

namespace hitloop::ml::ngram {

std::vector<float> train_logistic_dual(const std::vector<const Row*>& rows, size_t dim,
                                       const DualOptions& options) {
  const size_t n = rows.size();
  std::vector<double> w(dim, 0.0);
  // alpha[i] and its complement upper[i] - alpha[i] are both kept, as the
  // solver works on whichever of the two is further from its bound.
  std::vector<double> alpha(n), rest(n), upper(n), sq(n);
  std::vector<double> y(n);
  for (size_t i = 0; i < n; ++i) {
    const Row& r = *rows[i];
    y[i] = r.label ? 1.0 : -1.0;
    upper[i] = options.c * r.weight;
    alpha[i] = std::min(0.001 * upper[i], 1e-8);
    rest[i] = upper[i] - alpha[i];
    double s = 0;
    for (const SparseFeature& f : r.features) {
      s += static_cast<double>(f.value) * f.value;
      w[f.index] += y[i] * alpha[i] * f.value;
    }
    sq[i] = s;
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  Rng rng(options.seed);
  double inner_eps = 1e-2;
  const double inner_eps_min = std::min(1e-8, options.tolerance);
  for (int pass = 0; pass < options.max_passes; ++pass) {
    rng.shuffle(order);
    double max_gradient = 0;
    size_t newton_steps = 0;
    for (size_t i : order) {
      const Row& r = *rows[i];
      const double c = upper[i];
      if (c <= 0) continue;
      double margin = 0;
      for (const SparseFeature& f : r.features) margin += w[f.index] * f.value;
      const double a = sq[i], b = y[i] * margin;
      // Sub-problem in z (one of alpha, rest):
      //   z log z + (c - z) log(c - z) + a/2 (z - z0)^2 + sign b (z - z0).
      const bool flip = 0.5 * a * (rest[i] - alpha[i]) + b < 0;
      double& z_ref = flip ? rest[i] : alpha[i];
      const double sign = flip ? -1.0 : 1.0;
      const double z0 = z_ref;
      double z = z0;
      if (c - z < 0.5 * c) z *= 0.1;
      double g = a * (z - z0) + sign * b + std::log(z / (c - z));
      max_gradient = std::max(max_gradient, std::fabs(g));
      int steps = 0;
      for (; steps < 100 && std::fabs(g) >= inner_eps; ++steps) {
        const double h = a + c / ((c - z) * z);
        const double next = z - g / h;
        z = next <= 0 ? z * 0.1 : next;  // stay inside (0, c)
        g = a * (z - z0) + sign * b + std::log(z / (c - z));
      }
      newton_steps += static_cast<size_t>(steps);
      if (steps == 0) continue;
      z_ref = z;
      (flip ? alpha[i] : rest[i]) = c - z;
      const double delta = sign * (z - z0) * y[i];
      for (const SparseFeature& f : r.features) w[f.index] += delta * f.value;
    }
    if (max_gradient < options.tolerance) break;
    if (newton_steps <= n / 10) inner_eps = std::max(inner_eps_min, 0.1 * inner_eps);
  }
  return std::vector<float>(w.begin(), w.end());
}

}  // namespace hitloop::ml::ngram
