// The BERT / DistilBERT WordPiece tokenizer, matching what HF's
// AutoTokenizer (the Rust "fast" tokenizer) gives for these checkpoints:
// special tokens typed in the text are kept, then BertNormalizer,
// BertPreTokenizer, WordPiece and the [CLS] A [SEP] B [SEP] template.
//
// Where transformers' slow Python BertTokenizer (4.x) differs, the fast one
// is followed: an empty second text gives [CLS] A [SEP] (slow adds a second
// [SEP]); on a longest_first tie the first segment keeps the smaller half
// (slow cuts the second first); and there is no NFC step before splitting
// (slow composes first, which matters only for a tokenizer that does not
// strip accents, given decomposed input). Invalid UTF-8 reads as U+FFFD,
// which clean_text drops.
//
// A tokenizer is immutable, cheap to copy and safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "text/encoding.h"
#include "text/wordpiece_vocab.h"

namespace hitloop::text {

// How text is normalised and split, with the defaults of transformers'
// BertTokenizer; load_dir fills them from the model's files.
struct TokenizerOptions {
  bool lowercase = true;              // do_lower_case
  std::optional<bool> strip_accents;  // unset: strip exactly when lowercasing
  bool handle_chinese_chars = true;   // tokenize_chinese_chars
  bool clean_text = true;
  std::string unk_token = "[UNK]";
  std::string continuing_subword_prefix = "##";
  size_t max_input_chars_per_word = 100;
};

using TextPair = std::pair<std::string_view, std::string_view>;

class WordPieceTokenizer {
 public:
  // A HF model directory: tokenizer.json when present, else vocab.txt with
  // tokenizer_config.json (optional) for the options.
  static Result<WordPieceTokenizer> load_dir(const std::string& dir);
  // One token per line; the id is the line index.
  static Result<WordPieceTokenizer> from_vocab_file(const std::string& path,
                                                    TokenizerOptions options = {});
  // The `tokenizers` serialisation: a WordPiece model with a BertNormalizer
  // and BertPreTokenizer; its added tokens are the special tokens.
  static Result<WordPieceTokenizer> from_tokenizer_json(const std::string& path);
  // tokens[i] has id i. `source` names the vocabulary in error messages.
  static Result<WordPieceTokenizer> from_tokens(std::vector<std::string> tokens,
                                                TokenizerOptions options = {},
                                                std::string_view source = "vocabulary");

  // Wordpieces without [CLS]/[SEP] (special tokens typed in the text stay),
  // as `tokenizer.tokenize(text)`.
  std::vector<std::string> tokenize(std::string_view text) const;
  std::vector<int64_t> token_ids(std::string_view text) const;
  void append_token_ids(std::string_view text, std::vector<int64_t>& out) const;

  // [CLS] a [SEP], or [CLS] a [SEP] b [SEP] when b is not empty, truncated
  // `longest_first` to max_length (kNoTruncation: not at all). A max_length
  // below the 2 or 3 special tokens still yields them, with no wordpieces.
  Encoding encode(std::string_view a, std::string_view b = {},
                  size_t max_length = kNoTruncation) const;
  // Every row encoded as above, padded on the right to the longest row.
  Batch encode_batch(std::span<const TextPair> pairs, size_t max_length) const;
  Batch encode_batch(std::span<const std::string_view> texts, size_t max_length) const;

  // One more than the largest token id.
  int64_t vocab_size() const;
  int64_t pad_id() const { return ids_.pad; }
  int64_t cls_id() const { return ids_.cls; }
  int64_t sep_id() const { return ids_.sep; }
  int64_t unk_id() const;
  std::optional<int64_t> token_to_id(std::string_view token) const;
  // "" for an id no token has.
  std::string_view id_to_token(int64_t id) const;

 private:
  WordPieceTokenizer() = default;  // only the factories make one, never empty
  struct Model;
  // A token matched verbatim in the raw text before anything else runs.
  struct AddedToken {
    std::string text;
    int64_t id = 0;
  };
  // Without `added`, the vocabulary's own [PAD] [UNK] [CLS] [SEP] [MASK]
  // (and options.unk_token) are the added tokens.
  static Result<WordPieceTokenizer> create(std::vector<VocabEntry> entries,
                                           const TokenizerOptions& options,
                                           std::optional<std::vector<AddedToken>> added,
                                           std::string_view source);
  static Result<WordPieceTokenizer> load_tokenizer_json(const std::string& path,
                                                        const std::string* config_path);

  std::shared_ptr<const Model> model_;
  SpecialIds ids_;
};

}  // namespace hitloop::text
