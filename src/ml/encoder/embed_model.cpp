#include "ml/encoder/embed_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "core/dataset.h"
#include "core/digest.h"
#include "ml/encoder/encoder_state.h"

namespace hitloop::ml::encoder {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;

Result<SentenceConfig> sentence_from_json(const json& j, const std::string& origin) {
  SentenceConfig s;
  if (!j.contains("pooling") || !j["pooling"].is_array() || j["pooling"].empty()) {
    return InvalidArgument(origin + ": \"pooling\" must be a non-empty list of modes");
  }
  for (const json& m : j["pooling"]) {
    if (!m.is_string()) return InvalidArgument(origin + ": pooling modes must be strings");
    Result<PoolingMode> mode = pooling_mode_from_name(m.get<std::string>());
    if (!mode.ok()) return InvalidArgument(origin + ": " + mode.status().message());
    if (!s.modes.empty() && *mode <= s.modes.back()) {
      return InvalidArgument(origin + ": pooling modes repeated or out of order");
    }
    s.modes.push_back(*mode);
  }
  if (!j.contains("normalize") || !j["normalize"].is_boolean() || !j.contains("do_lower_case") ||
      !j["do_lower_case"].is_boolean() || !j.contains("max_seq_length") ||
      !j["max_seq_length"].is_number_integer()) {
    return InvalidArgument(origin +
                           ": needs \"normalize\", \"do_lower_case\" (booleans) and "
                           "\"max_seq_length\" (a whole number)");
  }
  s.normalize = j["normalize"].get<bool>();
  s.do_lower_case = j["do_lower_case"].get<bool>();
  const int64_t max_len = j["max_seq_length"].get<int64_t>();
  if (max_len < 3 || max_len > 1000000) return InvalidArgument(origin + ": bad max_seq_length");
  s.max_seq_length = static_cast<int>(max_len);
  return s;
}

}  // namespace

Result<std::vector<float>> embed_cached(const SentenceEncoder& encoder, EmbedCache& cache,
                                        std::span<const std::string_view> texts,
                                        const ProgressFn& progress, EmbedStats* stats) {
  const size_t d = encoder.dim();
  std::vector<float> out(texts.size() * d);
  // Each distinct text once: from the cache, or embedded with every row
  // that wants it noted.
  std::unordered_map<std::string, size_t> first;          // key -> its first row
  std::unordered_map<std::string, size_t> missing_index;  // key -> index into missing
  std::vector<std::string_view> missing;
  std::vector<std::string> missing_keys;
  std::vector<std::vector<size_t>> wanted_by;
  EmbedStats s;
  s.texts = texts.size();
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string key = EmbedCache::text_key(texts[i]);
    auto [it, fresh] = first.emplace(key, i);
    if (!fresh) {
      auto m = missing_index.find(key);
      if (m != missing_index.end()) {
        wanted_by[m->second].push_back(i);
      } else {
        std::copy_n(&out[it->second * d], d, &out[i * d]);
      }
      continue;
    }
    ++s.distinct;
    if (cache.get(key, &out[i * d])) {
      ++s.cached;
      continue;
    }
    missing_index.emplace(key, missing.size());
    missing.push_back(texts[i]);
    missing_keys.push_back(std::move(key));
    wanted_by.push_back({i});
  }
  if (!missing.empty()) {
    const auto start = std::chrono::steady_clock::now();
    HITLOOP_ASSIGN_OR_RETURN(std::vector<float> fresh, encoder.embed(missing, progress));
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (size_t k = 0; k < missing.size(); ++k) {
      std::span<const float> e(&fresh[k * d], d);
      cache.put(missing_keys[k], e);
      for (size_t i : wanted_by[k]) std::copy(e.begin(), e.end(), out.begin() + i * d);
    }
  }
  if (stats) *stats = s;
  return out;
}

