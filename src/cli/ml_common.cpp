#include "cli/ml_common.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

#include "core/dataset.h"
#include "core/json_tidy.h"
#include "ml/torch_module.h"
#include "service/loop_service.h"
#include "store/dataset_queries.h"

namespace hitloop::cli {

Result<std::vector<ml::Example>> examples_from_file(const std::string& path, int64_t* unlabeled) {
  HITLOOP_ASSIGN_OR_RETURN(ParsedDataset parsed, read_dataset_file(path, ReadOptions{}));
  if (unlabeled) {
    *unlabeled = std::erase_if(parsed.rows, [](const ImportRow& r) { return !r.label; });
  }
  for (const ImportRow& row : parsed.rows) {
    if (!row.label) {
      parsed.errors.push_back(path + ":" + std::to_string(row.line) +
                              ": no label (the good column is empty)");
    }
  }
  if (!parsed.errors.empty()) {
    std::string msg = parsed.errors[0];
    if (parsed.errors.size() > 1) {
      msg += " (and " + std::to_string(parsed.errors.size() - 1) + " more problems)";
    }
    return InvalidArgument(msg);
  }
  std::vector<ml::Example> out;
  out.reserve(parsed.rows.size());
  for (ImportRow& row : parsed.rows) {
    out.push_back({std::move(row.model_input), std::move(row.model_output), std::move(row.category),
                   label_value(*row.label), 1.0});
  }
  return out;
}

Result<std::vector<ml::Example>> examples_from_store(Store& store) {
  return service::training_examples(store);
}

const std::vector<Flag>& recipe_flags() {
  static const std::vector<Flag> flags = {
      {"--kind", "ngram|encoder|embed",
       "model kind (default ngram; docs/ngram.md, docs/encoder.md)"},
      {"--base", "NAME|DIR",
       "encoder/embed: the HF checkpoint to fine-tune or embed with: a directory, or a hub "
       "model (ORG/NAME[@REV]) from the HF cache, downloaded if missing (docs/encoder.md)"},
      {"--epochs", "N", "encoder: passes over the data (default 3)"},
      {"--lr", "X", "encoder: peak learning rate of AdamW (default 2e-5)"},
      {"--batch-size", "N", "encoder: examples per step (default 8)"},
      {"--max-length", "N", "encoder: tokens per (input, output) pair (default 128)"},
      {"--weight-decay", "X", "encoder: AdamW weight decay, not on biases/LayerNorm (0.01)"},
      {"--warmup-ratio", "X", "encoder: share of steps with a linear warm-up (default 0)"},
      {"--seed", "N", "seed for splits and training (default 1)"}};
  return flags;
}

// Said rather than ignored: the embed kind embeds each text with the token
// budget its checkpoint was trained with.
constexpr const char* kEmbedMaxLength =
    "--max-length applies to --kind encoder; --kind embed cuts each text at the checkpoint's "
    "max_seq_length (sentence_bert_config.json)";

Result<ml::Recipe> recipe_from_args(const Args& args, ml::Recipe r) {
  r.kind = args.get("--kind", r.kind);
  if (r.kind == "embed" && args.has("--max-length")) {
    return InvalidArgument(kEmbedMaxLength);
  }
  HITLOOP_ASSIGN_OR_RETURN(long long seed, args.get_int("--seed", static_cast<long long>(r.seed)));
  if (seed < 0) return InvalidArgument("--seed must be >= 0");
  r.seed = static_cast<uint64_t>(seed);
  ml::EncoderTrainOptions& e = r.encoder;
  if (args.has("--base")) {  // a directory, else a hub model from the HF cache or downloaded
    HITLOOP_ASSIGN_OR_RETURN(e.base_dir, ml::resolve_base_checkpoint(args.get("--base")));
  }
  HITLOOP_ASSIGN_OR_RETURN(long long epochs, args.get_int("--epochs", e.epochs));
  HITLOOP_ASSIGN_OR_RETURN(long long batch, args.get_int("--batch-size", e.batch_size));
  HITLOOP_ASSIGN_OR_RETURN(long long max_length, args.get_int("--max-length", e.max_length));
  HITLOOP_ASSIGN_OR_RETURN(e.learning_rate, args.get_double("--lr", e.learning_rate));
  HITLOOP_ASSIGN_OR_RETURN(e.weight_decay, args.get_double("--weight-decay", e.weight_decay));
  HITLOOP_ASSIGN_OR_RETURN(e.warmup_ratio, args.get_double("--warmup-ratio", e.warmup_ratio));
  // Clamped only to fit an int; the range check is validate_recipe's.
  auto to_int = [](long long v) { return static_cast<int>(std::clamp(v, -1LL, 1LL << 30)); };
  e.epochs = to_int(epochs);
  e.batch_size = to_int(batch);
  e.max_length = to_int(max_length);
  HITLOOP_RETURN_IF_ERROR(ml::validate_recipe(r, /*cli=*/true));
  return r;
}

ml::TrainOptions train_options(const ml::Recipe& recipe, int threads) {
  ml::TrainOptions options;
  options.seed = recipe.seed;
  options.threads = threads;
  options.encoder = recipe.encoder;
  return options;
}

Result<ml::LoadOptions> load_options(const Args& args) {
  ml::LoadOptions options;
  HITLOOP_ASSIGN_OR_RETURN(long long max_length, args.get_int("--max-length", 0));
  if (max_length < 0 || max_length > 100000) {
    return InvalidArgument("--max-length must be a positive number of tokens");
  }
  options.max_length = static_cast<int>(max_length);
  return options;
}

namespace {

// --max-length for an encoder artifact: its weights are reopened with the
// caller's token budget (manifest and checksums are already verified).
Status apply_load_options(ml::LoadedModel& loaded, const std::string& dir,
                          const ml::LoadOptions& options) {
  if (options.max_length <= 0 || loaded.manifest.kind != "encoder") return Status::Ok();
  HITLOOP_ASSIGN_OR_RETURN(const ml::Evaluator* evaluator, ml::find_evaluator("encoder"));
  HITLOOP_ASSIGN_OR_RETURN(std::unique_ptr<ml::Model> model, evaluator->load_with(dir, options));
  loaded.model = std::move(model);
  return Status::Ok();
}

}  // namespace

Result<ml::LoadedModel> resolve_model(Context& ctx, const std::string& spec,
                                      const ml::LoadOptions& options) {
  namespace fs = std::filesystem;
  if (!spec.empty() && fs::is_directory(spec) && !fs::exists(fs::path(spec) / "manifest.json") &&
      fs::exists(fs::path(spec) / "config.json")) {
    // A HF checkpoint directory, with the caller's token budget.
    HITLOOP_ASSIGN_OR_RETURN(const ml::Evaluator* encoder, ml::find_evaluator("encoder"));
    HITLOOP_ASSIGN_OR_RETURN(std::unique_ptr<ml::Model> model, encoder->load_with(spec, options));
    ml::LoadedModel loaded;
    loaded.name = spec;
    loaded.manifest.kind = "encoder";
    loaded.model = std::move(model);
    return loaded;
  }
  if (!spec.empty() && std::filesystem::is_directory(spec)) {
    auto loaded = ml::load_artifact(spec);
    if (loaded.ok()) {
      loaded->name = spec;
      HITLOOP_RETURN_IF_ERROR(apply_load_options(*loaded, spec, options));
    }
    return loaded;
  }
  int version = 0;
  if (!spec.empty()) {
    HITLOOP_ASSIGN_OR_RETURN(version, ml::parse_version(spec));
  }
  HITLOOP_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, open_context_store(ctx));
  ml::Registry registry(*store, "");
  auto loaded = registry.load(version);  // NotFound exits 2, as bad input does
  if (loaded.ok() && options.max_length > 0) {
    HITLOOP_ASSIGN_OR_RETURN(ModelRecord record,
                             version == 0 ? store->active_model() : store->get_model(version));
    HITLOOP_RETURN_IF_ERROR(apply_load_options(*loaded, record.path, options));
  }
  return loaded;
}

