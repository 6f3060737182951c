#include "text/wordpiece_vocab.h"

#include <algorithm>
#include <utility>

namespace hitloop::text {

WordPieceVocab::WordPieceVocab(std::vector<VocabEntry> entries, WordPieceOptions options)
    : options_(std::move(options)) {
  const std::string& prefix = options_.continuing_subword_prefix;
  std::vector<std::pair<std::string_view, int32_t>> starts, continuations;
  starts.reserve(entries.size());
  int32_t max_id = -1;
  for (const VocabEntry& e : entries) {
    max_id = std::max(max_id, e.id);
    starts.emplace_back(e.token, e.id);
    if (std::string_view(e.token).starts_with(prefix)) {
      continuations.emplace_back(std::string_view(e.token).substr(prefix.size()), e.id);
    }
  }
  word_start_ = TokenTable(starts);
  continuation_ = TokenTable(continuations);
  id_to_token_.resize(static_cast<size_t>(max_id + 1));
  for (VocabEntry& e : entries) id_to_token_[static_cast<size_t>(e.id)] = std::move(e.token);
  if (auto unk = find(options_.unk_token)) unk_id_ = *unk;
}

std::optional<int32_t> WordPieceVocab::find(std::string_view token) const {
  const int32_t id = word_start_.find(token);
  if (id < 0) return std::nullopt;
  return id;
}

std::string_view WordPieceVocab::token(int64_t id) const {
  if (id < 0 || id >= size()) return {};
  return id_to_token_[static_cast<size_t>(id)];
}

void WordPieceVocab::append_ids(const Words& words, std::vector<int64_t>& out) const {
  thread_local std::vector<uint64_t> prefix_hashes;
  for (size_t w = 0; w < words.size(); ++w) {
    const uint32_t begin = words.begin_char(w);
    const uint32_t end = words.end_char(w);
    // Python len() and Rust chars().count() both count code points.
    if (end - begin > options_.max_input_chars_per_word) {
      out.push_back(unk_id_);
      continue;
    }
    const size_t word_mark = out.size();
    for (uint32_t start = begin; start < end;) {
      const TokenTable& table = start == begin ? word_start_ : continuation_;
      // Hash every candidate [start, stop) in one pass, stopping where the
      // candidates become longer than any key.
      const uint32_t base = words.char_start(start);
      const std::string_view rest = words.bytes(start, end);
      prefix_hashes.clear();
      prefix_hashes.push_back(TokenTable::kEmptyHash);
      uint64_t h = TokenTable::kEmptyHash;
      uint32_t longest = start;
      while (longest < end && words.char_start(longest + 1) - base <= table.max_key_bytes()) {
        for (uint32_t b = words.char_start(longest) - base;
             b < words.char_start(longest + 1) - base; ++b) {
          h = TokenTable::extend_hash(h, static_cast<unsigned char>(rest[b]));
        }
        prefix_hashes.push_back(h);
        ++longest;
      }
      int32_t piece_id = -1;
      uint32_t stop = longest;
      for (; stop > start; --stop) {
        piece_id =
            table.find(rest.substr(0, words.char_start(stop) - base), prefix_hashes[stop - start]);
        if (piece_id >= 0) break;
      }
      if (piece_id < 0) {  // no piece fits here: the whole word is unknown
        out.resize(word_mark);
        out.push_back(unk_id_);
        break;
      }
      out.push_back(piece_id);
      start = stop;
    }
  }
}

}  // namespace hitloop::text
