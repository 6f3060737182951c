#include "ml/manifest.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/digest.h"

namespace hitloop::ml {
namespace {

using json = nlohmann::ordered_json;

json metrics_json(const Metrics& m) {
  const Confusion& c = m.confusion;
  return {{"n", m.n},
          {"accuracy", m.accuracy},
          {"precision_bad", m.precision_bad},
          {"recall_bad", m.recall_bad},
          {"f1_bad", m.f1_bad},
          {"macro_f1", m.macro_f1},
          {"auroc", m.auroc ? json(*m.auroc) : json(nullptr)},
          {"brier", m.brier},
          {"ece", m.ece},
          {"ece_n", m.ece_n},
          {"confusion",
           {{"true_good", c.true_good},
            {"false_bad", c.false_bad},
            {"false_good", c.false_good},
            {"true_bad", c.true_bad}}}};
}

Metrics metrics_from(const json& j) {
  Metrics m;
  m.n = j.value("n", int64_t{0});
  m.accuracy = j.value("accuracy", 0.0);
  m.precision_bad = j.value("precision_bad", 0.0);
  m.recall_bad = j.value("recall_bad", 0.0);
  m.f1_bad = j.value("f1_bad", 0.0);
  m.macro_f1 = j.value("macro_f1", 0.0);
  if (j.contains("auroc") && j["auroc"].is_number()) m.auroc = j["auroc"].get<double>();
  m.brier = j.value("brier", 0.0);
  m.ece = j.value("ece", 0.0);
  // Manifests before ece_n computed ECE on all n rows, as now.
  m.ece_n = j.value("ece_n", m.n);
  if (j.contains("confusion")) {
    const json& c = j["confusion"];
    m.confusion = {c.value("true_good", int64_t{0}), c.value("false_bad", int64_t{0}),
                   c.value("false_good", int64_t{0}), c.value("true_bad", int64_t{0})};
  }
  return m;
}

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::optional<double> opt_from(const json& j, const char* key) {
  if (j.contains(key) && j[key].is_number()) return j[key].get<double>();
  return std::nullopt;
}

json recipe_json(const Recipe& r) {
  json j = {{"kind", r.kind}, {"seed", r.seed}};
  if (r.kind == "embed") j["base"] = r.encoder.base_dir;
  if (r.kind == "encoder") {
    const EncoderTrainOptions& e = r.encoder;
    j.update({{"base", e.base_dir},
              {"epochs", e.epochs},
              {"learning_rate", e.learning_rate},
              {"batch_size", e.batch_size},
              {"max_length", e.max_length},
              {"weight_decay", e.weight_decay},
              {"warmup_ratio", e.warmup_ratio}});
  }
  return j;
}

Recipe recipe_from(const json& j, const std::string& kind) {
  Recipe r;
  r.kind = j.value("kind", kind);
  r.seed = j.value("seed", uint64_t{1});
  EncoderTrainOptions& e = r.encoder;
  e.base_dir = j.value("base", "");
  e.epochs = j.value("epochs", e.epochs);
  e.learning_rate = j.value("learning_rate", e.learning_rate);
  e.batch_size = j.value("batch_size", e.batch_size);
  e.max_length = j.value("max_length", e.max_length);
  e.weight_decay = j.value("weight_decay", e.weight_decay);
  e.warmup_ratio = j.value("warmup_ratio", e.warmup_ratio);
  return r;
}

json gate_json(const GateRecord& g) {
  return {{"promoted", g.promoted},
          {"reason", g.reason},
          {"holdout_n", g.holdout_n},
          {"challenger", {{"accuracy", g.challenger_accuracy}, {"auroc", opt(g.challenger_auroc)}}},
          {"active", g.active_version ? json{{"model", "v" + std::to_string(g.active_version)},
                                             {"accuracy", opt(g.active_accuracy)},
                                             {"auroc", opt(g.active_auroc)}}
                                      : json(nullptr)},
          {"p_worse", opt(g.p_worse)}};
}

GateRecord gate_from(const json& j) {
  GateRecord g;
  g.promoted = j.value("promoted", false);
  g.reason = j.value("reason", "");
  g.holdout_n = j.value("holdout_n", int64_t{0});
  if (j.contains("challenger") && j["challenger"].is_object()) {
    g.challenger_accuracy = j["challenger"].value("accuracy", 0.0);
    g.challenger_auroc = opt_from(j["challenger"], "auroc");
  }
  if (j.contains("active") && j["active"].is_object()) {
    const json& a = j["active"];
    std::string model = a.value("model", "v0");
    g.active_version = std::atoi(model.c_str() + (model.empty() ? 0 : 1));
    g.active_accuracy = opt_from(a, "accuracy");
    g.active_auroc = opt_from(a, "auroc");
  }
  g.p_worse = opt_from(j, "p_worse");
  return g;
}

}  // namespace

uint64_t row_key(std::string_view input, std::string_view output) {
  const std::string d = digest_fields({input, output}, 8);
  uint64_t key = 0;
  for (unsigned char c : d) key = key << 8 | c;
  return key;
}

std::vector<uint64_t> row_keys(const std::vector<Example>& examples) {
  std::vector<uint64_t> keys;
  keys.reserve(examples.size());
  for (const Example& e : examples) keys.push_back(row_key(e.input, e.output));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

bool uses_base_checkpoint(std::string_view kind) { return kind == "encoder" || kind == "embed"; }

Status validate_recipe(const Recipe& r, bool cli, BaseCheck base) {
  auto name = [cli](const char* flag, const char* field) {
    return std::string(cli ? flag : field);
  };
  HITLOOP_RETURN_IF_ERROR(find_evaluator(r.kind).status());
  if (!uses_base_checkpoint(r.kind)) return Status::Ok();
  const EncoderTrainOptions& e = r.encoder;
  if (base == BaseCheck::kNow && e.base_dir.empty()) {
    return InvalidArgument("kind " + r.kind + " needs " + name("--base NAME|DIR", "\"base\"") +
                           " (a HF DistilBERT/BERT checkpoint: a folder or a hub model name)");
  }
  if (base == BaseCheck::kNow &&
      !std::filesystem::exists(std::filesystem::path(e.base_dir) / "config.json")) {
    return InvalidArgument(e.base_dir + ": not a HF checkpoint directory (no config.json)");
  }
  if (r.kind != "encoder") return Status::Ok();
  if (e.epochs < 1 || e.epochs > 1000) {
    return InvalidArgument(name("--epochs", "epochs") + " must be 1..1000");
  }
  if (e.batch_size < 1 || e.batch_size > 4096) {
    return InvalidArgument(name("--batch-size", "batch_size") + " must be 1..4096");
  }
  if (e.max_length < 3 || e.max_length > 100000) {
    return InvalidArgument(name("--max-length", "max_length") + " must be 3..100000");
  }
  if (!(e.learning_rate > 0) || !std::isfinite(e.learning_rate)) {
    return InvalidArgument(name("--lr", "lr") + " must be positive");
  }
  if (!(e.weight_decay >= 0) || !std::isfinite(e.weight_decay)) {
    return InvalidArgument(name("--weight-decay", "weight_decay") + " must be >= 0");
  }
  if (!(e.warmup_ratio >= 0 && e.warmup_ratio <= 1)) {
    return InvalidArgument(name("--warmup-ratio", "warmup_ratio") + " must be in [0, 1]");
  }
  return Status::Ok();
}

std::string recipe_to_json(const Recipe& r) { return recipe_json(r).dump(); }
std::string gate_to_json(const GateRecord& g) { return gate_json(g).dump(); }

std::string metrics_to_json(const Metrics& m) { return metrics_json(m).dump(); }

std::string calibration_to_json(const Platt& p) {
  return json{
      {"method", "platt"}, {"a", p.a}, {"b", p.b}, {"fit", platt_fit_name(p.fit)}, {"n", p.n}}
      .dump();
}

std::string manifest_to_json(const Manifest& m) {
  json by_cat = json::object();
  for (const auto& [cat, metrics] : m.metrics_by_category) by_cat[cat] = metrics_json(metrics);
  json j = {{"format_version", m.format_version},
            {"kind", m.kind},
            {"version", m.version},
            {"parent_version", m.parent_version ? json(m.parent_version) : json(nullptr)},
            {"created_at_ms", m.created_at_ms},
            {"id2label", {{"0", "bad"}, {"1", "good"}}},
            {"dataset_hash", m.dataset_hash},
            {"labels_hash", m.labels_hash},
            {"n_train", m.n_train},
            {"recipe", m.recipe ? recipe_json(*m.recipe) : json(nullptr)},
            {"validation", m.validation},
            {"metrics", metrics_json(m.metrics)},
            {"worse_than_chance", m.worse_than_chance},
            {"metrics_by_category", by_cat},
            {"calibration", json::parse(calibration_to_json(m.calibration))},
            {"threshold", m.threshold},
            {"gate", m.gate ? gate_json(*m.gate) : json(nullptr)},
            {"checksums", m.checksums}};
  return j.dump(2) + "\n";
}

Result<Manifest> parse_manifest(const std::string& text, const std::string& origin) {
  try {
    json j = json::parse(text);
    Manifest m;
    m.format_version = j.at("format_version").get<int>();
    if (m.format_version > kManifestFormat) {
      return InvalidArgument(origin + ": artifact format " + std::to_string(m.format_version) +
                             " is newer than this hitloop reads (" +
                             std::to_string(kManifestFormat) + "); upgrade hitloop");
    }
    m.kind = j.at("kind").get<std::string>();
    m.version = j.value("version", 0);
    if (j.contains("parent_version") && j["parent_version"].is_number()) {
      m.parent_version = j["parent_version"].get<int>();
    }
    m.created_at_ms = j.value("created_at_ms", int64_t{0});
    m.dataset_hash = j.value("dataset_hash", "");
    m.labels_hash = j.value("labels_hash", "");
    m.n_train = j.value("n_train", int64_t{0});
    if (j.contains("recipe") && j["recipe"].is_object())
      m.recipe = recipe_from(j["recipe"], m.kind);
    m.worse_than_chance = j.value("worse_than_chance", false);
    if (j.contains("gate") && j["gate"].is_object()) m.gate = gate_from(j["gate"]);
    m.validation = j.value("validation", "");
    if (j.contains("metrics")) m.metrics = metrics_from(j["metrics"]);
    if (j.contains("metrics_by_category")) {
      for (auto& [cat, mj] : j["metrics_by_category"].items()) {
        m.metrics_by_category[cat] = metrics_from(mj);
      }
    }
    const json& cal = j.at("calibration");
    m.calibration.a = cal.at("a").get<double>();
    m.calibration.b = cal.at("b").get<double>();
    // Absent before small-n calibration was recorded: "default", n 0.
    m.calibration.fit = platt_fit_from_name(cal.value("fit", ""));
    m.calibration.n = cal.value("n", int64_t{0});
    m.threshold = j.value("threshold", 0.5);
    m.checksums = j.at("checksums").get<std::map<std::string, std::string>>();
    return m;
  } catch (const json::exception& e) {
    return InvalidArgument(origin + ": invalid manifest: " + e.what());
  }
}

Result<Manifest> read_manifest(const std::string& dir) {
  std::string path = (std::filesystem::path(dir) / "manifest.json").string();
  std::ifstream f(path, std::ios::binary);
  if (!f) return IoError(path + ": cannot read");
  std::stringstream text;
  text << f.rdbuf();
  return parse_manifest(text.str(), path);
}

Result<std::vector<uint64_t>> read_training_rows(const std::string& dir) {
  std::filesystem::path path = std::filesystem::path(dir) / kTrainingRowsFile;
  std::vector<uint64_t> keys;
  if (!std::filesystem::exists(path)) return keys;
  std::ifstream f(path, std::ios::binary);
  unsigned char b[8];
  while (f.read(reinterpret_cast<char*>(b), 8)) {
    uint64_t k = 0;
    for (int i = 7; i >= 0; --i) k = k << 8 | b[i];  // little-endian
    keys.push_back(k);
  }
  if (!f.eof() || f.gcount() != 0) return IoError(path.string() + ": truncated");
  return keys;
}

Result<std::string> file_checksum(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return IoError(path + ": cannot read");
  Digest d(32);
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) d.update(std::string_view(buf, n));
  std::fclose(f);
  return to_hex(d.finish());
}

}  // namespace hitloop::ml
