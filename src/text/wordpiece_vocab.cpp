#include "text/wordpiece_vocab.h"

#include <algorithm>
#include <utility>

namespace hitloop::text {

WordPieceVocab::WordPieceVocab(std::vector<VocabEntry> entries, WordPieceOptions options)
    : options_(std::move(options)) {
  const std::string& prefix = options_.continuing_subword_prefix;
  int32_t max_id = -1;
  for (const VocabEntry& e : entries) max_id = std::max(max_id, e.id);
  id_to_token_.resize(static_cast<size_t>(max_id + 1));
  word_start_.reserve(entries.size());
  continuation_.reserve(entries.size());
  for (VocabEntry& e : entries) {
    if (e.token.starts_with(prefix)) {
      std::string key = e.token.substr(prefix.size());
      max_continuation_bytes_ = std::max(max_continuation_bytes_, key.size());
      continuation_.insert_or_assign(std::move(key), e.id);
    }
    max_start_bytes_ = std::max(max_start_bytes_, e.token.size());
    word_start_.insert_or_assign(e.token, e.id);
    id_to_token_[static_cast<size_t>(e.id)] = std::move(e.token);
  }
  if (auto unk = find(options_.unk_token)) unk_id_ = *unk;
}

std::optional<int32_t> WordPieceVocab::find(std::string_view token) const {
  auto it = word_start_.find(token);
  if (it == word_start_.end()) return std::nullopt;
  return it->second;
}

std::string_view WordPieceVocab::token(int64_t id) const {
  if (id < 0 || id >= size()) return {};
  return id_to_token_[static_cast<size_t>(id)];
}

void WordPieceVocab::append_ids(const Words& words, std::vector<int64_t>& out) const {
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
      const bool first = start == begin;
      const TokenMap& map = first ? word_start_ : continuation_;
      const size_t max_bytes = first ? max_start_bytes_ : max_continuation_bytes_;
      uint32_t stop = end;
      while (stop > start && words.char_start(stop) - words.char_start(start) > max_bytes) --stop;
      int32_t piece_id = -1;
      for (; stop > start; --stop) {
        auto it = map.find(words.bytes(start, stop));
        if (it != map.end()) {
          piece_id = it->second;
          break;
        }
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
