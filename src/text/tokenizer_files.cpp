// Loading a WordPieceTokenizer from the files HF writes: vocab.txt,
// tokenizer_config.json and tokenizer.json.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "text/wordpiece_tokenizer.h"

namespace hitloop::text {

namespace {

using nlohmann::json;

// Ids index a dense table, so an absurd id in a file must not become an
// absurd allocation. The largest real vocabularies have about 250k tokens.
constexpr int64_t kMaxTokenId = int64_t{1} << 24;

Result<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return InvalidArgument(path + ": no such file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(path + ": cannot be opened");
  std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return InvalidArgument(path + ": cannot be read");
  return content;
}

Result<json> read_json_object(const std::string& path) {
  HITLOOP_ASSIGN_OR_RETURN(std::string text, read_file(path));
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    return InvalidArgument(path + ": malformed JSON: " + e.what());
  }
  if (!doc.is_object()) return InvalidArgument(path + ": expected a JSON object at the top");
  return doc;
}

Status wrong_type(const std::string& path, std::string_view key, std::string_view expected) {
  return InvalidArgument(path + ": \"" + std::string(key) + "\" must be " + std::string(expected));
}

// A key that may be absent; null counts as absent.
Status read_bool(const json& obj, const char* key, const std::string& path,
                 std::optional<bool>& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_boolean()) return wrong_type(path, key, "true or false");
  out = it->get<bool>();
  return Status::Ok();
}

Status read_string(const json& obj, const char* key, const std::string& path, std::string& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return wrong_type(path, key, "a string");
  out = it->get<std::string>();
  return Status::Ok();
}

// The tokenizer_config.json keys that change tokenization. transformers
// lets them override the normalizer of tokenizer.json too
// (BertTokenizerFast.__init__), so load_dir does the same, but only for keys
// that are present: transformers 4.x also forces its defaults for absent keys
// (do_lower_case true), which would silently lowercase a cased tokenizer.json.
struct ConfigFlags {
  std::optional<bool> do_lower_case;
  bool has_strip_accents = false;  // strip_accents: null is a value here
  std::optional<bool> strip_accents;
  std::optional<bool> tokenize_chinese_chars;
  std::optional<std::string> unk_token;

  void apply(TokenizerOptions& options) const {
    if (do_lower_case) options.lowercase = *do_lower_case;
    if (has_strip_accents) options.strip_accents = strip_accents;
    if (tokenize_chinese_chars) options.handle_chinese_chars = *tokenize_chinese_chars;
  }
};

Result<ConfigFlags> read_config_json(const json& doc, const std::string& path) {
  ConfigFlags flags;
  HITLOOP_RETURN_IF_ERROR(read_bool(doc, "do_lower_case", path, flags.do_lower_case));
  HITLOOP_RETURN_IF_ERROR(
      read_bool(doc, "tokenize_chinese_chars", path, flags.tokenize_chinese_chars));
  flags.has_strip_accents = doc.contains("strip_accents");
  HITLOOP_RETURN_IF_ERROR(read_bool(doc, "strip_accents", path, flags.strip_accents));
  // Special tokens are saved either as a string or as an AddedToken object.
  if (auto it = doc.find("unk_token"); it != doc.end() && !it->is_null()) {
    if (it->is_string()) {
      flags.unk_token = it->get<std::string>();
    } else if (it->is_object() && it->contains("content") && (*it)["content"].is_string()) {
      flags.unk_token = (*it)["content"].get<std::string>();
    } else {
      return wrong_type(path, "unk_token", "a string or an object with a \"content\" string");
    }
  }
  return flags;
}

// nlohmann reports a value of an unexpected type by throwing; the library
// turns that into a Status, here at the edge of each file.
template <typename F>
auto json_errors_as_status(const std::string& path, F&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const json::exception& e) {
    return InvalidArgument(path + ": unexpected content: " + e.what());
  }
}