std::string describe(const EmbedStats& s) {
  const size_t embedded = s.distinct - s.cached;
  char line[240];
  std::snprintf(line, sizeof line,
                "embed: %zu texts (%zu distinct): %zu from the cache, %zu embedded in %.1f s "
                "(%.1f texts/s)",
                s.texts, s.distinct, s.cached, embedded, s.seconds,
                s.seconds > 0 ? embedded / s.seconds : 0.0);
  return line;
}

EmbedModel::EmbedModel(std::shared_ptr<const SentenceEncoder> encoder, EmbedHead head)
    : encoder_(std::move(encoder)),
      cache_(EmbedCache::shared(encoder_->digest(), encoder_->dim())),
      head_(std::move(head)) {}

void EmbedModel::margins(std::span<const TextPair> pairs, std::span<double> out) const {
  std::vector<std::string_view> texts;
  texts.reserve(2 * pairs.size());
  for (const TextPair& p : pairs) texts.insert(texts.end(), {p.input, p.output});
  Result<std::vector<float>> e = embed_cached(*encoder_, *cache_, texts);
  const size_t d = encoder_->dim();
  for (size_t i = 0; i < out.size(); ++i) {
    // The Model interface has no error path; a NaN marks the failure.
    out[i] = e.ok() ? head_.margin(&(*e)[2 * i * d], &(*e)[(2 * i + 1) * d]) : std::nan("");
  }
}

std::vector<Contribution> EmbedModel::explain(const TextPair& pair, size_t top_k) const {
  const std::string_view texts[] = {pair.input, pair.output};
  Result<std::vector<float>> e = embed_cached(*encoder_, *cache_, texts);
  if (!e.ok()) return {};
  return head_.explain(e->data(), e->data() + encoder_->dim(), top_k);
}

Status EmbedModel::save(const std::string& dir) const {
  HITLOOP_RETURN_IF_ERROR(encoder_->copy_files_to(dir));
  const SentenceConfig& s = encoder_->sentence_config();
  json pooling = json::array();
  for (PoolingMode m : s.modes) pooling.push_back(pooling_mode_name(m));
  json j = {{"format", kEmbedFormat},
            {"kind", "embed"},
            {"pooling", pooling},
            {"normalize", s.normalize},
            {"max_seq_length", s.max_seq_length},
            {"do_lower_case", s.do_lower_case},
            {"dim", encoder_->dim()},
            {"encoder_digest", to_hex(encoder_->digest())},
            {"encoder", encoder_->describe()},
            {"head", json::parse(head_.to_json())}};
  return write_file(fs::path(dir) / kEmbedFile, j.dump(1) + "\n");
}

Result<std::unique_ptr<EmbedModel>> EmbedModel::load(const std::string& dir) {
  const std::string origin = (fs::path(dir) / kEmbedFile).string();
  HITLOOP_ASSIGN_OR_RETURN(std::string text, read_file(origin));
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument(origin + ": not valid JSON");
  if (!j.contains("format") || !j["format"].is_number_integer() ||
      j["format"].get<int>() != kEmbedFormat) {
    return InvalidArgument(origin + ": unknown format (this build reads format " +
                           std::to_string(kEmbedFormat) + ")");
  }
  HITLOOP_ASSIGN_OR_RETURN(SentenceConfig sentence, sentence_from_json(j, origin));
  if (!j.contains("encoder_digest") || !j["encoder_digest"].is_string() || !j.contains("head")) {
    return InvalidArgument(origin + ": needs \"encoder_digest\" and \"head\"");
  }
  HITLOOP_ASSIGN_OR_RETURN(std::shared_ptr<const SentenceEncoder> encoder,
                           SentenceEncoder::open(dir, sentence));
  if (to_hex(encoder->digest()) != j["encoder_digest"].get<std::string>()) {
    return InvalidArgument(dir +
                           ": the encoder's files do not match the digest in embed.json "
                           "(modified or corrupted)");
  }
  HITLOOP_ASSIGN_OR_RETURN(EmbedHead head,
                           EmbedHead::from_json(j["head"].dump(), origin, encoder->dim()));
  return std::make_unique<EmbedModel>(std::move(encoder), std::move(head));
}

}  // namespace hitloop::ml::encoder
