#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/ml_common.h"
#include "ml/pipeline.h"

namespace hitloop::cli {

Result<int> train_and_register(Context& ctx, Store& store, const ml::Evaluator& evaluator,
                               const std::vector<ml::Example>& examples,
                               const TrainRequest& request) {
  ml::TrainOptions options;
  options.seed = request.seed;
  options.threads = request.threads;
  options.progress = [&](const std::string& line) { ctx.err << "train: " << line << "\n"; };
  HITLOOP_ASSIGN_OR_RETURN(ml::TrainReport report,
                           ml::train_with_validation(evaluator, examples, options));

  ml::Registry registry(store, request.models_dir);
  Result<ModelRecord> active = store.active_model();
  ml::Manifest manifest;
  manifest.parent_version = active.ok() ? active->version : 0;
  manifest.dataset_hash = ml::dataset_hash(examples);
  manifest.n_train = report.n_examples;
  manifest.validation = report.validation;
  manifest.metrics = report.metrics;
  manifest.metrics_by_category = report.by_category;
  manifest.calibration = report.calibration;
  manifest.threshold = report.threshold;
  bool activate = request.activate || !active.ok();
  HITLOOP_ASSIGN_OR_RETURN(int version, registry.add(*report.model, manifest, activate));

  if (request.json) {
    nlohmann::ordered_json j;
    j["model"] = "v" + std::to_string(version);
    j["kind"] = std::string(evaluator.kind());
    j["active"] = activate;
    j["n"] = report.n_examples;
    j["validation"] = report.validation;
    j["threshold"] = report.threshold;
    j["metrics"] = nlohmann::ordered_json::parse(metrics_json(report.metrics, report.by_category));
    j["train_seconds"] = report.train_seconds;
    ctx.out << j.dump() << "\n";
    return version;
  }
  ctx.out << "held-out metrics (" << report.validation << ", " << report.n_examples
          << " examples, threshold " << report.threshold << "):\n";
  print_metrics(ctx.out, report.metrics, report.by_category);
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f s", report.train_seconds);
  ctx.out << "saved model v" << version << (activate ? " (active)" : " (candidate)") << " in "
          << secs << "\n";
  return version;
}

namespace {

int run(Context& ctx, const Args& args) {
  Result<long long> seed = args.get_int("--seed", 1);
  if (!seed.ok()) return fail(ctx, seed.status());
  Result<long long> threads = args.get_int("--threads", 0);
  if (!threads.ok()) return fail(ctx, threads.status());
  Result<const ml::Evaluator*> evaluator = ml::find_evaluator(args.get("--kind", "ngram"));
  if (!evaluator.ok()) return fail(ctx, evaluator.status());

  Result<std::unique_ptr<Store>> store = open_context_store(ctx);
  if (!store.ok()) return fail(ctx, store.status());
  std::string source = args.has("--data") ? args.get("--data") : "the store's human labels";
  Result<std::vector<ml::Example>> examples =
      args.has("--data") ? examples_from_file(args.get("--data")) : examples_from_store(**store);
  if (!examples.ok()) return fail(ctx, examples.status());

  ctx.err << "train: " << (*evaluator)->kind() << " on " << examples->size() << " examples from "
          << source << "\n";
  TrainRequest request;
  request.seed = static_cast<uint64_t>(*seed);
  request.threads = static_cast<int>(*threads);
  request.models_dir = models_dir(ctx, args);
  request.activate = args.has("--activate");
  request.json = args.has("--json");
  Result<int> version = train_and_register(ctx, **store, **evaluator, *examples, request);
  return version.ok() ? 0 : fail(ctx, version.status());
}

}  // namespace

Command train_command() {
  return {{"train",
           "",
           "Train an evaluation model from human labels.\n\n"
           "Trains on the store's labeled sessions (majority label each), or on --data FILE\n"
           "(CSV/JSONL with model_input,model_output,good). Held-out quality is measured\n"
           "first (stratified 5-fold below 2,000 rows, else an 80/20 split), then the final\n"
           "model is fitted on everything and saved as the next version. The first model is\n"
           "activated; later ones only with --activate.",
           {{"--kind", "ngram", "model kind (default ngram)"},
            {"--data", "FILE", "train on this file instead of the store"},
            {"--activate", "", "make the new model the active one"},
            {"--seed", "N", "seed for splits and training (default 1)"},
            {"--threads", "N", "worker threads (default: all cores)"},
            {"--models-dir", "DIR", "where artifacts go (default: beside the database)"},
            {"--json", "", "print the result as one JSON object"}},
           0,
           0},
          run};
}

}  // namespace hitloop::cli