Result<ConfigFlags> read_config(const std::string& path) {
  HITLOOP_ASSIGN_OR_RETURN(json doc, read_json_object(path));
  return json_errors_as_status(path, [&] { return read_config_json(doc, path); });
}

// The "normalizer" object: only BertNormalizer (or none) is understood, so
// any other pipeline is refused rather than silently tokenized differently.
Status read_normalizer(const json& doc, const std::string& path, TokenizerOptions& options) {
  auto it = doc.find("normalizer");
  if (it == doc.end() || it->is_null()) {
    options.clean_text = options.handle_chinese_chars = options.lowercase = false;
    options.strip_accents = false;
    return Status::Ok();
  }
  if (!it->is_object() || it->value("type", json()) != "BertNormalizer") {
    return InvalidArgument(
        path + ": unsupported normalizer (only BertNormalizer is): " + it->dump().substr(0, 200));
  }
  const json& n = *it;
  std::optional<bool> value;
  HITLOOP_RETURN_IF_ERROR(read_bool(n, "clean_text", path, value));
  options.clean_text = value.value_or(true);
  value.reset();
  HITLOOP_RETURN_IF_ERROR(read_bool(n, "handle_chinese_chars", path, value));
  options.handle_chinese_chars = value.value_or(true);
  value.reset();
  HITLOOP_RETURN_IF_ERROR(read_bool(n, "lowercase", path, value));
  options.lowercase = value.value_or(true);
  value.reset();
  HITLOOP_RETURN_IF_ERROR(read_bool(n, "strip_accents", path, value));
  options.strip_accents = value;
  return Status::Ok();
}

Status read_wordpiece_model(const json& doc, const std::string& path,
                            std::vector<VocabEntry>& entries, TokenizerOptions& options) {
  auto model = doc.find("model");
  if (model == doc.end() || !model->is_object()) {
    return InvalidArgument(path + ": has no \"model\" object");
  }
  const json type = model->value("type", json());
  if (type != "WordPiece") {
    return InvalidArgument(path + ": the model is " +
                           (type.is_string() ? type.get<std::string>() : std::string("untyped")) +
                           ", not WordPiece");
  }
  auto vocab = model->find("vocab");
  if (vocab == model->end() || !vocab->is_object()) {
    return InvalidArgument(path + ": model.vocab must be an object of token ids");
  }
  entries.reserve(vocab->size());
  for (const auto& [token, id] : vocab->items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() >= kMaxTokenId) {
      return InvalidArgument(path + ": model.vocab id of \"" + token + "\" is not an id in [0, " +
                             std::to_string(kMaxTokenId) + ")");
    }
    entries.push_back({token, static_cast<int32_t>(id.get<int64_t>())});
  }
  HITLOOP_RETURN_IF_ERROR(read_string(*model, "unk_token", path, options.unk_token));
  HITLOOP_RETURN_IF_ERROR(
      read_string(*model, "continuing_subword_prefix", path, options.continuing_subword_prefix));
  if (auto it = model->find("max_input_chars_per_word"); it != model->end() && !it->is_null()) {
    if (!it->is_number_unsigned()) {
      return wrong_type(path, "max_input_chars_per_word", "a non-negative integer");
    }
    options.max_input_chars_per_word = it->get<size_t>();
  }
  return Status::Ok();
}

struct TokenizerJson {
  std::vector<VocabEntry> entries;
  TokenizerOptions options;
  std::vector<std::pair<std::string, int64_t>> added;
};

