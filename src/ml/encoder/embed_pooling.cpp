#include "ml/encoder/embed_pooling.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/dataset.h"

namespace hitloop::ml::encoder {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;

// Configuration files are a few hundred bytes; a larger one is not one.
constexpr uintmax_t kMaxConfigBytes = 1 << 20;

constexpr PoolingMode kAllModes[] = {PoolingMode::kCls,          PoolingMode::kMax,
                                     PoolingMode::kMean,         PoolingMode::kMeanSqrtLen,
                                     PoolingMode::kWeightedMean, PoolingMode::kLastToken};

// The pooling config key of each mode, in kAllModes' order.
constexpr const char* kModeKeys[] = {
    "pooling_mode_cls_token",           "pooling_mode_max_tokens",
    "pooling_mode_mean_tokens",         "pooling_mode_mean_sqrt_len_tokens",
    "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"};

// A JSON file, parsed; nullopt-like NotFound when absent.
Result<json> read_json_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return NotFound(path.string() + ": not found");
  if (!fs::is_regular_file(path, ec)) return InvalidArgument(path.string() + ": not a file");
  if (fs::file_size(path, ec) > kMaxConfigBytes) {
    return InvalidArgument(path.string() + ": larger than 1 MiB; not a configuration file");
  }
  HITLOOP_ASSIGN_OR_RETURN(std::string text, read_file(path.string()));
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return InvalidArgument(path.string() + ": not valid JSON");
  return j;
}

// The last dotted component of a module type
// ("sentence_transformers.models.Pooling" -> "Pooling").
std::string short_type(const std::string& type) {
  size_t dot = type.rfind('.');
  return dot == std::string::npos ? type : type.substr(dot + 1);
}

// A module's folder: relative, inside the checkpoint, no "..".
Result<fs::path> module_dir(const std::string& dir, const std::string& rel,
                            const std::string& origin) {
  fs::path p(rel);
  if (p.is_absolute() || p.has_root_name() || p.has_root_directory()) {
    return InvalidArgument(origin + ": module path \"" + rel + "\" must be relative");
  }
  for (const fs::path& part : p) {
    if (part == "..") {
      return InvalidArgument(origin + ": module path \"" + rel + "\" leaves the checkpoint");
    }
  }
  return fs::path(dir) / p;
}

struct Modules {
  std::string pooling_path;  // folder of the Pooling module
  bool normalize = false;
};

// modules.json: Transformer (at the checkpoint's root), Pooling, then
// optionally Normalize; anything else would change the embedding in ways
// not implemented here.
Result<Modules> read_modules(const std::string& dir, const json& j, const std::string& origin) {
  if (!j.is_array()) return InvalidArgument(origin + ": must be a list of modules");
  Modules m;
  bool pooling = false;
  for (size_t i = 0; i < j.size(); ++i) {
    const json& e = j[i];
    const std::string at = origin + ": module " + std::to_string(i);
    if (!e.is_object() || !e.contains("type") || !e["type"].is_string()) {
      return InvalidArgument(at + " has no \"type\" string");
    }
    if (e.contains("path") && !e["path"].is_string()) {
      return InvalidArgument(at + ": \"path\" must be a string");
    }
    const std::string type = e["type"].get<std::string>();
    const std::string path = e.value("path", "");
    const std::string kind = short_type(type);
    if (kind == "Transformer" && i == 0) {
      if (!path.empty()) {
        return InvalidArgument(at + ": the Transformer lives in \"" + path +
                               "\"; hitloop reads it only at the checkpoint's root");
      }
    } else if (kind == "Pooling" && i == 1) {
      HITLOOP_ASSIGN_OR_RETURN(fs::path p, module_dir(dir, path, origin));
      m.pooling_path = p.string();
      pooling = true;
    } else if (kind == "Normalize" && i == 2) {
      m.normalize = true;
    } else {
      return InvalidArgument(at + " (" + type +
                             ") is not supported here: hitloop runs Transformer, Pooling and an "
                             "optional Normalize, in that order");
    }
  }
  if (!pooling) {
    return InvalidArgument(origin + ": no Pooling module after the Transformer");
  }
  return m;
}

