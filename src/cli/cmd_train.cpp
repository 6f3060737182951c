#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/ml_common.h"
#include "core/json_tidy.h"
#include "ml/pipeline.h"
#include "service/model_lifecycle.h"

namespace hitloop::cli {

Result<int> train_and_register(Context& ctx, Store& store, const ml::Evaluator& evaluator,
                               const std::vector<ml::Example>& examples,
                               const TrainRequest& request) {
  ml::TrainOptions options = train_options(request.recipe, request.threads);
  options.progress = [&](const std::string& line) { ctx.err << "train: " << line << "\n"; };
  service::DirectStore access(store);
  service::ModelLifecycle lifecycle(access, request.models_dir);
  HITLOOP_ASSIGN_OR_RETURN(
      service::Registered registered,
      lifecycle.train_and_register(
          evaluator, examples, options,
          request.activate ? service::Activation::kAlways : service::Activation::kIfNoneActive));
  for (const std::string& w : registered.warnings) ctx.err << "hitloop: warning: " << w << "\n";
  const ml::TrainReport& report = registered.report;
  const int version = registered.version;
  const bool activate = registered.activated;

  if (request.json) {
    nlohmann::ordered_json j;
    j["model"] = "v" + std::to_string(version);
    j["kind"] = std::string(evaluator.kind());
    j["active"] = activate;
    j["n"] = report.n_examples;
    j["validation"] = report.validation;
    j["threshold"] = report.threshold;
    j["worse_than_chance"] = report.worse_than_chance;
    j["metrics"] = nlohmann::ordered_json::parse(metrics_json(report.metrics, report.by_category));
    j["train_seconds"] = report.train_seconds;
    ctx.out << tidy_dump(j) << "\n";
    return version;
  }
  ctx.out << "held-out metrics (" << report.validation << ", " << report.n_examples
          << " examples, threshold " << report.threshold << "):\n";
  print_metrics(ctx.out, report.metrics, report.by_category);
  if (report.worse_than_chance) {
    ctx.out << "WORSE THAN CHANCE: held-out AUROC below 0.5; the model's verdicts are not to be "
               "trusted\n";
  }
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f s", report.train_seconds);
  ctx.out << "saved model v" << version << (activate ? " (active)" : " (candidate)") << " in "
          << secs << "\n";
  return version;
}

namespace {

int run(Context& ctx, const Args& args) {
  Result<long long> threads = args.get_int("--threads", 0);
  if (!threads.ok()) return fail(ctx, threads.status());
  Result<ml::Recipe> recipe = recipe_from_args(args, ml::Recipe{});
  if (!recipe.ok()) return fail(ctx, recipe.status());
  const ml::Evaluator* evaluator = *ml::find_evaluator(recipe->kind);

  Result<std::unique_ptr<Store>> store = open_context_store(ctx);
  if (!store.ok()) return fail(ctx, store.status());
  std::string source = args.has("--data") ? args.get("--data") : "the store's human labels";
  Result<std::vector<ml::Example>> examples =
      args.has("--data") ? examples_from_file(args.get("--data")) : examples_from_store(**store);
  if (!examples.ok()) return fail(ctx, examples.status());

  ctx.err << "train: " << evaluator->kind() << " on " << examples->size() << " examples from "
          << source << "\n";
  TrainRequest request;
  request.recipe = *recipe;
  request.threads = static_cast<int>(*threads);
  request.models_dir = models_dir(ctx, args);
  request.activate = args.has("--activate");
  request.json = args.has("--json");
  Result<int> version = train_and_register(ctx, **store, *evaluator, *examples, request);
  return version.ok() ? 0 : fail(ctx, version.status());
}

std::vector<Flag> train_flags() {
  std::vector<Flag> flags = recipe_flags();
  flags.insert(flags.end(),
               {{"--data", "FILE", "train on this file instead of the store"},
                {"--activate", "", "make the new model the active one"},
                {"--threads", "N", "worker threads (default: all cores)"},
                {"--models-dir", "DIR", "where artifacts go (default: beside the database)"},
                {"--json", "", "print the result as one JSON object"}});
  return flags;
}

}  // namespace

Command train_command() {
  return {{"train", "",
           "Train an evaluation model from human labels.\n\n"
           "Trains on the store's labeled sessions (majority label each), or on --data FILE\n"
           "(CSV/JSONL with model_input,model_output,good). Held-out quality is measured\n"
           "first (stratified 5-fold below 2,000 rows, else an 80/20 split; rows sharing an\n"
           "input stay on one side), then the final model is fitted on everything and saved\n"
           "as the next version. The first model is\n"
           "activated; later ones only with --activate. A model that ranks held-out data\n"
           "worse than chance (AUROC < 0.5) is never activated without --activate.\n\n"
           "--kind encoder fine-tunes the HF DistilBERT/BERT checkpoint --base NAME|DIR on\n"
           "[CLS] input [SEP] output [SEP] (defaults: the reference recipe). It validates\n"
           "itself on one 80/20 split, keeps the best epoch, and that model is saved\n"
           "(no refit); the artifact is a HF directory that transformers also loads.\n\n"
           "--kind embed embeds input and output once with the frozen sentence-transformers\n"
           "model --base NAME|DIR (pooled as its modules.json says) and trains a logistic\n"
           "head on them: seconds to retrain, embeddings cached per encoder.",
           train_flags(), 0, 0},
          run};
}

}  // namespace hitloop::cli
