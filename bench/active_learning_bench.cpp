// Active learning, measured: does the review queue's order get a better
// evaluator from fewer labels than labelling at random?
//
// For each data set and seed: a test set of 20% grouped by model_input, the
// rest is the pool, in a seeded arrival order. Both arms start from the same
// first 50 arrivals. Each round trains the n-gram evaluator on the labels so
// far, records its test AUROC and adds 50 labels: the queue arm scores the
// unlabeled pool as the product would (calibrated P(good), a decision
// threshold, the audit sample of loop::in_audit_sample) and takes the first
// 50 of loop::order_queue; the random arm takes the next 50 arrivals. The
// curves are averaged over seeds, then compared: how many labels does the
// queue need to reach the AUROC the random arm ends with?
//
// Usage: active_learning_bench [--seeds N] [--cap LABELS] FILE.csv...
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/dataset.h"
#include "core/metrics.h"
#include "loop/queue.h"
#include "loop/sampling.h"
#include "ml/calibration.h"
#include "ml/ngram/ngram_evaluator.h"
#include "ml/pipeline.h"
#include "ml/rng.h"
#include "ml/split.h"

using namespace hitloop;

namespace {

constexpr int kBatch = 50;
constexpr double kTestFraction = 0.2;
// Folds of the out-of-fold margins the queue arm calibrates on. The product
// uses up to 5 (ml/pipeline.cpp); 2 keeps a round at three trainings. With
// the pipeline's own 5-fold calibration the closest-first queue lost to
// random labels just the same (measured while building this bench).
constexpr int kCalibrationFolds = 2;

struct Options {
  int seeds = 3;
  int cap = 1500;
  std::vector<std::string> files;
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "active_learning_bench: %s\n", message.c_str());
  std::exit(1);
}

std::vector<ml::Example> load(const std::string& path) {
  auto parsed = read_dataset_file(path, ReadOptions{});
  if (!parsed.ok()) die(parsed.status().message());
  if (!parsed->errors.empty()) die(parsed->errors.front());
  std::vector<ml::Example> out;
  for (auto& r : parsed->rows) {
    if (!r.label) die(path + ": a row without a label");
    out.push_back({r.model_input, r.model_output, r.category, *r.label == Label::kGood ? 1 : 0, 1});
  }
  return out;
}

std::unique_ptr<ml::Model> train(const std::vector<ml::Example>& all,
                                 const std::vector<size_t>& rows) {
  static const ml::ngram::NgramEvaluator evaluator;
  std::vector<ml::Example> examples;
  examples.reserve(rows.size());
  for (size_t i : rows) examples.push_back(all[i]);
  auto model = evaluator.train(examples, ml::TrainOptions{});
  if (!model.ok()) die(model.status().message());
  return std::move(model).value();
}

std::vector<double> margins(const ml::Model& model, const std::vector<ml::Example>& all,
                            const std::vector<size_t>& rows) {
  std::vector<ml::TextPair> pairs;
  pairs.reserve(rows.size());
  for (size_t i : rows) pairs.push_back({all[i].input, all[i].output});
  std::vector<double> out(rows.size());
  model.margins(pairs, out);
  return out;
}

std::vector<int> labels_of(const std::vector<ml::Example>& all, const std::vector<size_t>& rows) {
  std::vector<int> out;
  out.reserve(rows.size());
  for (size_t i : rows) out.push_back(all[i].label);
  return out;
}

// A session's score as the product gives it to the queue: P(good) by Platt
// calibration and the macro-F1 threshold, both fitted on out-of-fold
// margins grouped by model_input, as the training pipeline does. In-sample
// margins would make every pool score look certain.
struct Calibrated {
  ml::Platt platt;
  double threshold = 0.5;
};

Calibrated calibrate(const std::vector<ml::Example>& all, const std::vector<size_t>& labeled,
                     uint64_t seed) {
  std::vector<int> labels = labels_of(all, labeled);
  std::vector<uint64_t> groups;
  for (size_t i : labeled) groups.push_back(ml::group_key(all[i].input));
  std::vector<double> oof(labeled.size());
  for (const ml::Fold& f : ml::grouped_stratified_kfold(labels, groups, kCalibrationFolds, seed)) {
    std::vector<size_t> train_rows, held_rows;
    for (size_t k : f.train) train_rows.push_back(labeled[k]);
    for (size_t k : f.test) held_rows.push_back(labeled[k]);
    std::vector<double> m = margins(*train(all, train_rows), all, held_rows);
    for (size_t j = 0; j < f.test.size(); ++j) oof[f.test[j]] = m[j];
  }
  Calibrated c;
  c.platt = ml::fit_platt(oof, labels);
  std::vector<double> scores;
  for (double m : oof) scores.push_back(c.platt.apply(m));
  c.threshold = ml::choose_threshold(labels, scores);
  return c;
}

