#include "ml/encoder/embed_head.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "ml/ngram/combiner.h"
#include "ml/ngram/linear.h"
#include "ml/split.h"

namespace hitloop::ml::encoder {
namespace {

using nlohmann::json;

constexpr int kFolds = 3;
// Below this many rows the inner folds say little; C stays at the default.
constexpr size_t kMinRowsForSelection = 30;

constexpr const char* kGroupNames[] = {"input embedding", "output embedding", "|input - output|",
                                       "input * output", "cosine(input, output)"};

// Standardised features of every row, as the solver's rows (the last
// feature is the bias, 1).
std::vector<ngram::Row> standardised_rows(const HeadData& d, const EmbedHead& head,
                                          const std::vector<double>& weights) {
  const size_t n = d.labels.size(), f = EmbedHead::feature_count(d.dim);
  std::vector<ngram::Row> rows(n);
  std::vector<float> raw(f);
  for (size_t i = 0; i < n; ++i) {
    EmbedHead::pair_features(&d.u[i * d.dim], &d.v[i * d.dim], d.dim, raw.data());
    ngram::Row& r = rows[i];
    r.features.resize(f + 1);
    for (size_t j = 0; j < f; ++j) {
      r.features[j] = {static_cast<uint32_t>(j), (raw[j] - head.mean[j]) * head.scale[j]};
    }
    r.features[f] = {static_cast<uint32_t>(f), 1.f};
    r.label = d.labels[i];
    r.weight = weights[i];
  }
  return rows;
}

// Mean and 1/std of each raw feature over the rows.
void fit_standardisation(const HeadData& d, EmbedHead& head) {
  const size_t n = d.labels.size(), f = EmbedHead::feature_count(d.dim);
  std::vector<double> sum(f, 0.0), sq(f, 0.0);
  std::vector<float> raw(f);
  for (size_t i = 0; i < n; ++i) {
    EmbedHead::pair_features(&d.u[i * d.dim], &d.v[i * d.dim], d.dim, raw.data());
    for (size_t j = 0; j < f; ++j) {
      sum[j] += raw[j];
      sq[j] += static_cast<double>(raw[j]) * raw[j];
    }
  }
  head.mean.assign(f, 0.f);
  head.scale.assign(f, 0.f);
  for (size_t j = 0; j < f; ++j) {
    const double mean = sum[j] / std::max<size_t>(n, 1);
    const double var = std::max(0.0, sq[j] / std::max<size_t>(n, 1) - mean * mean);
    head.mean[j] = static_cast<float>(mean);
    head.scale[j] = var > 1e-12 ? static_cast<float>(1 / std::sqrt(var)) : 0.f;
  }
}

// Class-balanced weight times example weight, as the n-gram kind weighs.
std::vector<double> balanced_weights(const HeadData& d) {
  const double n = static_cast<double>(d.labels.size());
  double pos = 0;
  for (int y : d.labels) pos += y;
  const double w_pos = pos > 0 ? n / (2 * pos) : 1, w_neg = pos < n ? n / (2 * (n - pos)) : 1;
  std::vector<double> w(d.labels.size());
  for (size_t i = 0; i < w.size(); ++i) w[i] = (d.labels[i] ? w_pos : w_neg) * d.weights[i];
  return w;
}

std::vector<float> fit(const std::vector<ngram::Row>& rows, const std::vector<size_t>& idx,
                       double c, uint64_t seed) {
  std::vector<const ngram::Row*> picked;
  picked.reserve(idx.size());
  for (size_t i : idx) picked.push_back(&rows[i]);
  ngram::DualOptions o;
  o.c = c;
  o.seed = seed;
  return ngram::train_logistic_dual(picked, rows.empty() ? 0 : rows[0].features.size(), o);
}

// The C of kHeadCGrid with the best mean AUROC over inner grouped folds.
double choose_c(const std::vector<ngram::Row>& rows, const HeadData& d, uint64_t seed, int threads,
                std::string& summary) {
  const size_t n = rows.size();
  int pos = 0;
  for (int y : d.labels) pos += y;
  if (n < kMinRowsForSelection || pos < kFolds || static_cast<int>(n) - pos < kFolds) {
    summary = "C=" + std::to_string(kHeadDefaultC) + " (too few rows to choose on inner folds)";
    return kHeadDefaultC;
  }
  bool grouped = true;
  const std::vector<Fold> folds =
      validation_kfold(d.labels, d.groups, kFolds, seed ^ 0xE3BEDULL, grouped);
  constexpr size_t kGrid = std::size(kHeadCGrid);
  std::vector<std::vector<double>> oof(kGrid, std::vector<double>(n, 0.0));
  const size_t jobs = kGrid * folds.size();
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t job; (job = next++) < jobs;) {
      const size_t g = job % kGrid;
      const Fold& fold = folds[job / kGrid];
      const std::vector<float> w = fit(rows, fold.train, kHeadCGrid[g], seed);
      for (size_t i : fold.test) oof[g][i] = ngram::dot(w, rows[i].features);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::min<int>(threads, static_cast<int>(jobs)); ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  size_t best = 0;
  double best_auroc = -1;
  std::string tried;
  for (size_t g = 0; g < kGrid; ++g) {
    const double a = ngram::mean_fold_auroc(oof[g], d.labels, folds);
    char part[48];
    std::snprintf(part, sizeof part, "%s%g: %.3f", g ? ", " : "", kHeadCGrid[g], a);
    tried += part;
    if (a > best_auroc + 1e-9) best_auroc = a, best = g;
  }
  char line[400];
  std::snprintf(line, sizeof line, "C=%g chosen on inner %d-fold%s (AUROC by C: %s)",
                kHeadCGrid[best], kFolds, grouped ? " by model_input" : "", tried.c_str());
  summary = line;
  return kHeadCGrid[best];
}

}  // namespace

void EmbedHead::pair_features(const float* u, const float* v, size_t dim, float* out) {
  double uv = 0, uu = 0, vv = 0;
  for (size_t k = 0; k < dim; ++k) {
    out[k] = u[k];
    out[dim + k] = v[k];
    out[2 * dim + k] = std::fabs(u[k] - v[k]);
    out[3 * dim + k] = u[k] * v[k];
    uv += static_cast<double>(u[k]) * v[k];
    uu += static_cast<double>(u[k]) * u[k];
    vv += static_cast<double>(v[k]) * v[k];
  }
  // torch.nn.functional.cosine_similarity's floor on each norm.
  out[4 * dim] =
      static_cast<float>(uv / (std::max(std::sqrt(uu), 1e-8) * std::max(std::sqrt(vv), 1e-8)));
}

double EmbedHead::margin(const float* u, const float* v) const {
  const size_t f = feature_count(dim);
  std::vector<float> raw(f);
  pair_features(u, v, dim, raw.data());
  double s = weight[f];
  for (size_t j = 0; j < f; ++j)
    s += static_cast<double>(weight[j]) * (raw[j] - mean[j]) * scale[j];
  return s;
}

std::vector<Contribution> EmbedHead::explain(const float* u, const float* v, size_t top_k) const {
  const size_t f = feature_count(dim);
  std::vector<float> raw(f);
  pair_features(u, v, dim, raw.data());
  std::vector<Contribution> out;
  for (size_t g = 0; g < std::size(kGroupNames); ++g) {
    double s = 0;
    for (size_t j = g * dim; j < std::min(f, (g + 1) * dim); ++j) {
      s += static_cast<double>(weight[j]) * (raw[j] - mean[j]) * scale[j];
    }
    out.push_back({kGroupNames[g], s});
  }
  std::stable_sort(out.begin(), out.end(), [](const Contribution& a, const Contribution& b) {
    return std::fabs(a.value) > std::fabs(b.value);
  });
  if (out.size() > top_k) out.resize(top_k);
  return out;
}

std::string EmbedHead::to_json() const {
  return json{{"dim", dim}, {"c", c}, {"mean", mean}, {"scale", scale}, {"weight", weight}}.dump();
}

Result<EmbedHead> EmbedHead::from_json(const std::string& text, const std::string& origin,
                                       size_t dim) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument(origin + ": head is not JSON");
  EmbedHead h;
  h.dim = dim;
  const size_t f = feature_count(dim);
  auto floats = [&](const char* key, size_t size, std::vector<float>& out) -> Status {
    if (!j.contains(key) || !j[key].is_array() || j[key].size() != size) {
      return InvalidArgument(origin + ": head \"" + key + "\" must be " + std::to_string(size) +
                             " numbers");
    }
    for (const json& x : j[key]) {
      if (!x.is_number() || !std::isfinite(x.get<double>())) {
        return InvalidArgument(origin + ": head \"" + key + "\" holds a non-finite value");
      }
      out.push_back(x.get<float>());
    }
    return Status::Ok();
  };
  if (!j.contains("dim") || !j["dim"].is_number_unsigned() || j["dim"].get<size_t>() != dim) {
    return InvalidArgument(origin + ": head \"dim\" does not match the encoder's " +
                           std::to_string(dim));
  }
  HITLOOP_RETURN_IF_ERROR(floats("mean", f, h.mean));
  HITLOOP_RETURN_IF_ERROR(floats("scale", f, h.scale));
  HITLOOP_RETURN_IF_ERROR(floats("weight", f + 1, h.weight));
  h.c = j.value("c", 0.0);
  return h;
}

EmbedHead train_head(const HeadData& data, uint64_t seed, int threads, std::string& summary) {
  EmbedHead head;
  head.dim = data.dim;
  fit_standardisation(data, head);
  const std::vector<ngram::Row> rows = standardised_rows(data, head, balanced_weights(data));
  head.c = choose_c(rows, data, seed, std::max(1, threads), summary);
  std::vector<size_t> all(rows.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  head.weight = fit(rows, all, head.c, seed);
  return head;
}

}  // namespace hitloop::ml::encoder
