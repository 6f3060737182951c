#include "ml/registry.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/clock.h"
#include "core/dataset.h"

namespace hitloop::ml {
namespace fs = std::filesystem;

namespace {

constexpr char kManifestFile[] = "manifest.json";
constexpr char kTempPrefix[] = ".tmp-";

Status write_text(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << text;
  f.flush();
  return f ? Status::Ok() : IoError(p.string() + ": write failed");
}

// Little-endian u64s, sorted: compact, and covered by the checksums like
// every other file of the artifact.
Status write_training_rows(const fs::path& p, const std::vector<uint64_t>& keys) {
  std::string bytes;
  bytes.reserve(keys.size() * 8);
  for (uint64_t k : keys) {
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>(k >> (8 * i) & 0xff));
  }
  return write_text(p, bytes);
}

// Removes what interrupted writes left behind (temp dirs of dead processes).
void remove_stale_temps(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(kTempPrefix, 0) != 0) continue;
    // .tmp-<pid>-vN: keep temps of live processes (a concurrent trainer).
    pid_t pid = static_cast<pid_t>(std::atol(name.c_str() + sizeof(kTempPrefix) - 1));
    if (pid > 0 && pid != getpid() && ::kill(pid, 0) == 0) continue;
    fs::remove_all(entry.path(), ec);
  }
}

}  // namespace

void LoadedModel::score(std::span<const TextPair> pairs, std::span<double> out) const {
  model->margins(pairs, out);
  for (double& v : out) v = manifest.calibration.apply(v);
}

double LoadedModel::score(const TextPair& pair) const {
  double out = 0;
  score(std::span<const TextPair>(&pair, 1), std::span<double>(&out, 1));
  return out;
}

Scored evaluate_model(const LoadedModel& model, const std::vector<Example>& examples) {
  std::vector<TextPair> pairs;
  pairs.reserve(examples.size());
  for (const Example& e : examples) pairs.push_back({e.input, e.output});
  std::vector<double> margins(pairs.size());
  model.model->margins(pairs, margins);
  return score_examples(examples, margins, model.manifest.calibration, model.manifest.threshold);
}

Result<int> parse_version(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && (digits[0] == 'v' || digits[0] == 'V')) digits.remove_prefix(1);
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return InvalidArgument("\"" + std::string(text) + "\" is not a model version (like v3)");
  }
  return std::stoi(std::string(digits));
}

Registry::Registry(Store& store, std::string models_dir)
    : store_(store), dir_(std::move(models_dir)) {}

std::string Registry::default_models_dir(const std::string& db_path) {
  fs::path p(db_path);
  return (p.parent_path() / (p.stem().string() + ".models")).string();
}

Result<int> Registry::add(const Model& model, Manifest manifest, bool activate) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return IoError(dir_ + ": cannot create models directory: " + ec.message());
  remove_stale_temps(dir_);
  HITLOOP_ASSIGN_OR_RETURN(int last, store_.max_model_version());
  int version = last + 1;
  // A directory without a row (a crash between rename and insert) must not
  // be overwritten or reused: skip past it.
  while (fs::exists(fs::path(dir_) / ("v" + std::to_string(version)))) ++version;

  fs::path tmp = fs::path(dir_) / (std::string(kTempPrefix) + std::to_string(getpid()) + "-v" +
                                   std::to_string(version));
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return IoError(tmp.string() + ": " + ec.message());
  auto fail = [&](const Status& st) {
    fs::remove_all(tmp, ec);
    return st;
  };
  Status saved = model.save(tmp.string());
  if (!saved.ok()) return fail(saved);
  if (!manifest.training_rows.empty()) {
    Status rows = write_training_rows(tmp / kTrainingRowsFile, manifest.training_rows);
    if (!rows.ok()) return fail(rows);
  }
  manifest.version = version;
  manifest.kind = std::string(model.kind());
  manifest.created_at_ms = now_ms();
  manifest.checksums.clear();
  for (const auto& entry : fs::directory_iterator(tmp)) {
    auto sum = file_checksum(entry.path().string());
    if (!sum.ok()) return fail(sum.status());
    manifest.checksums[entry.path().filename().string()] = *sum;
  }
  Status written = write_text(tmp / kManifestFile, manifest_to_json(manifest));
  if (!written.ok()) return fail(written);
  fs::path final_dir = fs::path(dir_) / ("v" + std::to_string(version));
  fs::rename(tmp, final_dir, ec);
  if (ec) return fail(IoError(final_dir.string() + ": cannot rename into place: " + ec.message()));

  ModelRecord record;
  record.version = version;
  record.kind = manifest.kind;
  record.parent_version = manifest.parent_version;
  record.created_at_ms = manifest.created_at_ms;
  record.dataset_hash = manifest.dataset_hash;
  record.metrics_json = metrics_to_json(manifest.metrics);
  record.calibration_json = calibration_to_json(manifest.calibration);
  record.note = manifest.note;
  record.path = fs::absolute(final_dir).lexically_normal().string();
  Status added = store_.add_model(record, activate);
  if (!added.ok()) {
    fs::remove_all(final_dir, ec);
    return added;
  }
  return version;
}