// One seed's split: the test rows and the pool in arrival order (a seeded
// shuffle; "oldest first" in the queue means earliest in this order).
struct Split {
  std::vector<size_t> test;
  std::vector<size_t> pool;
};

Split make_split(const std::vector<ml::Example>& all, uint64_t seed) {
  std::vector<int> labels;
  std::vector<uint64_t> groups;
  for (const ml::Example& e : all) {
    labels.push_back(e.label);
    groups.push_back(ml::group_key(e.input));
  }
  ml::Fold f = ml::grouped_stratified_split(labels, groups, kTestFraction, seed);
  Split s{f.test, f.train};
  ml::Rng(seed * 7919 + 1).shuffle(s.pool);
  return s;
}

// The next `n` pool rows as the review queue serves them, and why.
struct Picked {
  std::vector<size_t> rows;
  int uncertain = 0, audit = 0;
};

Picked queue_pick(const std::vector<ml::Example>& all, const std::vector<size_t>& unlabeled,
                  const std::vector<int64_t>& arrival, const ml::Model& model,
                  const Calibrated& cal, size_t n) {
  std::vector<double> m = margins(model, all, unlabeled);
  std::vector<loop::Candidate> candidates;
  candidates.reserve(unlabeled.size());
  for (size_t j = 0; j < unlabeled.size(); ++j) {
    size_t row = unlabeled[j];
    loop::Candidate c;
    c.session_id = static_cast<int64_t>(row);
    c.created_at_ms = arrival[row];
    c.score = cal.platt.apply(m[j]);
    c.threshold = cal.threshold;
    // The key the server samples a session without an id by.
    c.audit_sampled =
        loop::in_audit_sample(all[row].input + '\x1f' + all[row].output, loop::kDefaultAuditRate);
    candidates.push_back(c);
  }
  Picked out;
  for (const auto& [id, reason] :
       loop::order_queue(std::move(candidates), loop::kDefaultUncertaintyBand)) {
    if (out.rows.size() == n) break;
    out.rows.push_back(static_cast<size_t>(id));
    out.uncertain += reason == loop::QueueReason::kUncertain;
    out.audit += reason == loop::QueueReason::kAudit;
  }
  return out;
}

struct Curve {
  std::vector<int> labels;
  std::vector<double> auroc;
  std::vector<int> uncertain, audit;  // per round: the reasons of the next batch's picks
};

Curve run_arm(const std::vector<ml::Example>& all, const Split& split, bool queue, int cap,
              uint64_t seed) {
  std::vector<int64_t> arrival(all.size(), 0);
  for (size_t k = 0; k < split.pool.size(); ++k) arrival[split.pool[k]] = static_cast<int64_t>(k);
  std::vector<size_t> labeled(split.pool.begin(), split.pool.begin() + kBatch);
  std::vector<char> is_labeled(all.size(), 0);
  for (size_t i : labeled) is_labeled[i] = 1;
  std::vector<int> test_labels = labels_of(all, split.test);
  Curve curve;
  for (;;) {
    auto model = train(all, labeled);
    curve.labels.push_back(static_cast<int>(labeled.size()));
    curve.auroc.push_back(
        hitloop::auroc(test_labels, margins(*model, all, split.test)).value_or(0.5));
    size_t n = std::min<size_t>(kBatch, cap - labeled.size());
    if (n == 0) break;
    std::vector<size_t> unlabeled;  // in arrival order
    for (size_t i : split.pool) {
      if (!is_labeled[i]) unlabeled.push_back(i);
    }
    Picked picked;
    if (queue) {
      Calibrated cal = calibrate(all, labeled, seed + labeled.size());
      picked = queue_pick(all, unlabeled, arrival, *model, cal, n);
    } else {
      picked.rows.assign(unlabeled.begin(), unlabeled.begin() + n);
    }
    curve.uncertain.push_back(picked.uncertain);
    curve.audit.push_back(picked.audit);
    for (size_t i : picked.rows) {
      labeled.push_back(i);
      is_labeled[i] = 1;
    }
  }
  return curve;
}

// Mean of the curves, point by point (all have the same label counts).
Curve average(const std::vector<Curve>& curves) {
  Curve mean = curves.front();
  for (size_t c = 1; c < curves.size(); ++c) {
    for (size_t k = 0; k < mean.auroc.size(); ++k) mean.auroc[k] += curves[c].auroc[k];
    for (size_t k = 0; k < mean.uncertain.size(); ++k) {
      mean.uncertain[k] += curves[c].uncertain[k];
      mean.audit[k] += curves[c].audit[k];
    }
  }
  for (double& a : mean.auroc) a /= curves.size();
  return mean;  // uncertain/audit stay sums; the printer divides
}

