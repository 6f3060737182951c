// Sentence embeddings of one encoder, keyed by a digest of the text, so
// that retraining a head on the same sessions (and scoring rows already
// seen) does not run the encoder again. One cache per encoder digest (its
// weights, config, tokenizer and pooling): a changed encoder gets a new
// digest and starts empty.
//
// In memory it is bounded (kCacheBytes of vectors): past the bound the
// oldest entries are dropped first, counted in evicted(). On disk it is one
// file per encoder in embed_cache_dir(), written whole to a temporary name
// and renamed into place (a crash leaves the old file or the new one), and
// read back only when its header, size and checksum all agree; at most
// kCacheFiles files are kept, the least recently written removed first.
// Thread-safe. No libtorch.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace hitloop::ml::encoder {

inline constexpr size_t kCacheBytes = size_t{128} << 20;
inline constexpr size_t kCacheFiles = 8;

// $HITLOOP_EMBED_CACHE, else $XDG_CACHE_HOME/hitloop/embeddings, else
// $HOME/.cache/hitloop/embeddings; "" (no disk cache) when
// $HITLOOP_EMBED_CACHE is "off" or no home is known.
std::string embed_cache_dir();

class EmbedCache {
 public:
  // `encoder_digest`: raw bytes identifying the encoder; `dim`: floats per
  // embedding; at most `max_entries` are held.
  EmbedCache(std::string encoder_digest, size_t dim, size_t max_entries);

  // The process-wide cache of an encoder (a few encoders at most; the
  // least recently asked for is dropped beyond that).
  static std::shared_ptr<EmbedCache> shared(const std::string& encoder_digest, size_t dim);

  // The key of a text: 16 bytes of BLAKE2b.
  static std::string text_key(std::string_view text);

  // Copies the embedding of `key` into `out` (dim floats); false if absent.
  bool get(const std::string& key, float* out) const;
  void put(const std::string& key, std::span<const float> embedding);

  size_t size() const;
  size_t dim() const { return dim_; }
  uint64_t evicted() const;
  // Entries added since the last load or save.
  size_t unsaved() const;

  // This cache's file in `dir`.
  std::string file_in(const std::string& dir) const;
  // Adds the entries of `path` (written by save() for the same encoder and
  // dim). NotFound when there is no file; InvalidArgument, naming what is
  // wrong, for a file that is not a valid cache of this encoder (the caller
  // then ignores it and a later save() replaces it).
  Status load(const std::string& path);
  // Writes every entry, oldest first, then renames into place; removes the
  // oldest other cache files in the folder beyond kCacheFiles.
  Status save(const std::string& path);
  // Loads the file in `dir` once per process (later calls do nothing).
  // Returns what happened, for a progress line; "" when nothing did.
  std::string load_once(const std::string& dir);

 private:
  void put_locked(const std::string& key, const float* embedding);

  const std::string encoder_digest_;
  const size_t dim_;
  const size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, size_t> index_;  // key -> slot
  std::vector<std::string> keys_;                  // per slot
  std::vector<float> data_;                        // slot-major
  std::deque<size_t> age_;                         // slots, oldest first
  uint64_t evicted_ = 0;
  size_t unsaved_ = 0;
  bool loaded_ = false;
};

}  // namespace hitloop::ml::encoder
