#include "ml/ngram/combiner.h"

#include <cmath>

#include "core/metrics.h"

namespace hitloop::ml::ngram {
namespace {

constexpr double kPenalty = 1.0;    // L2 on the weights (not the bias)
constexpr double kMinGain = 0.002;  // AUROC a combination must add over one candidate

// Solves a x = b (small, symmetric positive definite) by Gaussian elimination.
std::vector<double> solve(std::vector<std::vector<double>> a, std::vector<double> b) {
  const size_t n = b.size();
  for (size_t c = 0; c < n; ++c) {
    size_t p = c;
    for (size_t r = c + 1; r < n; ++r)
      if (std::abs(a[r][c]) > std::abs(a[p][c])) p = r;
    std::swap(a[c], a[p]);
    std::swap(b[c], b[p]);
    if (std::abs(a[c][c]) < 1e-12) return std::vector<double>(n, 0.0);
    for (size_t r = c + 1; r < n; ++r) {
      double f = a[r][c] / a[c][c];
      for (size_t k = c; k < n; ++k) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  std::vector<double> x(n);
  for (size_t c = n; c-- > 0;) {
    double s = b[c];
    for (size_t k = c + 1; k < n; ++k) s -= a[c][k] * x[k];
    x[c] = s / a[c][c];
  }
  return x;
}

// Class-balanced, L2-penalised logistic regression by Newton's method over
// the candidates in `use`; returns {bias, weights...} (0 for unused ones).
std::vector<double> fit_logistic(const std::vector<std::vector<double>>& margins,
                                 const std::vector<int>& labels, const std::vector<bool>& use) {
  std::vector<size_t> cols;
  for (size_t c = 0; c < use.size(); ++c)
    if (use[c]) cols.push_back(c);
  const size_t d = cols.size() + 1, n = labels.size();
  double pos = 0;
  for (int y : labels) pos += y;
  const double w_pos = n / (2 * std::max(pos, 1.0)), w_neg = n / (2 * std::max(n - pos, 1.0));
  std::vector<double> beta(d, 0.0), x(d);
  for (int iter = 0; iter < 30; ++iter) {
    std::vector<double> g(d, 0.0);
    std::vector<std::vector<double>> h(d, std::vector<double>(d, 0.0));
    for (size_t i = 0; i < n; ++i) {
      x[0] = 1;
      for (size_t k = 0; k < cols.size(); ++k) x[k + 1] = margins[cols[k]][i];
      double m = 0;
      for (size_t k = 0; k < d; ++k) m += beta[k] * x[k];
      double p = 1 / (1 + std::exp(-m)), w = labels[i] ? w_pos : w_neg;
      for (size_t a = 0; a < d; ++a) {
        g[a] += w * (p - labels[i]) * x[a];
        for (size_t b = 0; b < d; ++b) h[a][b] += w * p * (1 - p) * x[a] * x[b];
      }
    }
    for (size_t a = 1; a < d; ++a) g[a] += kPenalty * beta[a], h[a][a] += kPenalty;
    h[0][0] += 1e-9;
    std::vector<double> step = solve(h, g);
    double size = 0;
    for (size_t a = 0; a < d; ++a) beta[a] -= step[a], size += std::abs(step[a]);
    if (size < 1e-8) break;
  }
  std::vector<double> out(use.size() + 1, 0.0);
  out[0] = beta[0];
  for (size_t k = 0; k < cols.size(); ++k) out[cols[k] + 1] = beta[k + 1];
  return out;
}

}  // namespace

double mean_fold_auroc(const std::vector<double>& m, const std::vector<int>& labels,
                       const std::vector<Fold>& folds) {
  double sum = 0;
  for (const Fold& f : folds) {
    std::vector<int> y;
    std::vector<double> s;
    for (size_t i : f.test) y.push_back(labels[i]), s.push_back(m[i]);
    sum += auroc(y, s).value_or(0.5);
  }
  return folds.empty() ? 0.5 : sum / static_cast<double>(folds.size());
}

Stacked fit_combiner(const std::vector<std::vector<double>>& margins,
                     const std::vector<int>& labels, const std::vector<Fold>& folds) {
  const size_t c = margins.size();
  // The best single candidate, as it is.
  Stacked single;
  single.weights.assign(c, 0.0);
  single.auroc = -1;
  for (size_t k = 0; k < c; ++k) {
    double a = mean_fold_auroc(margins[k], labels, folds);
    if (a > single.auroc + 1e-12) {
      single.auroc = a;
      std::fill(single.weights.begin(), single.weights.end(), 0.0);
      single.weights[k] = 1;
    }
  }
  // The combination, dropping candidates that would enter negatively.
  std::vector<bool> use(c, true);
  std::vector<double> beta;
  for (size_t round = 0; round < c; ++round) {
    beta = fit_logistic(margins, labels, use);
    size_t worst = c;
    for (size_t k = 0; k < c; ++k)
      if (use[k] && beta[k + 1] <= 0 && (worst == c || beta[k + 1] < beta[worst + 1])) worst = k;
    if (worst == c) break;
    use[worst] = false;
  }
  Stacked combined;
  combined.bias = beta[0];
  combined.weights.assign(beta.begin() + 1, beta.end());
  for (size_t k = 0; k < c; ++k)
    if (!use[k]) combined.weights[k] = 0;
  std::vector<double> m(labels.size(), combined.bias);
  for (size_t k = 0; k < c; ++k)
    for (size_t i = 0; i < m.size(); ++i) m[i] += combined.weights[k] * margins[k][i];
  combined.auroc = mean_fold_auroc(m, labels, folds);
  return combined.auroc > single.auroc + kMinGain ? combined : single;
}

}  // namespace hitloop::ml::ngram
