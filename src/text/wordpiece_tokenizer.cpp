#include "text/wordpiece_tokenizer.h"

#include <algorithm>
#include <array>

#include "text/basic_tokenizer.h"

namespace hitloop::text {

struct WordPieceTokenizer::Model {
  Model(NormalizerOptions normalizer, std::vector<VocabEntry> entries, WordPieceOptions wordpiece)
      : basic(normalizer), vocab(std::move(entries), std::move(wordpiece)) {}

  // The added token starting at text[0], longest first, or null.
  const AddedToken* match_added(std::string_view text) const {
    for (const AddedToken& t : added) {
      if (text.starts_with(t.text)) return &t;
    }
    return nullptr;
  }

  BasicTokenizer basic;
  WordPieceVocab vocab;
  std::vector<AddedToken> added;  // longest first, so the longest match wins
  // Bytes an added token starts with: the scan skips every other byte
  // without comparing strings.
  std::array<bool, 256> added_first_byte{};
};

namespace {
constexpr const char* kRequiredTokens[] = {"[CLS]", "[SEP]", "[PAD]"};
constexpr const char* kBertSpecialTokens[] = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
}  // namespace

Result<WordPieceTokenizer> WordPieceTokenizer::create(std::vector<VocabEntry> entries,
                                                      const TokenizerOptions& options,
                                                      std::optional<std::vector<AddedToken>> added,
                                                      std::string_view source) {
  if (entries.empty()) return InvalidArgument(std::string(source) + ": the vocabulary is empty");
  NormalizerOptions normalizer;
  normalizer.clean_text = options.clean_text;
  normalizer.handle_chinese_chars = options.handle_chinese_chars;
  normalizer.lowercase = options.lowercase;
  normalizer.strip_accents = options.strip_accents.value_or(options.lowercase);
  WordPieceOptions wordpiece;
  wordpiece.unk_token = options.unk_token;
  wordpiece.continuing_subword_prefix = options.continuing_subword_prefix;
  wordpiece.max_input_chars_per_word = options.max_input_chars_per_word;
  auto model = std::make_shared<Model>(normalizer, std::move(entries), std::move(wordpiece));

  if (model->vocab.unk_id() < 0) {
    return InvalidArgument(std::string(source) + ": the vocabulary has no unknown token " +
                           options.unk_token);
  }
  if (added) {
    model->added = std::move(*added);
  } else {
    for (std::string_view name : kBertSpecialTokens) {
      if (auto id = model->vocab.find(name)) model->added.push_back({std::string(name), *id});
    }
    if (auto id = model->vocab.find(options.unk_token);
        id && options.unk_token != "[UNK]" && !options.unk_token.empty()) {
      model->added.push_back({options.unk_token, *id});
    }
  }
  std::erase_if(model->added, [](const AddedToken& t) { return t.text.empty(); });
  std::stable_sort(
      model->added.begin(), model->added.end(),
      [](const AddedToken& x, const AddedToken& y) { return x.text.size() > y.text.size(); });
  for (const AddedToken& t : model->added) {
    model->added_first_byte[static_cast<unsigned char>(t.text[0])] = true;
  }

  WordPieceTokenizer tokenizer;
  tokenizer.model_ = std::move(model);
  for (std::string_view name : kRequiredTokens) {
    if (!tokenizer.token_to_id(name)) {
      return InvalidArgument(std::string(source) + ": the vocabulary has no " + std::string(name) +
                             " token");
    }
  }
  tokenizer.ids_.cls = *tokenizer.token_to_id("[CLS]");
  tokenizer.ids_.sep = *tokenizer.token_to_id("[SEP]");
  tokenizer.ids_.pad = *tokenizer.token_to_id("[PAD]");
  return tokenizer;
}

Result<WordPieceTokenizer> WordPieceTokenizer::from_tokens(std::vector<std::string> tokens,
                                                           TokenizerOptions options,
                                                           std::string_view source) {
  std::vector<VocabEntry> entries;
  entries.reserve(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    entries.push_back({std::move(tokens[i]), static_cast<int32_t>(i)});
  }
  return create(std::move(entries), options, std::nullopt, source);
}

void WordPieceTokenizer::append_token_ids(std::string_view text, std::vector<int64_t>& out) const {
  thread_local Words words;
  const Model& m = *model_;
  size_t segment_begin = 0;
  auto encode_segment = [&](size_t segment_end) {
    if (segment_end == segment_begin) return;
    words.clear();
    m.basic.split(text.substr(segment_begin, segment_end - segment_begin), words);
    m.vocab.append_ids(words, out);
  };
  // Added tokens are cut out of the raw text first, case-sensitively, so a
  // typed "[SEP]" is the separator while "[sep]" is four wordpieces. A
  // multi-byte lead byte never occurs inside another character, so a byte
  // scan cannot match in the middle of one.
  for (size_t i = 0; i < text.size();) {
    if (!m.added_first_byte[static_cast<unsigned char>(text[i])]) {
      ++i;
      continue;
    }
    const AddedToken* match = m.match_added(text.substr(i));
    if (match == nullptr) {
      ++i;
      continue;
    }
    encode_segment(i);
    out.push_back(match->id);
    i += match->text.size();
    segment_begin = i;
  }
  encode_segment(text.size());
}

std::vector<int64_t> WordPieceTokenizer::token_ids(std::string_view text) const {
  std::vector<int64_t> ids;
  append_token_ids(text, ids);
  return ids;
}

std::vector<std::string> WordPieceTokenizer::tokenize(std::string_view text) const {
  std::vector<std::string> tokens;
  for (int64_t id : token_ids(text)) tokens.emplace_back(id_to_token(id));
  return tokens;
}

Encoding WordPieceTokenizer::encode(std::string_view a, std::string_view b,
                                    size_t max_length) const {
  thread_local std::vector<int64_t> ids_a;
  thread_local std::vector<int64_t> ids_b;
  ids_a.clear();
  append_token_ids(a, ids_a);
  if (b.empty()) return build_encoding(ids_a, std::nullopt, max_length, ids_);
  ids_b.clear();
  append_token_ids(b, ids_b);
  return build_encoding(ids_a, std::span<const int64_t>(ids_b), max_length, ids_);
}

Batch WordPieceTokenizer::encode_batch(std::span<const TextPair> pairs, size_t max_length) const {
  std::vector<Encoding> rows;
  rows.reserve(pairs.size());
  for (const auto& [a, b] : pairs) rows.push_back(encode(a, b, max_length));
  return pad_to_longest(rows, ids_.pad);
}

Batch WordPieceTokenizer::encode_batch(std::span<const std::string_view> texts,
                                       size_t max_length) const {
  std::vector<Encoding> rows;
  rows.reserve(texts.size());
  for (std::string_view text : texts) rows.push_back(encode(text, {}, max_length));
  return pad_to_longest(rows, ids_.pad);
}

int64_t WordPieceTokenizer::vocab_size() const {
  int64_t size = model_->vocab.size();
  for (const AddedToken& t : model_->added) size = std::max(size, t.id + 1);
  return size;
}

int64_t WordPieceTokenizer::unk_id() const { return model_->vocab.unk_id(); }

std::optional<int64_t> WordPieceTokenizer::token_to_id(std::string_view token) const {
  // Added tokens first, as Rust's AddedVocabulary does.
  for (const AddedToken& t : model_->added) {
    if (t.text == token) return t.id;
  }
  if (auto id = model_->vocab.find(token)) return *id;
  return std::nullopt;
}

std::string_view WordPieceTokenizer::id_to_token(int64_t id) const {
  for (const AddedToken& t : model_->added) {
    if (t.id == id) return t.text;
  }
  return model_->vocab.token(id);
}

}  // namespace hitloop::text