// The first label count whose AUROC reaches `target`, or -1.
int labels_to_reach(const Curve& c, double target) {
  for (size_t k = 0; k < c.labels.size(); ++k) {
    if (c.auroc[k] >= target - 1e-12) return c.labels[k];
  }
  return -1;
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / v.size();
}

// Both arms of every seed, two at a time (the trainings use both cores
// only part of the time). Queue arms first: they train three times a round.
void run_all(const std::vector<ml::Example>& all, const std::vector<Split>& splits, int cap,
             std::vector<Curve>& queue, std::vector<Curve>& random) {
  size_t seeds = splits.size();
  queue.assign(seeds, {});
  random.assign(seeds, {});
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t job; (job = next++) < 2 * seeds;) {
      bool is_queue = job < seeds;
      size_t s = job % seeds;
      (is_queue ? queue : random)[s] = run_arm(all, splits[s], is_queue, cap, 1 + s);
    }
  };
  std::thread other(worker);
  worker();
  other.join();
}

void print_table(const Curve& queue, const Curve& random, int seeds) {
  std::printf("%7s %12s %13s   %s\n", "labels", "AUROC queue", "AUROC random",
              "queue's next 50: uncertain/audit/other");
  for (size_t k = 0; k < queue.labels.size(); ++k) {
    std::printf("%7d %12.4f %13.4f", queue.labels[k], queue.auroc[k], random.auroc[k]);
    if (k < queue.uncertain.size()) {
      double u = double(queue.uncertain[k]) / seeds, a = double(queue.audit[k]) / seeds;
      int next = std::min(kBatch, queue.labels.back() - queue.labels[k]);
      std::printf("   %5.1f/%.1f/%.1f", u, a, std::max(0.0, next - u - a));
    }
    std::printf("\n");
  }
}

// Prints one data set's curves; true when the goal holds there: the queue
// reaches the random arm's final AUROC with at most half the labels the
// random arm needed for it.
bool run_data_set(const std::string& path, const Options& opt) {
  auto t0 = std::chrono::steady_clock::now();
  std::vector<ml::Example> all = load(path);
  std::string name = std::filesystem::path(path).stem().string();
  std::vector<Split> splits;
  size_t smallest_pool = all.size();
  for (int s = 0; s < opt.seeds; ++s) {
    splits.push_back(make_split(all, 1 + s));
    smallest_pool = std::min(smallest_pool, splits.back().pool.size());
  }
  // On the grid of batches, so that every seed has the same points.
  int cap = std::min<int>(opt.cap, static_cast<int>(smallest_pool) / kBatch * kBatch);
  std::vector<Curve> queue_runs, random_runs;
  run_all(all, splits, cap, queue_runs, random_runs);
  Curve queue = average(queue_runs), random = average(random_runs);

  std::printf(
      "\n%s: %zu rows, pool %zu, test %zu; labels %d to %d in rounds of %d; mean of %d "
      "seed(s)\n",
      name.c_str(), all.size(), splits[0].pool.size(), splits[0].test.size(), kBatch, cap, kBatch,
      opt.seeds);
  print_table(queue, random, opt.seeds);
  double target = random.auroc.back();
  int n = labels_to_reach(queue, target), m = labels_to_reach(random, target);
  bool holds = n > 0 && 2 * n <= m;
  char ratio[32] = "-";
  if (n > 0) std::snprintf(ratio, sizeof ratio, "%.2f", double(n) / m);
  std::printf("labels to reach random's final AUROC (%.4f): queue %s vs random %d (%s)\n", target,
              n > 0 ? std::to_string(n).c_str() : "never", m, ratio);
  std::printf("mean AUROC over the curve: queue %.4f vs random %.4f\n", mean_of(queue.auroc),
              mean_of(random.auroc));
  std::printf("goal (queue needs at most half of random's labels): %s\n",
              holds ? "holds" : "not met");
  std::fprintf(stderr, "active_learning: %s done in %.0f s\n", name.c_str(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return holds;
}

Options parse(int argc, char** argv) {
  Options opt;
  for (int a = 1; a < argc; ++a) {
    if (!std::strcmp(argv[a], "--seeds") && a + 1 < argc) {
      opt.seeds = std::atoi(argv[++a]);
    } else if (!std::strcmp(argv[a], "--cap") && a + 1 < argc) {
      opt.cap = std::atoi(argv[++a]);
    } else {
      opt.files.push_back(argv[a]);
    }
  }
  if (opt.files.empty() || opt.seeds < 1 || opt.cap < 2 * kBatch) {
    die("usage: active_learning_bench [--seeds N] [--cap LABELS>=100] FILE.csv...");
  }
  return opt;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse(argc, argv);
  int met = 0;
  for (const std::string& f : opt.files) met += run_data_set(f, opt);
  std::printf("\ngoal met on %d of %zu data set(s) (the issue asks for 2 of 3)\n", met,
              opt.files.size());
  return 0;
}
