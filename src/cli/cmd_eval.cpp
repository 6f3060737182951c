#include "cli/ml_common.h"
#include "ml/pipeline.h"

namespace hitloop::cli {
namespace {

int run(Context& ctx, const Args& args) {
  if (!args.has("--data")) return fail(ctx, InvalidArgument("eval needs --data FILE"));
  Result<ml::LoadOptions> load = load_options(args);
  if (!load.ok()) return fail(ctx, load.status());
  Result<ml::LoadedModel> model = resolve_model(ctx, args.get("--model"), *load);
  if (!model.ok()) return fail(ctx, model.status());
  Result<std::vector<ml::Example>> examples = examples_from_file(args.get("--data"));
  if (!examples.ok()) return fail(ctx, examples.status());

  std::vector<ml::TextPair> pairs;
  std::vector<int> labels;
  size_t truncated = 0;
  for (const ml::Example& e : *examples) {
    pairs.push_back({e.input, e.output});
    labels.push_back(e.label);
    truncated += std::max(e.input.size(), e.output.size()) > model->model->max_text_bytes();
  }
  if (truncated) {
    ctx.err << "hitloop: warning: " << truncated << " rows have texts longer than model "
            << model->name << " reads (" << model->model->max_text_bytes()
            << " bytes); they were truncated\n";
  }
  std::vector<double> scores(pairs.size());
  model->score(pairs, scores);
  ml::Metrics m = ml::compute_metrics(labels, scores, model->manifest.threshold);
  auto by_category = ml::metrics_by_category(*examples, scores, model->manifest.threshold);
  if (args.has("--json")) {
    ctx.out << metrics_json(m, by_category) << "\n";
  } else {
    ctx.out << "model " << model->name << " on " << args.get("--data") << ":\n";
    print_metrics(ctx.out, m, by_category);
  }
  return 0;
}

}  // namespace

Command eval_command() {
  return {{"eval",
           "",
           "Measure a model against labeled data: n, accuracy, precision/recall/F1 of the bad\n"
           "class, macro-F1, AUROC, Brier score, ECE (10 bins), confusion matrix; per category\n"
           "when the file has a category column.",
           {{"--data", "FILE", "labeled CSV/JSONL (model_input,model_output,good[,category])"},
            {"--model", "V|DIR", "model version or artifact directory (default: the active model)"},
            {"--max-length", "N", "encoder: tokens per pair (default: as trained, or 128)"},
            {"--json", "", "print one JSON object"}},
           0,
           0},
          run};
}

}  // namespace hitloop::cli
