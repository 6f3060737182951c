#include "ml/ngram/ngram_evaluator.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <thread>

#include "core/metrics.h"
#include "ml/ngram/combiner.h"
#include "ml/ngram/gbm.h"
#include "ml/ngram/linear.h"
#include "ml/ngram/ngram_model.h"
#include "ml/ngram/ngram_stack.h"
#include "ml/split.h"

namespace hitloop::ml::ngram {
namespace {

// Runs fn(0..n-1) on up to `threads` threads.
template <typename Fn>
void parallel_for(size_t n, int threads, Fn fn) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next++) < n;) fn(i);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::min<int>(threads, static_cast<int>(n)); ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

// Everything the candidates learn from, computed once.
struct Prepared {
  Featurizer fz{[] {
    FeaturizerConfig c;
    c.sublinear_tf = true;  // format v3
    return c;
  }()};
  std::vector<float> idf;
  DenseEncoder dense;
  WordIdf word_idf;
  std::vector<Row> full, output;  // the two linear candidates' rows
  std::vector<float> pair;        // row-major pair features
  std::vector<int> labels;
  std::vector<double> weights;  // class-balanced example weights
};

// Smooth inverse document frequency, as in TF-IDF: ln((1 + N) / (1 + df)) + 1,
// and 0 for what training never saw: as with a TF-IDF vocabulary, an unseen
// n-gram is ignored instead of taking norm from the known ones (the largest
// share, as it would have the highest IDF).
std::vector<float> fit_idf(size_t size, const std::vector<std::vector<SparseFeature>>& sparse) {
  std::vector<uint32_t> df(size, 0);
  std::vector<uint32_t> seen;
  for (const auto& row : sparse) {
    seen.clear();
    for (const SparseFeature& s : row) seen.push_back(s.index);
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    for (uint32_t i : seen) df[i]++;
  }
  std::vector<float> idf(df.size());
  double n = static_cast<double>(sparse.size());
  for (size_t i = 0; i < df.size(); ++i)
    idf[i] = df[i] == 0 ? 0.f : static_cast<float>(std::log((1 + n) / (1 + df[i])) + 1);
  return idf;
}

Prepared prepare(const std::vector<Example>& examples, int threads) {
  Prepared p;
  const size_t n = examples.size();
  std::vector<std::vector<SparseFeature>> sparse(n);
  std::vector<std::vector<uint8_t>> ns(n);
  std::vector<std::array<float, kDenseCount>> dense_rows(n);
  std::vector<std::vector<uint64_t>> docs(2 * n);
  const size_t chunks = std::max<size_t>(1, std::min<size_t>(threads, n / 256 + 1));
  parallel_for(chunks, threads, [&](size_t c) {
    Features f;
    for (size_t i = c * n / chunks; i < (c + 1) * n / chunks; ++i) {
      p.fz.featurize(examples[i].input, examples[i].output, f);
      sparse[i] = f.sparse;
      ns[i] = f.ns;
      dense_rows[i] = f.dense;
      docs[2 * i] = f.in_set;
      docs[2 * i + 1] = f.out_set;
    }
  });
  p.idf = fit_idf(p.fz.hash_size(), sparse);
  p.dense.fit(dense_rows);
  p.word_idf.fit(docs);

  double pos = 0;
  for (const Example& e : examples) pos += e.label;
  double w_pos = pos > 0 ? n / (2 * pos) : 1, w_neg = pos < n ? n / (2 * (n - pos)) : 1;
  p.full.resize(n);
  p.output.resize(n);
  p.pair.resize(n * kPairCount);
  const uint32_t bias = NgramModel::dim_for(p.fz) - 1;
  parallel_for(chunks, threads, [&](size_t c) {
    Features f;
    for (size_t i = c * n / chunks; i < (c + 1) * n / chunks; ++i) {
      weight_features(sparse[i], ns[i], p.idf.data(), p.fz.config().sublinear_tf);
      f.sparse = sparse[i];
      f.dense = dense_rows[i];
      encode_row(p.fz, p.dense, f, p.full[i].features);
      for (size_t k = 0; k < sparse[i].size(); ++k) {
        if (output_namespace(ns[i][k])) p.output[i].features.push_back(sparse[i][k]);
      }
      p.output[i].features.push_back({bias, 1.f});
      p.fz.featurize(examples[i].input, examples[i].output, f);  // word lists for pair features
      PairRow row;
      pair_features(f, p.word_idf, row);
      std::copy(row.begin(), row.end(), p.pair.begin() + static_cast<long>(i * kPairCount));
    }
  });
  for (size_t i = 0; i < n; ++i) {
    double w = (examples[i].label ? w_pos : w_neg) * examples[i].weight;
    p.labels.push_back(examples[i].label);
    p.weights.push_back(w);
    for (Row* r : {&p.full[i], &p.output[i]}) {
      r->label = examples[i].label;
      r->weight = w;
    }
  }
  return p;
}

