#include "ml/calibration.h"

#include <cmath>

namespace hitloop::ml {

double Platt::apply(double margin) const {
  double f = a * margin + b;
  return f >= 0 ? std::exp(-f) / (1 + std::exp(-f)) : 1 / (1 + std::exp(f));
}

Platt fit_platt(const std::vector<double>& margins, const std::vector<int>& labels) {
  if (margins.empty()) return Platt{};
  double prior1 = 0, prior0 = 0;
  for (int y : labels) (y ? prior1 : prior0) += 1;
  // Targets pulled away from 0/1 so that separable data does not diverge.
  double hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2);
  std::vector<double> t(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) t[i] = labels[i] ? hi : lo;

  Platt p;
  p.a = 0;
  p.b = std::log((prior0 + 1) / (prior1 + 1));
  auto objective = [&](double a, double b) {
    double f = 0;
    for (size_t i = 0; i < margins.size(); ++i) {
      double z = margins[i] * a + b;
      f += z >= 0 ? t[i] * z + std::log1p(std::exp(-z)) : (t[i] - 1) * z + std::log1p(std::exp(z));
    }
    return f;
  };
  const double sigma = 1e-12, min_step = 1e-10, eps = 1e-5;
  double fval = objective(p.a, p.b);
  for (int iter = 0; iter < 100; ++iter) {
    double h11 = sigma, h22 = sigma, h21 = 0, g1 = 0, g2 = 0;
    for (size_t i = 0; i < margins.size(); ++i) {
      double z = margins[i] * p.a + p.b;
      double pr, q;
      if (z >= 0)
        pr = std::exp(-z) / (1 + std::exp(-z)), q = 1 / (1 + std::exp(-z));
      else
        pr = 1 / (1 + std::exp(z)), q = std::exp(z) / (1 + std::exp(z));
      double d2 = pr * q;
      h11 += margins[i] * margins[i] * d2;
      h22 += d2;
      h21 += margins[i] * d2;
      double d1 = t[i] - pr;
      g1 += margins[i] * d1;
      g2 += d1;
    }
    if (std::abs(g1) < eps && std::abs(g2) < eps) break;
    double det = h11 * h22 - h21 * h21;
    double da = -(h22 * g1 - h21 * g2) / det, db = -(-h21 * g1 + h11 * g2) / det;
    double gd = g1 * da + g2 * db;
    double step = 1;
    while (step >= min_step) {
      double na = p.a + step * da, nb = p.b + step * db;
      double nf = objective(na, nb);
      if (nf < fval + 1e-4 * step * gd) {
        p.a = na, p.b = nb, fval = nf;
        break;
      }
      step /= 2;
    }
    if (step < min_step) break;
  }
  // Calibration must be monotone increasing in the margin (a <= 0): a
  // positive slope would turn a model that ranks worse than chance into one
  // that looks better, and make verdicts contradict the model. The objective
  // is convex, so when the free optimum has a > 0 the constrained optimum
  // lies on a = 0: the constant (regularised) base rate.
  if (p.a > 0) {
    double mean_t = 0;
    for (double ti : t) mean_t += ti;
    mean_t /= static_cast<double>(t.size());
    p.a = 0;
    p.b = std::log((1 - mean_t) / mean_t);
  }
  return p;
}

}  // namespace hitloop::ml
