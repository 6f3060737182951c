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
  options.encoder = request.encoder;
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

// The encoder's fine-tuning flags; the defaults are the reference recipe's.
Result<ml::EncoderTrainOptions> encoder_options(const Args& args) {
  ml::EncoderTrainOptions o;
  o.base_dir = args.get("--base");
  HITLOOP_ASSIGN_OR_RETURN(long long epochs, args.get_int("--epochs", o.epochs));
  HITLOOP_ASSIGN_OR_RETURN(long long batch, args.get_int("--batch-size", o.batch_size));
  HITLOOP_ASSIGN_OR_RETURN(long long max_length, args.get_int("--max-length", o.max_length));
  HITLOOP_ASSIGN_OR_RETURN(o.learning_rate, args.get_double("--lr", o.learning_rate));
  HITLOOP_ASSIGN_OR_RETURN(o.weight_decay, args.get_double("--weight-decay", o.weight_decay));
  HITLOOP_ASSIGN_OR_RETURN(o.warmup_ratio, args.get_double("--warmup-ratio", o.warmup_ratio));
  if (epochs < 1 || epochs > 1000) return InvalidArgument("--epochs must be 1..1000");
  if (batch < 1 || batch > 4096) return InvalidArgument("--batch-size must be 1..4096");
  if (max_length < 3 || max_length > 100000) return InvalidArgument("--max-length must be >= 3");
  if (!(o.learning_rate > 0)) return InvalidArgument("--lr must be positive");
  if (o.weight_decay < 0) return InvalidArgument("--weight-decay must be >= 0");
  if (o.warmup_ratio < 0 || o.warmup_ratio > 1) {
    return InvalidArgument("--warmup-ratio must be in [0, 1]");
  }
  o.epochs = static_cast<int>(epochs);
  o.batch_size = static_cast<int>(batch);
  o.max_length = static_cast<int>(max_length);
  return o;
}

int run(Context& ctx, const Args& args) {
  Result<long long> seed = args.get_int("--seed", 1);
  if (!seed.ok()) return fail(ctx, seed.status());
  Result<long long> threads = args.get_int("--threads", 0);
  if (!threads.ok()) return fail(ctx, threads.status());
  Result<const ml::Evaluator*> evaluator = ml::find_evaluator(args.get("--kind", "ngram"));
  if (!evaluator.ok()) return fail(ctx, evaluator.status());
  Result<ml::EncoderTrainOptions> encoder = encoder_options(args);
  if (!encoder.ok()) return fail(ctx, encoder.status());
  if ((*evaluator)->kind() == "encoder" && encoder->base_dir.empty()) {
    return fail(ctx, InvalidArgument("--kind encoder needs --base DIR (a local HF "
                                     "DistilBERT/BERT checkpoint directory)"));
  }

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
  request.encoder = *encoder;
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
           "activated; later ones only with --activate.\n\n"
           "--kind encoder fine-tunes the HF DistilBERT/BERT checkpoint in --base DIR on\n"
           "[CLS] input [SEP] output [SEP] (defaults: the reference recipe). It validates\n"
           "itself on one 80/20 split, keeps the best epoch, and that model is saved\n"
           "(no refit); the artifact is a HF directory that transformers also loads.",
           {{"--kind", "ngram|encoder", "model kind (default ngram)"},
            {"--base", "DIR", "encoder: the HF checkpoint to fine-tune"},
            {"--epochs", "N", "encoder: passes over the data (default 3)"},
            {"--lr", "X", "encoder: peak learning rate of AdamW (default 2e-5)"},
            {"--batch-size", "N", "encoder: examples per step (default 8)"},
            {"--max-length", "N", "encoder: tokens per (input, output) pair (default 128)"},
            {"--weight-decay", "X", "encoder: AdamW weight decay, not on biases/LayerNorm (0.01)"},
            {"--warmup-ratio", "X", "encoder: share of steps with a linear warm-up (default 0)"},
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