constexpr int kFolds = 3;
// The linear candidates' regularisation (DualOptions::c), chosen by the inner
// folds: strong regularisation suits labels that words barely predict
// (halueval_general and feedbackqa_dev pick 0.1-0.3), weak suits clear-cut ones.
constexpr double kCGrid[] = {0.03, 0.1, 0.3, 1.0, 3.0};
constexpr int kTreeStep = 10;  // the number of trees is chosen in steps of this
// The trees stop once their fold's AUROC has not improved for this many tree
// steps; later steps repeat its last margins, so a setting is still judged on
// every fold.
constexpr int kPatience = 4;

// Early stopping on one fold's held-out rows.
class Patience {
 public:
  Patience(const Fold& fold, const std::vector<int>& labels) : fold_(fold) {
    for (size_t i : fold.test) labels_.push_back(labels[i]);
  }
  // Records step `s`'s margins; false when it is time to stop.
  bool keep_going(int s, const std::vector<double>& held) {
    double a = auroc(labels_, held).value_or(0.5);
    if (a > best_ + 1e-9) best_ = a, best_step_ = s;
    return s - best_step_ < kPatience;
  }
  // Copies the last recorded step forward to the end of `oof`.
  void fill_forward(int last, std::vector<std::vector<double>>& oof) const {
    for (size_t s = static_cast<size_t>(last) + 1; s < oof.size(); ++s)
      for (size_t i : fold_.test) oof[s][i] = oof[last][i];
  }

 private:
  const Fold& fold_;
  std::vector<int> labels_;
  double best_ = -1;
  int best_step_ = 0;
};

GbmOptions gbm_options(uint64_t seed) {
  GbmOptions o;
  o.seed = seed;
  return o;
}

// One candidate's setting, chosen by mean AUROC over the inner folds, and
// its out-of-fold margins under it (the stacker's input).
struct Candidate {
  double c = 0;   // the linear candidates' regularisation
  int trees = 0;  // the pair candidate's number of trees
  double auroc = -1;
  std::vector<double> oof;
};

// Per setting, per step: out-of-fold margins of every row.
using Trace = std::vector<std::vector<double>>;  // [step][row]

// The setting and step with the best mean fold AUROC.
Candidate best_of(const std::vector<Trace>& traces, const std::vector<double>& cs, int step_scale,
                  const std::vector<Fold>& folds, const std::vector<int>& labels) {
  Candidate best;
  for (size_t s = 0; s < traces.size(); ++s) {
    for (size_t e = 0; e < traces[s].size(); ++e) {
      double a = mean_fold_auroc(traces[s][e], labels, folds);
      if (a > best.auroc + 1e-9) {
        best = {cs[s], static_cast<int>(e + 1) * step_scale, a, traces[s][e]};
      }
    }
  }
  return best;
}

std::vector<const Row*> pick(const std::vector<Row>& rows, const std::vector<size_t>& idx) {
  std::vector<const Row*> out;
  for (size_t i : idx) out.push_back(&rows[i]);
  return out;
}

DualOptions dual_options(double c, uint64_t seed) {
  DualOptions o;
  o.c = c;
  o.seed = seed;
  return o;
}

// Inner grouped k-fold: every linear candidate at every regularisation
// strength, and the trees scored every kTreeStep trees.
struct Selection {
  Candidate full, output, pair;
};

Selection select_candidates(const Prepared& p, const std::vector<Fold>& folds, size_t dim,
                            uint64_t seed, int threads) {
  const size_t n = p.labels.size();
  const std::vector<double> cs(std::begin(kCGrid), std::end(kCGrid));
  std::vector<Trace> full(cs.size(), Trace(1, std::vector<double>(n, 0.0))), output = full;
  const GbmOptions go = gbm_options(seed);
  std::vector<Trace> pair(1, Trace(go.max_trees / kTreeStep, std::vector<double>(n, 0.0)));
  // Jobs: (fold, linear candidate, c) and (fold, trees); each writes only its
  // fold's held-out rows, so they run in any order with the same result.
  const size_t linear_jobs = folds.size() * 2 * cs.size();
  parallel_for(linear_jobs + folds.size(), threads, [&](size_t job) {
    if (job >= linear_jobs) {
      const Fold& fold = folds[job - linear_jobs];
      std::vector<float> x;
      std::vector<int> y;
      std::vector<double> w;
      for (size_t i : fold.train) {
        x.insert(x.end(), p.pair.begin() + static_cast<long>(i * kPairCount),
                 p.pair.begin() + static_cast<long>((i + 1) * kPairCount));
        y.push_back(p.labels[i]);
        w.push_back(p.weights[i]);
      }
      std::vector<double> held(fold.test.size(), 0.0);
      Patience patience(fold, p.labels);
      int last = -1;
      train_gbm(x, kPairCount, y, w, go, [&](const Gbm& model) {
        const Tree& t = model.tree(model.size() - 1);
        for (size_t k = 0; k < fold.test.size(); ++k)
          held[k] += Gbm::tree_predict(t, go.depth, &p.pair[fold.test[k] * kPairCount]);
        if (model.size() % kTreeStep != 0) return true;
        last = static_cast<int>(model.size() / kTreeStep) - 1;
        auto& out = pair[0][last];
        for (size_t k = 0; k < fold.test.size(); ++k) out[fold.test[k]] = held[k];
        return patience.keep_going(last, held);
      });
      patience.fill_forward(last, pair[0]);
      return;
    }
    const Fold& fold = folds[job / (2 * cs.size())];
    const bool is_full = (job / cs.size()) % 2 == 0;
    const size_t g = job % cs.size();
    const std::vector<Row>& rows = is_full ? p.full : p.output;
    std::vector<float> w =
        train_logistic_dual(pick(rows, fold.train), dim, dual_options(cs[g], seed));
    auto& out = (is_full ? full : output)[g][0];
    for (size_t i : fold.test) out[i] = dot(w, rows[i].features);
  });
  Selection s;
  s.full = best_of(full, cs, 1, folds, p.labels);
  s.output = best_of(output, cs, 1, folds, p.labels);
  s.pair = best_of(pair, {0.0}, kTreeStep, folds, p.labels);
  return s;
}

