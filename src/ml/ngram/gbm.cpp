#include "ml/ngram/gbm.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ml/ngram/binio.h"
#include "ml/rng.h"

namespace hitloop::ml::ngram {
namespace {

constexpr float kNoSplit = std::numeric_limits<float>::infinity();

struct Bins {
  std::vector<std::vector<float>> edges;  // per feature, sorted, unique
  std::vector<uint8_t> codes;             // row-major bin index
};

// Quantile edges per feature; bin(x) = number of edges below x, so
// x <= edges[b] exactly when bin(x) <= b.
Bins make_bins(std::span<const float> x, size_t n, int n_features, int max_bins) {
  Bins b;
  b.edges.resize(n_features);
  b.codes.resize(n * n_features);
  std::vector<float> col(n);
  for (int f = 0; f < n_features; ++f) {
    for (size_t i = 0; i < n; ++i) col[i] = x[i * n_features + f];
    std::sort(col.begin(), col.end());
    auto& e = b.edges[f];
    for (int q = 1; q < max_bins; ++q) {
      float v = col[std::min(n - 1, n * q / max_bins)];
      if ((e.empty() || v > e.back()) && v < col.back()) e.push_back(v);
    }
    for (size_t i = 0; i < n; ++i) {
      float v = x[i * n_features + f];
      b.codes[i * n_features + f] =
          static_cast<uint8_t>(std::lower_bound(e.begin(), e.end(), v) - e.begin());
    }
  }
  return b;
}

struct Sum {
  double g = 0, h = 0;
};

double newton(const Sum& s, double l2) { return -s.g / (s.h + l2); }
double score(const Sum& s, double l2) { return s.g * s.g / (s.h + l2); }

}  // namespace

double Gbm::tree_predict(const Tree& t, int depth, const float* x) {
  size_t node = 0;
  for (int d = 0; d < depth; ++d)
    node = 2 * node + (x[t.feature[node]] <= t.threshold[node] ? 1 : 2);
  return t.value[node];
}

double Gbm::predict(const float* x) const {
  double m = base_;
  for (const Tree& t : trees_) m += tree_predict(t, depth_, x);
  return m;
}

void Gbm::explain(const float* x, std::span<double> per_feature, double& bias) const {
  bias += base_;
  for (const Tree& t : trees_) {
    size_t node = 0;
    bias += t.value[0];
    for (int d = 0; d < depth_; ++d) {
      size_t child = 2 * node + (x[t.feature[node]] <= t.threshold[node] ? 1 : 2);
      if (t.threshold[node] != kNoSplit)
        per_feature[t.feature[node]] += t.value[child] - t.value[node];
      node = child;
    }
  }
}

Gbm train_gbm(std::span<const float> x, int n_features, const std::vector<int>& labels,
              const std::vector<double>& weights, const GbmOptions& o,
              const std::function<bool(const Gbm&)>& after_tree) {
  const size_t n = labels.size();
  double wp = 0, wn = 0;
  for (size_t i = 0; i < n; ++i) (labels[i] ? wp : wn) += weights[i];
  double base = wp > 0 && wn > 0 ? std::log(wp / wn) : 0;
  Gbm model(n_features, o.depth, base);
  if (n == 0) return model;
  Bins bins = make_bins(x, n, n_features, o.max_bins);
  const int n_bins = o.max_bins;
  const size_t internal = (size_t{1} << o.depth) - 1, nodes = 2 * internal + 1;
  std::vector<double> margin(n, base), g(n), h(n);
  std::vector<uint32_t> node_of(n);
  std::vector<char> in_sample(n);
  std::vector<Sum> hist;
  std::vector<Sum> node_sum(nodes);
  Rng rng(o.seed);
  for (int t = 0; t < o.max_trees; ++t) {
    for (size_t i = 0; i < n; ++i) {
      double p = 1 / (1 + std::exp(-margin[i]));
      g[i] = weights[i] * (p - labels[i]);
      h[i] = weights[i] * std::max(p * (1 - p), 1e-6);
      in_sample[i] = rng.uniform() < o.subsample;
      node_of[i] = 0;
    }
    Tree tree;
    tree.feature.assign(internal, 0);
    tree.threshold.assign(internal, kNoSplit);
    tree.value.assign(nodes, 0.f);
    std::fill(node_sum.begin(), node_sum.end(), Sum{});
    std::vector<int> split_bin(internal, n_bins);
    for (size_t i = 0; i < n; ++i) {
      if (in_sample[i]) node_sum[0].g += g[i], node_sum[0].h += h[i];
    }
    for (int d = 0; d < o.depth; ++d) {
      const size_t first = (size_t{1} << d) - 1, count = size_t{1} << d;
      hist.assign(count * n_features * n_bins, Sum{});
      for (size_t i = 0; i < n; ++i) {
        if (!in_sample[i]) continue;
        Sum* row = &hist[(node_of[i] - first) * n_features * n_bins];
        const uint8_t* c = &bins.codes[i * n_features];
        for (int f = 0; f < n_features; ++f) {
          Sum& s = row[f * n_bins + c[f]];
          s.g += g[i];
          s.h += h[i];
        }
      }
      for (size_t k = 0; k < count; ++k) {
        const size_t node = first + k;
        const Sum total = node_sum[node];
        double best = 1e-9;
        int best_f = -1, best_b = 0;
        Sum best_left;
        for (int f = 0; f < n_features; ++f) {
          const Sum* hf = &hist[(k * n_features + f) * n_bins];
          Sum left;
          for (size_t b = 0; b < bins.edges[f].size(); ++b) {
            left.g += hf[b].g;
            left.h += hf[b].h;
            Sum right{total.g - left.g, total.h - left.h};
            if (left.h < o.min_hessian || right.h < o.min_hessian) continue;
            double gain = score(left, o.l2) + score(right, o.l2) - score(total, o.l2);
            if (gain > best)
              best = gain, best_f = f, best_b = static_cast<int>(b), best_left = left;
          }
        }
        if (best_f < 0) {  // no useful split: everything goes left
          node_sum[2 * node + 1] = total;
          split_bin[node] = n_bins;
          continue;
        }
        split_bin[node] = best_b;
        tree.feature[node] = static_cast<uint16_t>(best_f);
        tree.threshold[node] = bins.edges[best_f][best_b];
        node_sum[2 * node + 1] = best_left;
        node_sum[2 * node + 2] = {total.g - best_left.g, total.h - best_left.h};
      }
      for (size_t i = 0; i < n; ++i) {
        size_t node = node_of[i];
        bool left = bins.codes[i * n_features + tree.feature[node]] <= split_bin[node];
        node_of[i] = static_cast<uint32_t>(2 * node + (left ? 1 : 2));
      }
    }
    for (size_t node = 0; node < nodes; ++node) {
      // An empty child (no sampled rows) keeps its parent's value.
      const Sum& s = node_sum[node];
      tree.value[node] = node > 0 && s.h <= 0
                             ? tree.value[(node - 1) / 2]
                             : static_cast<float>(o.learning_rate * newton(s, o.l2));
    }
    for (size_t i = 0; i < n; ++i) margin[i] += tree.value[node_of[i]];
    model.add(std::move(tree));
    if (after_tree && !after_tree(model)) break;
  }
  return model;
}

void Gbm::serialize(std::string& out) const {
  bin::put<int32_t>(out, n_features_);
  bin::put<int32_t>(out, depth_);
  bin::put<double>(out, base_);
  bin::put<uint64_t>(out, trees_.size());
  for (const Tree& t : trees_) {
    bin::put_vector(out, t.feature);
    bin::put_vector(out, t.threshold);
    bin::put_vector(out, t.value);
  }
}

Result<Gbm> Gbm::parse(std::string_view& in) {
  int32_t n_features = 0, depth = 0;
  double base = 0;
  uint64_t n_trees = 0;
  auto bad = [] { return InvalidArgument("pair-feature trees are malformed"); };
  if (!bin::get(in, n_features) || !bin::get(in, depth) || !bin::get(in, base) ||
      !bin::get(in, n_trees) || n_features <= 0 || n_features > 1024 || depth < 1 || depth > 8 ||
      n_trees > 100000 || !std::isfinite(base)) {
    return bad();
  }
  Gbm model(n_features, depth, base);
  const size_t internal = (size_t{1} << depth) - 1;
  for (uint64_t k = 0; k < n_trees; ++k) {
    Tree t;
    if (!bin::get_vector(in, t.feature, internal) || !bin::get_vector(in, t.threshold, internal) ||
        !bin::get_vector(in, t.value, 2 * internal + 1) || t.feature.size() != internal ||
        t.threshold.size() != internal || t.value.size() != 2 * internal + 1) {
      return bad();
    }
    for (uint16_t f : t.feature) {
      if (f >= n_features) return bad();
    }
    for (float v : t.value) {
      if (!std::isfinite(v)) return bad();
    }
    for (float v : t.threshold) {
      if (std::isnan(v)) return bad();
    }
    model.add(std::move(t));
  }
  return model;
}

}  // namespace hitloop::ml::ngram