// sentence_bert_config.json's max_seq_length and do_lower_case, if present.
Status read_sbert_config(const std::string& dir, SentenceConfig& c) {
  const fs::path path = fs::path(dir) / "sentence_bert_config.json";
  Result<json> j = read_json_file(path);
  if (!j.ok()) return j.status().is_not_found() ? Status::Ok() : j.status();
  const std::string origin = path.string();
  if (!j->is_object()) return InvalidArgument(origin + ": must be a JSON object");
  if (j->contains("max_seq_length") && !(*j)["max_seq_length"].is_null()) {
    const json& v = (*j)["max_seq_length"];
    if (!v.is_number_integer() || v.get<int64_t>() < 3 || v.get<int64_t>() > 1000000) {
      return InvalidArgument(origin + ": \"max_seq_length\" must be a whole number of at least 3");
    }
    c.max_seq_length = static_cast<int>(v.get<int64_t>());
  }
  if (j->contains("do_lower_case")) {
    if (!(*j)["do_lower_case"].is_boolean()) {
      return InvalidArgument(origin + ": \"do_lower_case\" must be true or false");
    }
    c.do_lower_case = (*j)["do_lower_case"].get<bool>();
  }
  return Status::Ok();
}

// The tokenizer's model_max_length, when tokenizer_config.json gives a
// sensible one (transformers writes a huge sentinel when there is none).
Result<int64_t> tokenizer_max_length(const std::string& dir) {
  Result<json> j = read_json_file(fs::path(dir) / "tokenizer_config.json");
  if (!j.ok()) {
    if (j.status().is_not_found()) return int64_t{0};
    return j.status();
  }
  if (!j->is_object() || !j->contains("model_max_length")) return 0;
  const json& v = (*j)["model_max_length"];
  if (!v.is_number() || v.get<double>() < 1 || v.get<double>() > 1e9) return 0;
  return static_cast<int64_t>(v.get<double>());
}

}  // namespace

const char* pooling_mode_name(PoolingMode mode) {
  switch (mode) {
    case PoolingMode::kCls:
      return "cls";
    case PoolingMode::kMax:
      return "max";
    case PoolingMode::kMean:
      return "mean";
    case PoolingMode::kMeanSqrtLen:
      return "mean_sqrt_len_tokens";
    case PoolingMode::kWeightedMean:
      return "weightedmean";
    case PoolingMode::kLastToken:
      return "lasttoken";
  }
  return "?";
}

Result<PoolingMode> pooling_mode_from_name(const std::string& name) {
  for (PoolingMode m : kAllModes) {
    if (name == pooling_mode_name(m)) return m;
  }
  return InvalidArgument("unknown pooling mode \"" + name +
                         "\" (known: cls, max, mean, mean_sqrt_len_tokens, weightedmean, "
                         "lasttoken)");
}

std::string SentenceConfig::describe() const {
  std::string s;
  for (PoolingMode m : modes) s += (s.empty() ? "" : "+") + std::string(pooling_mode_name(m));
  return normalize ? s + ", normalized" : s;
}

bool operator==(const SentenceConfig& a, const SentenceConfig& b) {
  return a.modes == b.modes && a.normalize == b.normalize && a.max_seq_length == b.max_seq_length &&
         a.do_lower_case == b.do_lower_case;
}

Result<std::vector<PoolingMode>> parse_pooling_config(const std::string& text,
                                                      const std::string& origin, int64_t hidden) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return InvalidArgument(origin + ": not valid JSON");
  if (!j.is_object()) return InvalidArgument(origin + ": must be a JSON object");
  // sentence-transformers' constructor defaults: mean pooling alone.
  bool on[std::size(kAllModes)] = {false, false, true, false, false, false};
  for (const auto& [key, value] : j.items()) {
    const auto* it = std::find(std::begin(kModeKeys), std::end(kModeKeys), key);
    if (it != std::end(kModeKeys)) {
      if (!value.is_boolean()) return InvalidArgument(origin + ": \"" + key + "\" must be a bool");
      on[it - std::begin(kModeKeys)] = value.get<bool>();
    } else if (key == "word_embedding_dimension") {
      if (!value.is_number_integer() || value.get<int64_t>() != hidden) {
        return InvalidArgument(origin + ": word_embedding_dimension is " + value.dump() +
                               " but the model's hidden size is " + std::to_string(hidden));
      }
    } else if (key == "include_prompt") {
      // Only matters with prompts, which hitloop never adds.
      if (!value.is_boolean()) return InvalidArgument(origin + ": \"" + key + "\" must be a bool");
    } else if (key != "pooling_mode") {
      return InvalidArgument(origin + ": unknown key \"" + key + "\" (not a pooling setting " +
                             "hitloop knows; it could change the embedding)");
    }
  }
  if (!j.contains("word_embedding_dimension")) {
    return InvalidArgument(origin + ": \"word_embedding_dimension\" is missing");
  }
  if (j.contains("pooling_mode") && !j["pooling_mode"].is_null()) {
    if (!j["pooling_mode"].is_string()) {
      return InvalidArgument(origin + ": \"pooling_mode\" must be a string");
    }
    std::string name = j["pooling_mode"].get<std::string>();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    Result<PoolingMode> mode = pooling_mode_from_name(name);
    if (!mode.ok()) return InvalidArgument(origin + ": " + mode.status().message());
    for (size_t i = 0; i < std::size(kAllModes); ++i) on[i] = kAllModes[i] == *mode;
  }
  std::vector<PoolingMode> modes;
  for (size_t i = 0; i < std::size(kAllModes); ++i) {
    if (on[i]) modes.push_back(kAllModes[i]);
  }
  if (modes.empty()) return InvalidArgument(origin + ": turns every pooling mode off");
  return modes;
}

