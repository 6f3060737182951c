#include "ml/ngram/ngram_evaluator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <thread>

#include "ml/metrics.h"
#include "ml/ngram/linear.h"
#include "ml/ngram/ngram_model.h"
#include "ml/split.h"

namespace hitloop::ml::ngram {
namespace {

struct Featurized {
  std::vector<SparseFeature> sparse;
  std::vector<uint8_t> ns;
  std::array<float, kDenseCount> dense;
};

std::vector<Featurized> featurize_all(const Featurizer& fz, const std::vector<Example>& examples,
                                      int threads) {
  std::vector<Featurized> out(examples.size());
  auto work = [&](size_t begin, size_t end) {
    Features scratch;
    for (size_t i = begin; i < end; ++i) {
      fz.featurize(examples[i].input, examples[i].output, scratch);
      out[i].sparse = scratch.sparse;
      out[i].ns = scratch.ns;
      out[i].dense = scratch.dense;
    }
  };
  size_t n_threads = std::max(1, threads);
  n_threads = std::min(n_threads, std::max<size_t>(1, examples.size() / 256));
  std::vector<std::thread> pool;
  size_t chunk = (examples.size() + n_threads - 1) / n_threads;
  for (size_t t = 1; t < n_threads; ++t) {
    pool.emplace_back(work, std::min(examples.size(), t * chunk),
                      std::min(examples.size(), (t + 1) * chunk));
  }
  work(0, std::min(examples.size(), chunk));
  for (auto& th : pool) th.join();
  return out;
}

// Smooth inverse document frequency, as in TF-IDF: ln((1 + N) / (1 + df)) + 1.
std::vector<float> fit_idf(const Featurizer& fz, const std::vector<Featurized>& feats) {
  std::vector<uint32_t> df(fz.hash_size(), 0);
  std::vector<uint32_t> seen;
  for (const Featurized& f : feats) {
    seen.clear();
    for (const SparseFeature& s : f.sparse) seen.push_back(s.index);
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    for (uint32_t i : seen) df[i]++;
  }
  std::vector<float> idf(df.size());
  double n = static_cast<double>(feats.size());
  for (size_t i = 0; i < df.size(); ++i)
    idf[i] = static_cast<float>(std::log((1 + n) / (1 + df[i])) + 1);
  return idf;
}

// Balanced class weights (n / (2 n_class)) times each example's own weight.
std::vector<Row> make_rows(const Featurizer& fz, const DenseEncoder& dense,
                           const std::vector<Featurized>& feats,
                           const std::vector<Example>& examples) {
  double n = static_cast<double>(examples.size()), pos = 0;
  for (const Example& e : examples) pos += e.label;
  double w_pos = pos > 0 ? n / (2 * pos) : 1, w_neg = pos < n ? n / (2 * (n - pos)) : 1;
  std::vector<Row> rows(examples.size());
  Features f;
  for (size_t i = 0; i < examples.size(); ++i) {
    f.sparse = feats[i].sparse;
    f.dense = feats[i].dense;
    encode_row(fz, dense, f, rows[i].features);
    rows[i].label = examples[i].label;
    rows[i].weight = (examples[i].label ? w_pos : w_neg) * examples[i].weight;
  }
  return rows;
}

constexpr int kMaxEpochs = 20;

struct Choice {
  double l2;
  int epochs;
  double auroc;
};

// Inner validation: each L2 strength on an 80/20 split of the training data
// that keeps each model_input on one side (`groups`), every epoch scored;
// the best (l2, epochs) by AUROC wins.
Choice select_hyperparameters(const std::vector<Row>& rows, const std::vector<uint64_t>& groups,
                              size_t dim, uint64_t seed, int threads) {
  std::vector<int> labels;
  for (const Row& r : rows) labels.push_back(r.label);
  Fold split = grouped_stratified_split(labels, groups, 0.2, seed ^ 0x5EEDULL);
  std::vector<const Row*> train;
  for (size_t i : split.train) train.push_back(&rows[i]);
  std::vector<int> val_labels;
  for (size_t i : split.test) val_labels.push_back(rows[i].label);

  // One run per L2 strength, in parallel when there are threads to spare;
  // each keeps its best epoch, then the best run wins (ties: the first).
  const std::vector<double> grid = {1e-5, 1e-4};
  std::vector<Choice> results(grid.size(), Choice{0, 0, -1});
  auto run = [&](size_t g) {
    SgdOptions opt;
    opt.l2 = grid[g];
    opt.epochs = kMaxEpochs;
    opt.seed = seed;
    train_logistic(train, dim, opt, [&](int epoch, const std::vector<float>& w) {
      std::vector<double> scores;
      for (size_t i : split.test) scores.push_back(dot(w, rows[i].features));
      double a = auroc(val_labels, scores).value_or(0.5);
      if (a > results[g].auroc + 1e-9) results[g] = {grid[g], epoch, a};
    });
  };
  if (threads > 1) {
    std::vector<std::thread> pool;
    for (size_t g = 1; g < grid.size(); ++g) pool.emplace_back(run, g);
    run(0);
    for (auto& t : pool) t.join();
  } else {
    for (size_t g = 0; g < grid.size(); ++g) run(g);
  }
  Choice best = results[0];
  for (const Choice& c : results) {
    if (c.auroc > best.auroc + 1e-9) best = c;
  }
  return best;
}

}  // namespace

Result<std::unique_ptr<Model>> NgramEvaluator::train(const std::vector<Example>& examples,
                                                     const TrainOptions& options) const {
  Featurizer fz;
  int threads = options.threads > 0
                    ? options.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<Featurized> feats = featurize_all(fz, examples, threads);
  std::vector<float> idf = fit_idf(fz, feats);
  for (Featurized& f : feats) weight_features(f.sparse, f.ns, idf.data());
  DenseEncoder dense;
  std::vector<std::array<float, kDenseCount>> dense_rows;
  for (const Featurized& f : feats) dense_rows.push_back(f.dense);
  dense.fit(dense_rows);
  std::vector<Row> rows = make_rows(fz, dense, feats, examples);
  const size_t dim = NgramModel::dim_for(fz);

  std::vector<uint64_t> groups;
  for (const Example& e : examples) groups.push_back(group_key(e.input));
  Choice choice = select_hyperparameters(rows, groups, dim, options.seed, threads);
  char line[128];
  std::snprintf(line, sizeof line, "ngram: chose l2=%g epochs=%d (inner validation AUROC %.3f)",
                choice.l2, choice.epochs, choice.auroc);
  options.progress(line);

  std::vector<const Row*> all;
  for (const Row& r : rows) all.push_back(&r);
  SgdOptions opt;
  opt.l2 = choice.l2;
  opt.epochs = choice.epochs;
  opt.seed = options.seed;
  std::vector<float> weights = train_logistic(all, dim, opt);
  return std::unique_ptr<Model>(
      std::make_unique<NgramModel>(fz, std::move(idf), dense, std::move(weights)));
}

Result<std::unique_ptr<Model>> NgramEvaluator::load(const std::string& dir) const {
  auto model = NgramModel::load(dir);
  if (!model.ok()) return model.status();
  return std::unique_ptr<Model>(std::move(model).value());
}

}  // namespace hitloop::ml::ngram
