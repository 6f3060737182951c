#include "ml/manifest.h"

#include <sodium.h>

#include <cstdio>
#include <nlohmann/json.hpp>

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
  if (j.contains("confusion")) {
    const json& c = j["confusion"];
    m.confusion = {c.value("true_good", int64_t{0}), c.value("false_bad", int64_t{0}),
                   c.value("false_good", int64_t{0}), c.value("true_bad", int64_t{0})};
  }
  return m;
}

}  // namespace

std::string metrics_to_json(const Metrics& m) { return metrics_json(m).dump(); }

std::string calibration_to_json(const Platt& p) {
  return json{{"method", "platt"}, {"a", p.a}, {"b", p.b}}.dump();
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
            {"n_train", m.n_train},
            {"validation", m.validation},
            {"metrics", metrics_json(m.metrics)},
            {"metrics_by_category", by_cat},
            {"calibration", json::parse(calibration_to_json(m.calibration))},
            {"threshold", m.threshold},
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
    m.n_train = j.value("n_train", int64_t{0});
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
    m.threshold = j.value("threshold", 0.5);
    m.checksums = j.at("checksums").get<std::map<std::string, std::string>>();
    return m;
  } catch (const json::exception& e) {
    return InvalidArgument(origin + ": invalid manifest: " + e.what());
  }
}

Result<std::string> file_checksum(const std::string& path) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return IoError(path + ": cannot read");
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  unsigned char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) crypto_generichash_update(&st, buf, n);
  std::fclose(f);
  unsigned char out[32];
  crypto_generichash_final(&st, out, sizeof out);
  char hex[65];
  for (int i = 0; i < 32; ++i) std::snprintf(hex + 2 * i, 3, "%02x", out[i]);
  return std::string(hex);
}

}  // namespace hitloop::ml