std::string models_dir(const Context& ctx, const Args& args) {
  return args.get("--models-dir", ml::Registry::default_models_dir(ctx.db_path));
}

namespace {

std::string fmt(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

void metrics_line(std::ostream& out, const std::string& name, const Metrics& m) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "%-16s %6lld %7s %6s %8s %8s %7s %8s %6s %6s\n", name.c_str(),
                static_cast<long long>(m.n), m.auroc ? fmt(*m.auroc).c_str() : "n/a",
                fmt(m.accuracy).c_str(), fmt(m.precision_bad).c_str(), fmt(m.recall_bad).c_str(),
                fmt(m.f1_bad).c_str(), fmt(m.macro_f1).c_str(), fmt(m.brier).c_str(),
                fmt(m.ece).c_str());
  out << buf;
}

nlohmann::ordered_json to_json(const Metrics& m) {
  return nlohmann::ordered_json::parse(ml::metrics_to_json(m));
}

}  // namespace

void print_metrics(std::ostream& out, const Metrics& m,
                   const std::map<std::string, Metrics>& by_category) {
  out << "                      n   AUROC    acc  prec_bad  rec_bad  f1_bad  macroF1  brier    "
         "ECE\n";
  metrics_line(out, "all", m);
  for (const auto& [cat, cm] : by_category) metrics_line(out, "  " + cat, cm);
  const Confusion& c = m.confusion;
  out << "confusion (rows human, columns model):  good->good " << c.true_good << "  good->bad "
      << c.false_bad << "  bad->good " << c.false_good << "  bad->bad " << c.true_bad << "\n";
  out << "ECE " << fmt(m.ece) << " on " << m.ece_n << " rows (10 bins)";
  // Sampling noise alone gives a perfectly calibrated model about these.
  if (m.ece_n < 100)
    out << "; on so few rows ECE is mostly noise (about 0.3 on 8 rows, 0.1 on 100)";
  out << "\n";
}

std::string metrics_json(const Metrics& m, const std::map<std::string, Metrics>& by_category) {
  nlohmann::ordered_json j = to_json(m);
  nlohmann::ordered_json cats = nlohmann::ordered_json::object();
  for (const auto& [cat, cm] : by_category) cats[cat] = to_json(cm);
  j["by_category"] = cats;
  return tidy_dump(j);
}

void warn_if_truncated(Context& ctx, const ml::LoadedModel& model, std::string_view what,
                       size_t bytes) {
  size_t limit = model.model->max_text_bytes();
  if (bytes > limit) {
    ctx.err << "hitloop: warning: " << what << " is " << bytes << " bytes; model " << model.name
            << " reads only the first " << limit << "\n";
  }
}

}  // namespace hitloop::cli
