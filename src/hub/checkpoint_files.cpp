#include "hub/checkpoint_files.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "hub/model_ref.h"

namespace hitloop::hub {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Files taken when the repo has them; none of them is required.
const std::vector<std::string>& optional_files() {
  static const std::vector<std::string> files = {
      "tokenizer_config.json", "special_tokens_map.json", "modules.json",
      "config_sentence_transformers.json", "sentence_bert_config.json"};
  return files;
}

std::string join_alternatives(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? " or " : "") + names[i];
  return out;
}

}  // namespace

const std::vector<std::vector<std::string>>& required_checkpoint_files() {
  static const std::vector<std::vector<std::string>> files = {
      {"config.json"}, {"vocab.txt", "tokenizer.json"}, {"model.safetensors", "pytorch_model.bin"}};
  return files;
}

Status check_checkpoint_dir(const std::filesystem::path& dir) {
  for (const auto& alternatives : required_checkpoint_files()) {
    bool found = std::any_of(alternatives.begin(), alternatives.end(), [&](const std::string& f) {
      std::error_code ec;
      return std::filesystem::is_regular_file(dir / f, ec);
    });
    if (!found) return NotFound("no " + join_alternatives(alternatives) + " in " + dir.string());
  }
  return Status::Ok();
}

Result<std::vector<std::string>> checkpoint_files(const std::vector<std::string>& repo_files,
                                                  const std::string& repo_id) {
  for (const auto& alternatives : required_checkpoint_files()) {
    if (std::none_of(alternatives.begin(), alternatives.end(),
                     [&](const std::string& f) { return contains(repo_files, f); })) {
      return NotFound("the hub repo " + repo_id + " has no " + join_alternatives(alternatives) +
                      " (not a BERT/DistilBERT checkpoint in transformers' format)");
    }
  }
  std::vector<std::string> out = {"config.json"};
  // Both tokenizer files when both exist (transformers reads either), but
  // one weights file: safetensors first, as transformers prefers it.
  for (const char* f : {"vocab.txt", "tokenizer.json"}) {
    if (contains(repo_files, f)) out.push_back(f);
  }
  out.push_back(contains(repo_files, "model.safetensors") ? "model.safetensors"
                                                          : "pytorch_model.bin");
  for (const std::string& f : optional_files()) {
    if (contains(repo_files, f)) out.push_back(f);
  }
  return out;
}

Result<std::vector<std::string>> module_dirs(const std::string& modules_json) {
  using nlohmann::json;
  json doc = json::parse(modules_json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_array() || doc.size() > 64) {
    return InvalidArgument("modules.json is not a list of sentence-transformers modules");
  }
  std::vector<std::string> dirs;
  for (const json& module : doc) {
    if (!module.is_object() || !module.contains("path") || !module["path"].is_string()) {
      return InvalidArgument("modules.json: a module without a \"path\" string");
    }
    std::string path = module["path"].get<std::string>();
    if (path.empty()) continue;
    if (!is_safe_repo_file(path)) {
      return InvalidArgument("modules.json: unsafe module path \"" + path + "\"");
    }
    dirs.push_back(path);
  }
  return dirs;
}

Result<std::vector<std::string>> files_in_dirs(const std::vector<std::string>& repo_files,
                                               const std::vector<std::string>& dirs) {
  constexpr size_t kMaxModuleFiles = 64;
  std::vector<std::string> out;
  for (const std::string& f : repo_files) {
    bool inside = std::any_of(dirs.begin(), dirs.end(), [&](const std::string& d) {
      return f.size() > d.size() && f.compare(0, d.size(), d) == 0 && f[d.size()] == '/';
    });
    if (!inside) continue;
    if (out.size() == kMaxModuleFiles) {
      return InvalidArgument("the sentence-transformers modules list more than " +
                             std::to_string(kMaxModuleFiles) + " files");
    }
    out.push_back(f);
  }
  return out;
}

}  // namespace hitloop::hub
