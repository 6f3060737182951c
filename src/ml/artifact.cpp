#include "ml/artifact.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

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
    // .tmp-<pid>-<n>: keep temps of live processes (a concurrent trainer)
    // and this one's (another staged artifact; its owner removes it).
    pid_t pid = static_cast<pid_t>(std::atol(name.c_str() + sizeof(kTempPrefix) - 1));
    if (pid > 0 && (pid == getpid() || ::kill(pid, 0) == 0)) continue;
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

StagedArtifact& StagedArtifact::operator=(StagedArtifact&& o) noexcept {
  if (this != &o) {
    discard();
    models_dir_ = std::move(o.models_dir_);
    tmp_dir_ = std::exchange(o.tmp_dir_, "");
    manifest_ = std::move(o.manifest_);
  }
  return *this;
}

StagedArtifact::~StagedArtifact() { discard(); }

void StagedArtifact::discard() {
  if (tmp_dir_.empty()) return;
  std::error_code ec;
  fs::remove_all(tmp_dir_, ec);
  tmp_dir_.clear();
}

Result<StagedArtifact> stage_artifact(const Model& model, Manifest manifest,
                                      const std::string& models_dir) {
  static std::atomic<int> next_temp{0};
  std::error_code ec;
  fs::create_directories(models_dir, ec);
  if (ec) return IoError(models_dir + ": cannot create models directory: " + ec.message());
  remove_stale_temps(models_dir);
  fs::path tmp = fs::path(models_dir) / (std::string(kTempPrefix) + std::to_string(getpid()) + "-" +
                                         std::to_string(next_temp++));
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return IoError(tmp.string() + ": " + ec.message());
  // From here on the directory is removed if anything fails.
  StagedArtifact staged(models_dir, tmp.string(), {});
  HITLOOP_RETURN_IF_ERROR(model.save(tmp.string()));
  if (!manifest.training_rows.empty()) {
    HITLOOP_RETURN_IF_ERROR(write_training_rows(tmp / kTrainingRowsFile, manifest.training_rows));
  }
  manifest.kind = std::string(model.kind());
  manifest.created_at_ms = now_ms();
  manifest.checksums.clear();
  for (const auto& entry : fs::directory_iterator(tmp)) {
    HITLOOP_ASSIGN_OR_RETURN(std::string sum, file_checksum(entry.path().string()));
    manifest.checksums[entry.path().filename().string()] = sum;
  }
  staged.manifest_ = std::move(manifest);
  return staged;
}

Result<std::string> place_artifact(StagedArtifact& staged, int& version) {
  if (staged.tmp_dir_.empty()) return FailedPrecondition("the artifact was placed already");
  const fs::path dir(staged.models_dir_);
  // A directory without a row (a crash between rename and registering)
  // must not be overwritten or reused: skip past it.
  while (fs::exists(dir / ("v" + std::to_string(version)))) ++version;
  staged.manifest_.version = version;
  const fs::path tmp(staged.tmp_dir_);
  HITLOOP_RETURN_IF_ERROR(write_text(tmp / kManifestFile, manifest_to_json(staged.manifest_)));
  fs::path final_dir = dir / ("v" + std::to_string(version));
  std::error_code ec;
  fs::rename(tmp, final_dir, ec);
  if (ec) return IoError(final_dir.string() + ": cannot rename into place: " + ec.message());
  staged.tmp_dir_.clear();
  return fs::absolute(final_dir).lexically_normal().string();
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

}  // namespace hitloop::ml
