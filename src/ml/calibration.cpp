#include "ml/calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hitloop::ml {
namespace {

double sigmoid_of_minus(double z) {  // P(good) for z = a * margin + b
  return z >= 0 ? std::exp(-z) / (1 + std::exp(-z)) : 1 / (1 + std::exp(z));
}

// Cross-entropy of the targets under (a, b), plus the slope's prior
// lambda / 2 * (a - a0)^2; minimised by Newton's method with backtracking
// (Lin, Lin & Weng 2007), the slope held fixed when `fix_slope`.
struct Objective {
  const std::vector<double>& margins;
  const std::vector<double>& targets;
  double lambda = 0, a0 = 0;
  bool fix_slope = false;

  double value(double a, double b) const {
    double f = lambda / 2 * (a - a0) * (a - a0);
    for (size_t i = 0; i < margins.size(); ++i) {
      double z = margins[i] * a + b, t = targets[i];
      f += z >= 0 ? t * z + std::log1p(std::exp(-z)) : (t - 1) * z + std::log1p(std::exp(z));
    }
    return f;
  }

  Platt minimise(Platt p) const {
    const double sigma = 1e-12, min_step = 1e-10, eps = 1e-5;
    double fval = value(p.a, p.b);
    for (int iter = 0; iter < 100; ++iter) {
      double h11 = sigma + lambda, h22 = sigma, h21 = 0;
      double g1 = lambda * (p.a - a0), g2 = 0;
      for (size_t i = 0; i < margins.size(); ++i) {
        double pr = sigmoid_of_minus(margins[i] * p.a + p.b);
        double d2 = pr * (1 - pr), d1 = targets[i] - pr;
        h11 += margins[i] * margins[i] * d2;
        h22 += d2;
        h21 += margins[i] * d2;
        g1 += margins[i] * d1;
        g2 += d1;
      }
      if (fix_slope) g1 = 0, h21 = 0;
      if (std::abs(g1) < eps && std::abs(g2) < eps) break;
      double det = h11 * h22 - h21 * h21;
      double da = -(h22 * g1 - h21 * g2) / det, db = -(-h21 * g1 + h11 * g2) / det;
      double gd = g1 * da + g2 * db;
      double step = 1;
      while (step >= min_step) {
        double na = p.a + step * da, nb = p.b + step * db;
        double nf = value(na, nb);
        if (nf < fval + 1e-4 * step * gd) {
          p.a = na, p.b = nb, fval = nf;
          break;
        }
        step /= 2;
      }
      if (step < min_step) break;
    }
    return p;
  }
};

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

}  // namespace

double Platt::apply(double margin) const { return sigmoid_of_minus(a * margin + b); }

Platt fit_platt(const std::vector<double>& margins, const std::vector<int>& labels) {
  if (margins.empty()) return Platt{};
  const int64_t n = static_cast<int64_t>(margins.size());
  double n1 = 0, n0 = 0;
  for (int y : labels) (y ? n1 : n0) += 1;
  // Targets pulled away from 0/1 so that separable data does not diverge.
  double hi = (n1 + 1) / (n1 + 2), lo = 1 / (n0 + 2);
  std::vector<double> t(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) t[i] = labels[i] ? hi : lo;

  // Calibration must be monotone increasing in the margin (a <= 0): a
  // positive slope would turn a model that ranks worse than chance into one
  // that looks better, and make verdicts contradict the model. The
  // objective is convex and its slope derivative at a = 0 (b at its best)
  // is n cov(margin, target), so the free optimum has a > 0 exactly when
  // that covariance is negative; then (and when it is zero: margins that say
  // nothing) the constrained optimum is a = 0, the constant base rate.
  const double m_mean = mean(margins), t_mean = mean(t);
  double cov = 0;
  for (size_t i = 0; i < margins.size(); ++i) cov += (margins[i] - m_mean) * (t[i] - t_mean);
  if (!(cov > 0)) return Platt{0, std::log((1 - t_mean) / t_mean), PlattFit::kBaseRate, n};

  // Too few rows to measure a slope: keep the model's own scale (margins
  // are log-odds) and fit only the intercept, which the base rate pins.
  if (n < kPlattMinRows || std::min(n0, n1) < kPlattMinPerClass) {
    Objective intercept{margins, t, 0, -1, true};
    Platt p = intercept.minimise(Platt{-1, 0});
    return Platt{-1, p.b, PlattFit::kInterceptOnly, n};
  }

  // The slope's prior weighs kPlattPriorRows rows of the information these
  // rows carry about it at the free fit (mean of (m - m̄)^2 p (1 - p)), so
  // that its pull is the same on any margin scale and fades as n grows.
  Objective free_fit{margins, t};
  Platt unpenalised = free_fit.minimise(Platt{0, std::log((n0 + 1) / (n1 + 1))});
  double info = 0;
  for (double m : margins) {
    double pr = unpenalised.apply(m);
    info += (m - m_mean) * (m - m_mean) * pr * (1 - pr);
  }
  info /= static_cast<double>(n);
  Objective with_prior{margins, t, kPlattPriorRows * info, -1};
  Platt p = with_prior.minimise(unpenalised);
  // Both the free optimum and the prior's centre have a < 0, so the
  // penalised one does too; kept as a guard against a failed line search.
  if (p.a > 0) return Platt{0, std::log((1 - t_mean) / t_mean), PlattFit::kBaseRate, n};
  return Platt{p.a, p.b, PlattFit::kSlopeAndIntercept, n};
}

const char* platt_fit_name(PlattFit fit) {
  switch (fit) {
    case PlattFit::kSlopeAndIntercept:
      return "slope_and_intercept";
    case PlattFit::kInterceptOnly:
      return "intercept_only";
    case PlattFit::kBaseRate:
      return "base_rate";
    case PlattFit::kDefault:
      break;
  }
  return "default";
}

PlattFit platt_fit_from_name(const std::string& name) {
  for (PlattFit f : {PlattFit::kSlopeAndIntercept, PlattFit::kInterceptOnly, PlattFit::kBaseRate}) {
    if (name == platt_fit_name(f)) return f;
  }
  return PlattFit::kDefault;
}

std::string describe(const Platt& p) {
  char head[64];
  std::snprintf(head, sizeof head, "Platt a=%.3f b=%.3f", p.a, p.b);
  std::string rows = std::to_string(p.n) + " rows";
  switch (p.fit) {
    case PlattFit::kSlopeAndIntercept:
      return head + (", slope and intercept on " + rows + " (slope prior worth " +
                     std::to_string(static_cast<int>(kPlattPriorRows)) + " rows)");
    case PlattFit::kInterceptOnly:
      return head +
             (", intercept only on " + rows + " (a slope needs " + std::to_string(kPlattMinRows) +
              " rows with " + std::to_string(kPlattMinPerClass) + " of each class)");
    case PlattFit::kBaseRate:
      return head + (", constant base rate on " + rows + " (the margins run against the labels)");
    case PlattFit::kDefault:
      break;
  }
  return head;
}

}  // namespace hitloop::ml