std::string describe(const Selection& s, const Combiner& c, double stack_auroc, bool grouped) {
  char line[400];
  std::snprintf(line, sizeof line,
                "ngram: inner %d-fold%s: full C=%g AUROC %.3f; output-only C=%g AUROC %.3f; "
                "pair trees=%d AUROC %.3f; combined %.3f (weights full %.2f, output %.2f, "
                "pair %.2f)",
                kFolds, grouped ? " by model_input" : "", s.full.c, s.full.auroc, s.output.c,
                s.output.auroc, s.pair.trees, s.pair.auroc, stack_auroc, c.full, c.output, c.pair);
  return line;
}

}  // namespace

Result<std::unique_ptr<Model>> NgramEvaluator::train(const std::vector<Example>& examples,
                                                     const TrainOptions& options) const {
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  Prepared p = prepare(examples, threads);
  const size_t dim = NgramModel::dim_for(p.fz);
  std::vector<uint64_t> groups;
  for (const Example& e : examples) groups.push_back(group_key(e.input));
  bool grouped = true;
  std::vector<Fold> folds =
      validation_kfold(p.labels, groups, kFolds, options.seed ^ 0x5EEDULL, grouped);

  Selection s = select_candidates(p, folds, dim, options.seed, threads);
  Stacked stacked = fit_combiner({s.full.oof, s.output.oof, s.pair.oof}, p.labels, folds);
  Combiner c{stacked.bias, stacked.weights[0], stacked.weights[1], stacked.weights[2]};
  options.progress(describe(s, c, stacked.auroc, grouped));

  // Refit the candidates that carry weight on everything.
  std::vector<float> full_w(dim, 0.f), output_dense;
  std::optional<Gbm> gbm;
  std::vector<size_t> all(examples.size());
  std::iota(all.begin(), all.end(), 0);
  parallel_for(3, threads, [&](size_t job) {
    if (job == 0 && c.full != 0) {
      full_w = train_logistic_dual(pick(p.full, all), dim, dual_options(s.full.c, options.seed));
    } else if (job == 1 && c.output != 0) {
      output_dense =
          train_logistic_dual(pick(p.output, all), dim, dual_options(s.output.c, options.seed));
    } else if (job == 2 && c.pair != 0) {
      GbmOptions go = gbm_options(options.seed);
      go.max_trees = s.pair.trees;
      gbm = train_gbm(p.pair, kPairCount, p.labels, p.weights, go);
    }
  });
  SparseWeights output;
  for (size_t i = 0; i < output_dense.size(); ++i) {
    if (output_dense[i] != 0)
      output.index.push_back(static_cast<uint32_t>(i)), output.value.push_back(output_dense[i]);
  }
  NgramModel full(p.fz, std::move(p.idf), p.dense, std::move(full_w));
  return std::unique_ptr<Model>(std::make_unique<NgramStack>(
      std::move(full), std::move(output), std::move(gbm), std::move(p.word_idf), c));
}

Result<std::unique_ptr<Model>> NgramEvaluator::load(const std::string& dir) const {
  HITLOOP_ASSIGN_OR_RETURN(int version, ngram_artifact_version(dir));
  if (version == 1) {
    auto model = NgramModel::load(dir);
    if (!model.ok()) return model.status();
    return std::unique_ptr<Model>(std::move(model).value());
  }
  auto model = NgramStack::load(dir);
  if (!model.ok()) return model.status();
  return std::unique_ptr<Model>(std::move(model).value());
}

}  // namespace hitloop::ml::ngram
