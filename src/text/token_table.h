// An immutable string -> id hash table for vocabulary lookups, built once
// and probed for every candidate wordpiece. Open addressing over one flat
// array and one string pool, so a probe touches one or two cache lines
// instead of chasing std::unordered_map's node pointers, and callers hash
// candidates incrementally (FNV-1a extends byte by byte), so the greedy
// longest-match search hashes each prefix of a word once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hitloop::text {

class TokenTable {
 public:
  static constexpr uint64_t kEmptyHash = 0xcbf29ce484222325ULL;  // FNV-1a offset basis
  static uint64_t extend_hash(uint64_t hash, unsigned char byte) {
    return (hash ^ byte) * 0x100000001b3ULL;  // FNV-1a prime
  }
  static uint64_t hash(std::string_view s) {
    uint64_t h = kEmptyHash;
    for (char c : s) h = extend_hash(h, static_cast<unsigned char>(c));
    return h;
  }

  TokenTable() = default;
  // Keys in order; a repeated key keeps its last id.
  explicit TokenTable(const std::vector<std::pair<std::string_view, int32_t>>& items);

  // The id of `key`, whose hash(key) is `key_hash`, or -1.
  int32_t find(std::string_view key, uint64_t key_hash) const;
  int32_t find(std::string_view key) const { return find(key, hash(key)); }
  // The longest key in bytes.
  size_t max_key_bytes() const { return max_key_bytes_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t offset = 0;  // into pool_
    uint32_t length = 0;
    int32_t id = -1;  // -1: empty
  };
  size_t slot_of(uint64_t h) const {
    // FNV-1a's low bits are weak: take the top bits of a multiplicative mix.
    return static_cast<size_t>(((h ^ (h >> 32)) * 0x9E3779B97F4A7C15ULL) >> shift_);
  }

  std::vector<Slot> slots_;
  std::string pool_;
  size_t mask_ = 0;
  int shift_ = 64;
  size_t max_key_bytes_ = 0;
};

}  // namespace hitloop::text