Result<SentenceConfig> read_sentence_config(const std::string& dir, int64_t hidden,
                                            int64_t max_positions) {
  SentenceConfig c;
  c.modes = {PoolingMode::kMean};
  const fs::path modules_path = fs::path(dir) / "modules.json";
  Result<json> modules = read_json_file(modules_path);
  if (modules.ok()) {
    HITLOOP_ASSIGN_OR_RETURN(Modules m, read_modules(dir, *modules, modules_path.string()));
    const fs::path pooling_path = fs::path(m.pooling_path) / "config.json";
    Result<json> pooling = read_json_file(pooling_path);
    if (!pooling.ok()) return pooling.status();
    HITLOOP_ASSIGN_OR_RETURN(c.modes,
                             parse_pooling_config(pooling->dump(), pooling_path.string(), hidden));
    c.normalize = m.normalize;
  } else if (!modules.status().is_not_found()) {
    return modules.status();
  }
  HITLOOP_RETURN_IF_ERROR(read_sbert_config(dir, c));
  if (c.max_seq_length > max_positions) {
    return InvalidArgument(dir + "/sentence_bert_config.json: max_seq_length " +
                           std::to_string(c.max_seq_length) + " exceeds the model's " +
                           std::to_string(max_positions) + " positions");
  }
  if (c.max_seq_length == 0) {
    HITLOOP_ASSIGN_OR_RETURN(int64_t tokenizer_max, tokenizer_max_length(dir));
    int64_t m = tokenizer_max > 0 ? std::min(tokenizer_max, max_positions) : max_positions;
    c.max_seq_length = static_cast<int>(std::max<int64_t>(m, 3));
  }
  return c;
}

void pool_tokens(const float* tokens, int64_t length, int64_t hidden, const SentenceConfig& config,
                 float* out) {
  const float* const end = tokens + length * hidden;
  float* o = out;
  for (PoolingMode mode : config.modes) {
    for (int64_t h = 0; h < hidden; ++h, ++o) {
      switch (mode) {
        case PoolingMode::kCls:
          *o = length > 0 ? tokens[h] : 0.f;
          break;
        case PoolingMode::kMax: {
          float m = -1e9f;  // what sentence-transformers gives padding
          for (const float* t = tokens + h; t < end; t += hidden) m = std::max(m, *t);
          *o = m;
          break;
        }
        case PoolingMode::kMean:
        case PoolingMode::kMeanSqrtLen: {
          double s = 0;
          for (const float* t = tokens + h; t < end; t += hidden) s += *t;
          const double n = std::max<double>(static_cast<double>(length), 1e-9);
          *o = static_cast<float>(mode == PoolingMode::kMean ? s / n : s / std::sqrt(n));
          break;
        }
        case PoolingMode::kWeightedMean: {
          double s = 0, w = 0, position = 1;  // positions weigh 1, 2, 3, ...
          for (const float* t = tokens + h; t < end; t += hidden, ++position) {
            s += position * *t;
            w += position;
          }
          *o = static_cast<float>(s / std::max(w, 1e-9));
          break;
        }
        case PoolingMode::kLastToken:
          *o = length > 0 ? tokens[(length - 1) * hidden + h] : 0.f;
          break;
      }
    }
  }
  if (!config.normalize) return;
  double sq = 0;
  for (float* p = out; p < o; ++p) sq += static_cast<double>(*p) * *p;
  const double norm = std::max(std::sqrt(sq), 1e-12);
  for (float* p = out; p < o; ++p) *p = static_cast<float>(*p / norm);
}

}  // namespace hitloop::ml::encoder