Result<LoadedModel> load_artifact(const std::string& dir) {
  fs::path manifest_path = fs::path(dir) / kManifestFile;
  // A plain HF checkpoint directory (config.json, no manifest): scored by the
  // encoder kind as it is, P(good) = P(label 1), threshold 0.5.
  if (!fs::exists(manifest_path) && fs::exists(fs::path(dir) / "config.json")) {
    HITLOOP_ASSIGN_OR_RETURN(const Evaluator* encoder, find_evaluator("encoder"));
    HITLOOP_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, encoder->load(dir));
    LoadedModel out;
    out.name = dir;
    out.dir = dir;
    out.manifest.kind = "encoder";
    out.manifest.validation = "none (a HF checkpoint directory)";
    out.model = std::move(model);
    return out;
  }
  HITLOOP_ASSIGN_OR_RETURN(std::string text, read_file(manifest_path.string()));
  HITLOOP_ASSIGN_OR_RETURN(Manifest manifest, parse_manifest(text, manifest_path.string()));
  for (const auto& [file, expected] : manifest.checksums) {
    HITLOOP_ASSIGN_OR_RETURN(std::string actual, file_checksum((fs::path(dir) / file).string()));
    if (actual != expected) {
      return InvalidArgument((fs::path(dir) / file).string() +
                             ": checksum mismatch (the file was modified or corrupted)");
    }
  }
  HITLOOP_ASSIGN_OR_RETURN(const Evaluator* evaluator, find_evaluator(manifest.kind));
  HITLOOP_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, evaluator->load(dir));
  LoadedModel out;
  out.dir = dir;
  out.version = manifest.version;
  out.name = "v" + std::to_string(manifest.version);
  out.manifest = std::move(manifest);
  out.model = std::move(model);
  return out;
}

Result<LoadedModel> Registry::load(int version) {
  Result<ModelRecord> record = version == 0 ? store_.active_model() : store_.get_model(version);
  if (!record.ok()) return record.status();
  return load_artifact(record->path);
}

Status Registry::activate(int version) { return store_.activate_model(version); }

nlohmann::ordered_json model_json(const ModelRecord& m) {
  using Json = nlohmann::ordered_json;
  Result<Manifest> manifest = read_manifest(m.path);
  const bool ok = manifest.ok();
  return {
      {"model", "v" + std::to_string(m.version)},
      {"kind", m.kind},
      {"status", model_status_name(m.status)},
      {"parent", m.parent_version ? Json("v" + std::to_string(m.parent_version)) : Json(nullptr)},
      {"created_at_ms", m.created_at_ms},
      {"metrics", Json::parse(m.metrics_json)},
      {"worse_than_chance", ok && manifest->worse_than_chance},
      {"note", m.note.empty() ? Json(nullptr) : Json(m.note)},
      {"gate", ok && manifest->gate ? Json::parse(gate_to_json(*manifest->gate)) : Json(nullptr)}};
}

}  // namespace hitloop::ml
