#include "core/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hitloop {
namespace {

double safe_div(double a, double b) { return b == 0 ? 0 : a / b; }
double f1(double p, double r) { return p + r == 0 ? 0 : 2 * p * r / (p + r); }

}  // namespace

std::optional<double> auroc(const std::vector<int>& labels, const std::vector<double>& scores) {
  std::vector<size_t> order(labels.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Rank-sum with average ranks for ties.
  double rank_sum_pos = 0;
  int64_t pos = 0, neg = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
    double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t k = i; k < j; ++k) {
      if (labels[order[k]])
        rank_sum_pos += avg_rank, ++pos;
      else
        ++neg;
    }
    i = j;
  }
  if (pos == 0 || neg == 0) return std::nullopt;
  double u = rank_sum_pos - static_cast<double>(pos) * static_cast<double>(pos + 1) / 2;
  return u / (static_cast<double>(pos) * static_cast<double>(neg));
}

double expected_calibration_error(const std::vector<int>& labels, const std::vector<double>& scores,
                                  int bins) {
  if (labels.empty()) return 0;
  std::vector<double> conf(bins, 0), acc(bins, 0);
  std::vector<int64_t> count(bins, 0);
  for (size_t i = 0; i < labels.size(); ++i) {
    int b = std::clamp(static_cast<int>(scores[i] * bins), 0, bins - 1);
    conf[b] += scores[i];
    acc[b] += labels[i];
    count[b]++;
  }
  double ece = 0;
  for (int b = 0; b < bins; ++b) {
    if (count[b] == 0) continue;
    ece += std::abs(acc[b] - conf[b]) / static_cast<double>(labels.size());
  }
  return ece;
}

Metrics compute_metrics(const std::vector<int>& labels, const std::vector<double>& scores,
                        double threshold) {
  Metrics m;
  m.n = static_cast<int64_t>(labels.size());
  double brier = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    bool good = scores[i] >= threshold;
    Confusion& c = m.confusion;
    if (labels[i])
      (good ? c.true_good : c.false_bad)++;
    else
      (good ? c.false_good : c.true_bad)++;
    brier += (scores[i] - labels[i]) * (scores[i] - labels[i]);
  }
  const Confusion& c = m.confusion;
  m.accuracy = safe_div(static_cast<double>(c.true_good + c.true_bad), static_cast<double>(m.n));
  m.precision_bad = safe_div(c.true_bad, static_cast<double>(c.true_bad + c.false_bad));
  m.recall_bad = safe_div(c.true_bad, static_cast<double>(c.true_bad + c.false_good));
  m.f1_bad = f1(m.precision_bad, m.recall_bad);
  double precision_good = safe_div(c.true_good, static_cast<double>(c.true_good + c.false_good));
  double recall_good = safe_div(c.true_good, static_cast<double>(c.true_good + c.false_bad));
  m.f1_good = f1(precision_good, recall_good);
  m.macro_f1 = (m.f1_bad + m.f1_good) / 2;
  m.auroc = auroc(labels, scores);
  m.brier = safe_div(brier, static_cast<double>(m.n));
  m.ece = expected_calibration_error(labels, scores);
  m.ece_n = m.n;
  return m;
}

}  // namespace hitloop