Result<TokenizerJson> read_tokenizer_json(const json& doc, const std::string& path) {
  TokenizerJson out;
  HITLOOP_RETURN_IF_ERROR(read_wordpiece_model(doc, path, out.entries, out.options));
  HITLOOP_RETURN_IF_ERROR(read_normalizer(doc, path, out.options));
  auto pre = doc.find("pre_tokenizer");
  if (pre == doc.end() || !pre->is_object() || pre->value("type", json()) != "BertPreTokenizer") {
    return InvalidArgument(path + ": unsupported pre_tokenizer (only BertPreTokenizer is)");
  }
  // Added tokens are cut out of the raw text. Those marked "normalized" are
  // matched after normalisation instead, and "single_word" ones only between
  // word boundaries; neither is implemented, so such files are refused.
  if (auto it = doc.find("added_tokens"); it != doc.end() && !it->is_null()) {
    if (!it->is_array()) return wrong_type(path, "added_tokens", "an array");
    for (const json& t : *it) {
      if (!t.is_object() || !t.contains("content") || !t["content"].is_string() ||
          !t.contains("id") || !t["id"].is_number_integer() || t["id"].get<int64_t>() < 0 ||
          t["id"].get<int64_t>() >= kMaxTokenId ||
          (t.contains("normalized") && !t["normalized"].is_boolean()) ||
          (t.contains("single_word") && !t["single_word"].is_boolean())) {
        return InvalidArgument(path + ": malformed added token " + t.dump().substr(0, 200));
      }
      if (t.value("normalized", false) || t.value("single_word", false)) {
        return InvalidArgument(path + ": added token " + t["content"].get<std::string>() +
                               " is normalized or single_word, which is not supported");
      }
      out.added.emplace_back(t["content"].get<std::string>(), t["id"].get<int64_t>());
    }
  }
  return out;
}

}  // namespace

Result<WordPieceTokenizer> WordPieceTokenizer::from_vocab_file(const std::string& path,
                                                               TokenizerOptions options) {
  HITLOOP_ASSIGN_OR_RETURN(std::string text, read_file(path));
  std::vector<VocabEntry> entries;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);  // a vocab.txt saved on Windows
    if (static_cast<int64_t>(entries.size()) >= kMaxTokenId) {
      return InvalidArgument(path + ": more than " + std::to_string(kMaxTokenId) + " tokens");
    }
    entries.push_back({std::string(line), static_cast<int32_t>(entries.size())});
    pos = end + 1;
  }
  return create(std::move(entries), options, std::nullopt, path);
}

Result<WordPieceTokenizer> WordPieceTokenizer::from_tokenizer_json(const std::string& path) {
  return load_tokenizer_json(path, nullptr);
}

Result<WordPieceTokenizer> WordPieceTokenizer::load_tokenizer_json(const std::string& path,
                                                                   const std::string* config) {
  HITLOOP_ASSIGN_OR_RETURN(json doc, read_json_object(path));
  HITLOOP_ASSIGN_OR_RETURN(TokenizerJson parsed, json_errors_as_status(path, [&] {
                             return read_tokenizer_json(doc, path);
                           }));
  if (config) {
    HITLOOP_ASSIGN_OR_RETURN(ConfigFlags flags, read_config(*config));
    flags.apply(parsed.options);
  }
  std::vector<AddedToken> added;
  for (auto& [text, id] : parsed.added) added.push_back({std::move(text), id});
  return create(std::move(parsed.entries), parsed.options, std::move(added), path);
}

Result<WordPieceTokenizer> WordPieceTokenizer::load_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return InvalidArgument(dir + ": not a directory");
  const std::string tokenizer_json = (fs::path(dir) / "tokenizer.json").string();
  const std::string vocab_txt = (fs::path(dir) / "vocab.txt").string();
  const std::string config = (fs::path(dir) / "tokenizer_config.json").string();
  const bool has_config = fs::exists(config, ec);
  if (fs::exists(tokenizer_json, ec)) {
    return load_tokenizer_json(tokenizer_json, has_config ? &config : nullptr);
  }
  if (!fs::exists(vocab_txt, ec)) {
    return InvalidArgument(dir + ": has neither tokenizer.json nor vocab.txt");
  }
  TokenizerOptions options;
  if (has_config) {
    HITLOOP_ASSIGN_OR_RETURN(ConfigFlags flags, read_config(config));
    flags.apply(options);
    if (flags.unk_token) options.unk_token = *flags.unk_token;
  }
  return from_vocab_file(vocab_txt, std::move(options));
}

}  // namespace hitloop::text
