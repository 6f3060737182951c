#include "ml/ngram/linear.h"

#include <cmath>
#include <numeric>

#include "ml/rng.h"

namespace hitloop::ml::ngram {

std::vector<float> train_logistic(
    const std::vector<const Row*>& rows, size_t dim, const SgdOptions& options,
    const std::function<bool(int, const std::vector<float>&)>& after_epoch) {
  std::vector<float> w(dim, 0.f), g2(dim, 0.f);
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  Rng rng(options.seed);
  const float lr = static_cast<float>(options.learning_rate);
  const float l2 = static_cast<float>(options.l2);
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    rng.shuffle(order);
    for (size_t i : order) {
      const Row& r = *rows[i];
      double m = dot(w, r.features);
      double p = m >= 0 ? 1 / (1 + std::exp(-m)) : std::exp(m) / (1 + std::exp(m));
      float err = static_cast<float>((p - r.label) * r.weight);
      for (const SparseFeature& f : r.features) {
        // L2 is applied where the row touches, which keeps each step sparse.
        float g = err * f.value + l2 * w[f.index];
        g2[f.index] += g * g;
        w[f.index] -= lr * g / (std::sqrt(g2[f.index]) + 1e-6f);
      }
    }
    if (after_epoch && !after_epoch(epoch, w)) break;
  }
  return w;
}

}  // namespace hitloop::ml::ngram
