// The WordPiece model: a vocabulary and greedy longest-match-first splitting
// of words into pieces, as in Rust `tokenizers::models::wordpiece` and
// transformers' `WordpieceTokenizer`.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "text/basic_tokenizer.h"

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
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  // Heterogeneous lookup: a piece is looked up as a string_view into the
  // word, so matching allocates nothing.
  using TokenMap = std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>>;

  WordPieceOptions options_;
  TokenMap word_start_;    // every token, for the first piece of a word
  TokenMap continuation_;  // tokens with the prefix, keyed without it
  // Longest key of each map in bytes: no longer candidate can match, which
  // spares the lookups for the tail of a long word.
  size_t max_start_bytes_ = 0;
  size_t max_continuation_bytes_ = 0;
  std::vector<std::string> id_to_token_;
  int32_t unk_id_ = -1;
};

}  // namespace hitloop::text
