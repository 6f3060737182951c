#include "ml/pipeline.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/digest.h"
#include "ml/split.h"

namespace hitloop::ml {

std::string dataset_hash(const std::vector<Example>& examples) {
  Digest d(16);
  for (const Example& e : examples) {
    d.field(e.input).field(e.output);
    char extra[48];
    std::snprintf(extra, sizeof extra, "%d %.17g", e.label, e.weight);
    d.field(extra);
  }
  return to_hex(d.finish());
}

double choose_threshold(const std::vector<int>& labels, const std::vector<double>& scores) {
  double best = 0.5, best_f1 = -1;
  for (int step = 1; step < 100; ++step) {
    double t = step / 100.0;
    double f1 = compute_metrics(labels, scores, t).macro_f1;
    // Ties go to the threshold closest to 0.5.
    if (f1 > best_f1 + 1e-12 ||
        (std::abs(f1 - best_f1) <= 1e-12 && std::abs(t - 0.5) < std::abs(best - 0.5))) {
      best = t;
      best_f1 = f1;
    }
  }
  return best;
}

std::map<std::string, Metrics> metrics_by_category(const std::vector<Example>& examples,
                                                   const std::vector<double>& scores,
                                                   double threshold,
                                                   const std::vector<double>* margins) {
  struct Group {
    std::vector<int> labels;
    std::vector<double> scores, margins;
  };
  std::map<std::string, Group> groups;
  for (size_t i = 0; i < examples.size(); ++i) {
    if (examples[i].category.empty()) continue;
    Group& g = groups[examples[i].category];
    g.labels.push_back(examples[i].label);
    g.scores.push_back(scores[i]);
    if (margins) g.margins.push_back((*margins)[i]);
  }
  std::map<std::string, Metrics> out;
  for (const auto& [cat, g] : groups) {
    out[cat] = compute_metrics(g.labels, g.scores, threshold);
    if (margins) out[cat].auroc = auroc(g.labels, g.margins);
  }
  return out;
}

Scored score_examples(const std::vector<Example>& examples, const std::vector<double>& margins,
                      const Platt& calibration, double threshold) {
  Scored out;
  std::vector<int> labels;
  for (const Example& e : examples) labels.push_back(e.label);
  for (double m : margins) out.scores.push_back(calibration.apply(m));
  out.metrics = compute_metrics(labels, out.scores, threshold);
  out.metrics.auroc = auroc(labels, margins);
  out.by_category = metrics_by_category(examples, out.scores, threshold, &margins);
  return out;
}

std::string held_out_line(const Metrics& m, double threshold) {
  char buf[280];
  std::snprintf(buf, sizeof buf,
                "held-out metrics (saved in the manifest): n %lld  AUROC %s  acc %.3f  "
                "macro-F1 %.3f  brier %.3f  ECE %.3f (n %lld)  threshold %.2f",
                static_cast<long long>(m.n),
                m.auroc ? std::to_string(*m.auroc).substr(0, 5).c_str() : "n/a", m.accuracy,
                m.macro_f1, m.brier, m.ece, static_cast<long long>(m.ece_n), threshold);
  return buf;
}

namespace {

// Calibration, threshold and the figures the manifest keeps, from held-out
// margins; says so when the model ranks worse than chance.
void finish_held_out(TrainReport& report, const std::vector<Example>& held,
                     const std::vector<double>& margins, const TrainOptions& options) {
  std::vector<int> labels;
  for (const Example& e : held) labels.push_back(e.label);
  // The margins are out-of-sample for the model that produced them (pooled
  // folds, or the encoder's 20%); fit_platt keeps the fit sane when they
  // are few (a prior on the slope, intercept only below kPlattMinRows).
  report.calibration = fit_platt(margins, labels);
  options.progress("calibration: " + describe(report.calibration));
  std::vector<double> probs;
  for (double m : margins) probs.push_back(report.calibration.apply(m));
  report.threshold = choose_threshold(labels, probs);
  Scored scored = score_examples(held, margins, report.calibration, report.threshold);
  report.metrics = scored.metrics;
  report.by_category = std::move(scored.by_category);
  report.worse_than_chance = report.metrics.auroc && *report.metrics.auroc < 0.5;
  options.progress(held_out_line(report.metrics, report.threshold));
  if (report.worse_than_chance) {
    options.progress(
        "warning: the model ranks held-out sessions worse than chance (AUROC of its raw "
        "margins below 0.5); its calibration is the constant base rate and it will not be "
        "activated automatically");
  }
}

Recipe recipe_of(const Evaluator& evaluator, const TrainOptions& options) {
  Recipe r;
  r.kind = std::string(evaluator.kind());
  r.seed = options.seed;
  if (uses_base_checkpoint(r.kind)) r.encoder = options.encoder;
  return r;
}

// Validation keeps every model_input on one side: production brings new
// inputs, and rows sharing one would otherwise flatter the held-out figures.
std::vector<uint64_t> input_groups(const std::vector<Example>& examples) {
  std::vector<uint64_t> out;
  out.reserve(examples.size());
  for (const Example& e : examples) out.push_back(group_key(e.input));
  return out;
}

// For evaluators that validate themselves (fine-tuned encoders): one
// stratified 80/20 split by model_input; the evaluator trains on the 80% scoring the 20%
// after every epoch and keeps its best epoch; Platt scaling and the
// threshold are fitted on that 20%, and the kept model is the final one.
// A refit on everything would double the cost of the slowest step for a
// small gain; the price is that the reported metrics come from the same
// 20% that chose the epoch, so they lean slightly optimistic.
Result<TrainReport> train_self_validating(const Evaluator& evaluator,
                                          const std::vector<Example>& examples,
                                          const std::vector<int>& labels,
                                          const TrainOptions& options) {
  auto start = std::chrono::steady_clock::now();
  bool grouped = true;
  Fold split = validation_split(labels, input_groups(examples), 0.2, options.seed, grouped);
  std::vector<Example> train, held;
  for (size_t i : split.train) train.push_back(examples[i]);
  for (size_t i : split.test) held.push_back(examples[i]);
  options.progress("validation: 80/20 split (" + std::to_string(train.size()) + " train, " +
                   std::to_string(held.size()) + " held out; best epoch kept, no refit)");
  TrainOptions with_held = options;
  with_held.validation = &held;
  TrainReport report;
  report.validation =
      grouped ? "80/20 split by model_input, best epoch" : "80/20 split, best epoch";
  HITLOOP_ASSIGN_OR_RETURN(report.model, evaluator.train(train, with_held));
  std::vector<TextPair> pairs;
  for (const Example& e : held) pairs.push_back({e.input, e.output});
  std::vector<double> margins(pairs.size());
  report.model->margins(pairs, margins);
  finish_held_out(report, held, margins, options);
  report.recipe = recipe_of(evaluator, options);
  report.n_examples = static_cast<int64_t>(examples.size());
  report.train_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace

Result<TrainReport> train_with_validation(const Evaluator& evaluator,
                                          const std::vector<Example>& examples,
                                          const TrainOptions& options) {
  auto start = std::chrono::steady_clock::now();
  std::vector<int> labels;
  int good = 0;
  for (const Example& e : examples) {
    labels.push_back(e.label);
    good += e.label;
  }
  const int n = static_cast<int>(examples.size());
  if (n < 10) {
    return InvalidArgument("need at least 10 labeled sessions to train, have " + std::to_string(n));
  }
  if (good == 0 || good == n) {
    return InvalidArgument(std::string("all ") + std::to_string(n) + " labels are \"" +
                           (good ? "good" : "bad") + "\"; training needs both classes");
  }
  if (evaluator.self_validating()) {
    return train_self_validating(evaluator, examples, labels, options);
  }
  int minority = std::min(good, n - good);
  std::vector<Fold> folds;
  TrainReport report;
  // Rows sharing an input stay on one side unless too few inputs allow it.
  bool grouped = true;
  if (n < 2000) {
    int k = std::clamp(minority, 2, 5);
    folds = validation_kfold(labels, input_groups(examples), k, options.seed, grouped);
    report.validation = std::to_string(k) + "-fold cross-validation";
  } else {
    folds = {validation_split(labels, input_groups(examples), 0.2, options.seed, grouped)};
    report.validation = "80/20 split";
  }
  if (grouped) report.validation += " by model_input";

  std::vector<double> margins;
  std::vector<Example> held;
  for (size_t f = 0; f < folds.size(); ++f) {
    options.progress("validation: fold " + std::to_string(f + 1) + "/" +
                     std::to_string(folds.size()) + " (" + std::to_string(folds[f].train.size()) +
                     " train, " + std::to_string(folds[f].test.size()) + " held out)");
    std::vector<Example> train;
    for (size_t i : folds[f].train) train.push_back(examples[i]);
    HITLOOP_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, evaluator.train(train, options));
    std::vector<TextPair> pairs;
    for (size_t i : folds[f].test) {
      pairs.push_back({examples[i].input, examples[i].output});
      held.push_back(examples[i]);
    }
    std::vector<double> m(pairs.size());
    model->margins(pairs, m);
    margins.insert(margins.end(), m.begin(), m.end());
  }
  finish_held_out(report, held, margins, options);
  report.recipe = recipe_of(evaluator, options);

  options.progress("final fit on all " + std::to_string(n) + " examples");
  HITLOOP_ASSIGN_OR_RETURN(report.model, evaluator.train(examples, options));
  report.n_examples = n;
  report.train_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace hitloop::ml
