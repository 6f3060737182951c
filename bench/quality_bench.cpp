// Quality on fixed folds: for each DIR given (holding fold{k}_train.csv and
// fold{k}_test.csv, as written by text_baselines.py --folds-dir), trains the
// n-gram evaluator exactly as `hitloop train --data` does on each train
// file, scores the test file, and prints one JSON line with the AUROC
// pooled over folds and its mean over folds, accuracy and F1 of the bad
// class, like the anchors. With --fast, each fold only fits the evaluator
// (no cross-validated calibration): AUROC figures only, for quick looks.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/metrics.h"
#include "ml/ngram/ngram_evaluator.h"
#include "ml/pipeline.h"

using namespace hitloop;
namespace fs = std::filesystem;

static std::vector<ml::Example> load(const fs::path& p) {
  auto parsed = read_dataset_file(p.string(), ReadOptions{});
  std::vector<ml::Example> out;
  if (!parsed.ok() || !parsed->errors.empty()) {
    std::fprintf(stderr, "cannot read %s\n", p.c_str());
    std::exit(1);
  }
  for (auto& r : parsed->rows) {
    out.push_back({r.model_input, r.model_output, r.category, r.label == Label::kGood ? 1 : 0, 1});
  }
  return out;
}

// The full `hitloop train` path, or with `fast` only the evaluator's fit.
static Result<ml::TrainReport> fast_fit(const ml::Evaluator& evaluator,
                                        const std::vector<ml::Example>& train,
                                        const ml::TrainOptions& options, bool fast) {
  if (!fast) return ml::train_with_validation(evaluator, train, options);
  ml::TrainReport report;
  HITLOOP_ASSIGN_OR_RETURN(report.model, evaluator.train(train, options));
  return report;
}

int main(int argc, char** argv) {
  ml::ngram::NgramEvaluator evaluator;
  std::vector<double> thresholds;
  bool fast = false;
  const bool verbose = std::getenv("QUALITY_VERBOSE") != nullptr;
  for (int a = 1; a < argc; ++a) {
    if (std::string(argv[a]) == "--fast") {
      fast = true;
      continue;
    }
    fs::path dir = argv[a];
    double fold_auroc_sum = 0;
    int folds = 0;
    std::vector<int> labels;
    std::vector<double> scores;
    thresholds.clear();
    double train_s = 0;
    for (int k = 0; fs::exists(dir / ("fold" + std::to_string(k) + "_train.csv")); ++k) {
      auto train = load(dir / ("fold" + std::to_string(k) + "_train.csv"));
      auto test = load(dir / ("fold" + std::to_string(k) + "_test.csv"));
      ml::TrainOptions options;
      if (verbose)
        options.progress = [](const std::string& line) {
          std::fprintf(stderr, "%s\n", line.c_str());
        };
      auto t0 = std::chrono::steady_clock::now();
      Result<ml::TrainReport> report = fast_fit(evaluator, train, options, fast);
      train_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!report.ok()) {
        std::fprintf(stderr, "%s\n", report.status().message().c_str());
        return 1;
      }
      std::vector<ml::TextPair> pairs;
      for (const auto& e : test) pairs.push_back({e.input, e.output}), labels.push_back(e.label);
      std::vector<double> m(pairs.size());
      report->model->margins(pairs, m);
      std::vector<int> fold_labels(labels.end() - static_cast<long>(pairs.size()), labels.end());
      fold_auroc_sum += hitloop::auroc(fold_labels, m).value_or(0.5);
      ++folds;
      for (double v : m) scores.push_back(report->calibration.apply(v));
      thresholds.resize(scores.size(), report->threshold);
    }
    // Each fold's model decides with its own threshold; pooled like the anchors.
    std::vector<double> shifted;
    for (size_t i = 0; i < scores.size(); ++i) shifted.push_back(scores[i] - thresholds[i] + 0.5);
    Metrics m = compute_metrics(labels, shifted);
    m.auroc = hitloop::auroc(labels, scores);
    std::printf(
        "{\"anchor\": \"hitloop-ngram\", \"data\": \"%s\", \"auroc\": %.4f, \"auroc_mean_fold\": "
        "%.4f, \"accuracy\": %.4f, "
        "\"f1_bad\": %.4f, \"n_test\": %lld, \"train_s\": %.2f}\n",
        dir.filename().c_str(), m.auroc.value_or(0), folds ? fold_auroc_sum / folds : 0, m.accuracy,
        m.f1_bad, static_cast<long long>(m.n), train_s);
  }
  return 0;
}
