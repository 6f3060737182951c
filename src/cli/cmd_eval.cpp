#include <algorithm>

#include "cli/ml_common.h"
#include "ml/pipeline.h"
#include "service/loop_service.h"

namespace hitloop::cli {
namespace {

// How many examples the model was trained on (by the row keys its artifact
// stored): figures on those rows are inflated, so the user hears about it.
void warn_on_overlap(Context& ctx, const ml::LoadedModel& model,
                     const std::vector<ml::Example>& examples) {
  if (model.dir.empty()) return;
  Result<std::vector<uint64_t>> trained = ml::read_training_rows(model.dir);
  if (!trained.ok()) {
    ctx.err << "hitloop: warning: " << trained.status().message() << "\n";
    return;
  }
  if (trained->empty()) return;
  size_t overlap = 0;
  for (const ml::Example& e : examples) {
    overlap += std::binary_search(trained->begin(), trained->end(), ml::row_key(e.input, e.output));
  }
  if (overlap == 0) return;
  ctx.err << "hitloop: warning: " << overlap << " of " << examples.size()
          << " rows are in the training data of model " << model.name
          << "; figures on them are inflated (evaluate on held-out data, e.g. eval --holdout)\n";
}

int run(Context& ctx, const Args& args) {
  if (args.has("--data") == args.has("--holdout")) {
    return fail(ctx, InvalidArgument("eval needs --data FILE or --holdout"));
  }
  Result<ml::LoadOptions> load = load_options(args);
  if (!load.ok()) return fail(ctx, load.status());
  Result<ml::LoadedModel> model = resolve_model(ctx, args.get("--model"), *load);
  if (!model.ok()) return fail(ctx, model.status());
  std::string source;
  Result<std::vector<ml::Example>> examples = std::vector<ml::Example>{};
  if (args.has("--holdout")) {
    // The retrain gate's examples, scored as the gate scores them.
    source = "the frozen holdout";
    Result<std::unique_ptr<Store>> store = open_context_store(ctx);
    if (!store.ok()) return fail(ctx, store.status());
    examples = service::holdout_examples(**store);
  } else {
    source = args.get("--data");
    int64_t unlabeled = 0;
    examples = examples_from_file(source, &unlabeled);
    if (unlabeled > 0) {
      ctx.err << "hitloop: " << unlabeled << " unlabeled rows skipped (no value in good)\n";
    }
  }
  if (!examples.ok()) return fail(ctx, examples.status());
  if (examples->empty()) return fail(ctx, InvalidArgument(source + " has no labeled rows"));
  warn_on_overlap(ctx, *model, *examples);

  size_t truncated = 0;
  for (const ml::Example& e : *examples) {
    truncated += std::max(e.input.size(), e.output.size()) > model->model->max_text_bytes();
  }
  if (truncated) {
    ctx.err << "hitloop: warning: " << truncated << " rows have texts longer than model "
            << model->name << " reads (" << model->model->max_text_bytes()
            << " bytes); they were truncated\n";
  }
  ml::Scored scored = ml::evaluate_model(*model, *examples);
  if (args.has("--json")) {
    ctx.out << metrics_json(scored.metrics, scored.by_category) << "\n";
  } else {
    ctx.out << "model " << model->name << " on " << source << ":\n";
    print_metrics(ctx.out, scored.metrics, scored.by_category);
  }
  return 0;
}

}  // namespace

Command eval_command() {
  return {{"eval",
           "",
           "Measure a model against labeled data.\n\n"
           "Reports n, accuracy, precision/recall/F1 of the bad class, macro-F1, AUROC, Brier\n"
           "score, ECE (10 bins, with the n it was computed on) and the confusion matrix; per\n"
           "category when the file has a category column. Unlabeled rows are skipped; rows\n"
           "the model was trained on are counted in a warning. --holdout measures on the\n"
           "store's frozen holdout, exactly as the retrain gate does.",
           {{"--data", "FILE", "labeled CSV/JSONL (model_input,model_output,good[,category])"},
            {"--holdout", "", "evaluate on the store's frozen holdout instead of a file"},
            {"--model", "V|DIR", "model version or artifact directory (default: the active model)"},
            {"--max-length", "N", "encoder: tokens per pair (default: as trained, or 128)"},
            {"--json", "", "print one JSON object"}},
           0,
           0},
          run};
}

}  // namespace hitloop::cli
