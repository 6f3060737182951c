// The WordPiece model: a vocabulary and greedy longest-match-first splitting
// of words into pieces, as in Rust `tokenizers::models::wordpiece` and
// transformers' `WordpieceTokenizer`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/basic_tokenizer.h"
#include "text/token_table.h"

namespace hitloop::text {

struct VocabEntry {
  std::string token;
  int32_t id = 0;
};

struct WordPieceOptions {
  std::string unk_token = "[UNK]";
  std::string continuing_subword_prefix = "##";
  size_t max_input_chars_per_word = 100;  // longer words become unk_token
};

class WordPieceVocab {
 public:
  // Entries in file order; a token listed twice keeps its later id, as the
  // Python dict built from vocab.txt does. Ids must be >= 0.
  WordPieceVocab(std::vector<VocabEntry> entries, WordPieceOptions options);

  std::optional<int32_t> find(std::string_view token) const;
  // The token with this id, or "" when no token has it.
  std::string_view token(int64_t id) const;
  // One more than the largest id.
  int64_t size() const { return static_cast<int64_t>(id_to_token_.size()); }
  // -1 when unk_token is not in the vocabulary (the loaders refuse that).
  int32_t unk_id() const { return unk_id_; }
  const WordPieceOptions& options() const { return options_; }

  // Appends the ids of the pieces of every word: a word over
  // max_input_chars_per_word characters, or one with a part no piece
  // matches, becomes a single unk id.
  void append_ids(const Words& words, std::vector<int64_t>& out) const;

 private:
  WordPieceOptions options_;
  TokenTable word_start_;    // every token, for the first piece of a word
  TokenTable continuation_;  // tokens with the prefix, keyed without it
  std::vector<std::string> id_to_token_;
  int32_t unk_id_ = -1;
};

}  // namespace hitloop::text
