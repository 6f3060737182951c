#include "ml/encoder/embed_cache.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <list>

#include "core/digest.h"

namespace hitloop::ml::encoder {
namespace fs = std::filesystem;
namespace {

constexpr char kMagic[8] = {'H', 'L', 'E', 'M', 'B', 'C', '0', '1'};
constexpr size_t kKeyBytes = 16;
constexpr size_t kSumBytes = 32;
constexpr char kSuffix[] = ".embcache";
constexpr size_t kSharedEncoders = 4;

// The header after the magic: dim, key size, entry count, digest size,
// then the encoder digest.
struct Header {
  uint32_t dim = 0;
  uint32_t key_bytes = 0;
  uint64_t count = 0;
  uint32_t digest_bytes = 0;
};

std::string header_bytes(const Header& h, const std::string& digest) {
  std::string out(kMagic, sizeof kMagic);
  out.append(reinterpret_cast<const char*>(&h.dim), sizeof h.dim);
  out.append(reinterpret_cast<const char*>(&h.key_bytes), sizeof h.key_bytes);
  out.append(reinterpret_cast<const char*>(&h.count), sizeof h.count);
  out.append(reinterpret_cast<const char*>(&h.digest_bytes), sizeof h.digest_bytes);
  return out + digest;
}

constexpr size_t kHeaderFixed = sizeof kMagic + 4 + 4 + 8 + 4;

// Removes the oldest cache files in `dir` beyond kCacheFiles (by write time).
void prune(const std::string& dir) {
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == kSuffix) files.emplace_back(e.last_write_time(ec), e.path());
  }
  if (files.size() <= kCacheFiles) return;
  std::sort(files.begin(), files.end());
  for (size_t i = 0; i + kCacheFiles < files.size(); ++i) fs::remove(files[i].second, ec);
}

}  // namespace

std::string embed_cache_dir() {
  auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
  const std::string own = env("HITLOOP_EMBED_CACHE");
  if (own == "off") return "";
  if (!own.empty()) return own;
  if (!env("XDG_CACHE_HOME").empty()) return env("XDG_CACHE_HOME") + "/hitloop/embeddings";
  if (!env("HOME").empty()) return env("HOME") + "/.cache/hitloop/embeddings";
  return "";
}

EmbedCache::EmbedCache(std::string encoder_digest, size_t dim, size_t max_entries)
    : encoder_digest_(std::move(encoder_digest)),
      dim_(dim),
      max_entries_(std::max<size_t>(1, max_entries)) {}

std::shared_ptr<EmbedCache> EmbedCache::shared(const std::string& encoder_digest, size_t dim) {
  static std::mutex mu;
  static std::list<std::shared_ptr<EmbedCache>> caches;  // most recently asked for first
  std::lock_guard lock(mu);
  for (auto it = caches.begin(); it != caches.end(); ++it) {
    if ((*it)->encoder_digest_ == encoder_digest && (*it)->dim_ == dim) {
      caches.splice(caches.begin(), caches, it);
      return caches.front();
    }
  }
  caches.push_front(std::make_shared<EmbedCache>(
      encoder_digest, dim, kCacheBytes / (std::max<size_t>(dim, 1) * sizeof(float))));
  if (caches.size() > kSharedEncoders) caches.pop_back();
  return caches.front();
}

std::string EmbedCache::text_key(std::string_view text) { return digest_fields({text}, kKeyBytes); }

bool EmbedCache::get(const std::string& key, float* out) const {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  std::memcpy(out, data_.data() + it->second * dim_, dim_ * sizeof(float));
  return true;
}

void EmbedCache::put(const std::string& key, std::span<const float> embedding) {
  if (embedding.size() != dim_ || key.size() != kKeyBytes) return;
  std::lock_guard lock(mu_);
  if (index_.count(key)) return;
  put_locked(key, embedding.data());
  ++unsaved_;
}

void EmbedCache::put_locked(const std::string& key, const float* embedding) {
  size_t slot = keys_.size();
  if (slot >= max_entries_) {
    slot = age_.front();
    age_.pop_front();
    index_.erase(keys_[slot]);
    ++evicted_;
  } else {
    keys_.emplace_back();
    data_.resize(data_.size() + dim_);
  }
  keys_[slot] = key;
  std::memcpy(data_.data() + slot * dim_, embedding, dim_ * sizeof(float));
  index_[key] = slot;
  age_.push_back(slot);
}

size_t EmbedCache::size() const {
  std::lock_guard lock(mu_);
  return index_.size();
}

uint64_t EmbedCache::evicted() const {
  std::lock_guard lock(mu_);
  return evicted_;
}

size_t EmbedCache::unsaved() const {
  std::lock_guard lock(mu_);
  return unsaved_;
}

std::string EmbedCache::file_in(const std::string& dir) const {
  return (fs::path(dir) / (to_hex(encoder_digest_.substr(0, 16)) + kSuffix)).string();
}

Status EmbedCache::load(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return NotFound(path + ": no embedding cache");
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) return IoError(path + ": " + ec.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError(path + ": cannot open");
  auto bad = [&](const std::string& why) { return InvalidArgument(path + ": " + why); };
  std::string fixed(kHeaderFixed, '\0');
  if (!in.read(fixed.data(), static_cast<std::streamsize>(fixed.size()))) {
    return bad("shorter than its header");
  }
  if (std::memcmp(fixed.data(), kMagic, sizeof kMagic) != 0) return bad("not an embedding cache");
  Header h;
  const char* p = fixed.data() + sizeof kMagic;
  std::memcpy(&h.dim, p, 4);
  std::memcpy(&h.key_bytes, p + 4, 4);
  std::memcpy(&h.count, p + 8, 8);
  std::memcpy(&h.digest_bytes, p + 16, 4);
  if (h.dim != dim_ || h.key_bytes != kKeyBytes || h.digest_bytes != encoder_digest_.size()) {
    return bad("made for another encoder (dimensions differ)");
  }
  const uint64_t record = kKeyBytes + uint64_t{dim_} * sizeof(float);
  if (h.count > (size / record) ||
      size != kHeaderFixed + h.digest_bytes + h.count * record + kSumBytes) {
    return bad("truncated or padded (its size does not match its header)");
  }
  std::string digest(h.digest_bytes, '\0');
  in.read(digest.data(), static_cast<std::streamsize>(digest.size()));
  if (!in || digest != encoder_digest_) return bad("made for another encoder");
  Digest sum(kSumBytes);
  sum.update(fixed).update(digest);
  std::vector<std::string> keys(h.count);
  std::vector<float> data(h.count * dim_);
  for (uint64_t i = 0; i < h.count; ++i) {
    keys[i].resize(kKeyBytes);
    in.read(keys[i].data(), kKeyBytes);
    in.read(reinterpret_cast<char*>(data.data() + i * dim_),
            static_cast<std::streamsize>(dim_ * sizeof(float)));
    if (!in) return bad("truncated");
    sum.update(keys[i]).update(std::string_view(
        reinterpret_cast<const char*>(data.data() + i * dim_), dim_ * sizeof(float)));
  }
  std::string expected(kSumBytes, '\0');
  in.read(expected.data(), kSumBytes);
  if (!in || sum.finish() != expected) return bad("checksum mismatch (corrupted)");
  std::lock_guard lock(mu_);
  for (uint64_t i = 0; i < h.count; ++i) {
    if (!index_.count(keys[i])) put_locked(keys[i], data.data() + i * dim_);
  }
  return Status::Ok();
}

Status EmbedCache::save(const std::string& path) {
  std::error_code ec;
  const fs::path target(path);
  fs::create_directories(target.parent_path(), ec);
  if (ec) return IoError(target.parent_path().string() + ": " + ec.message());
  static std::atomic<int> counter{0};
  const fs::path tmp =
      target.string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  {
    std::lock_guard lock(mu_);
    Header h{static_cast<uint32_t>(dim_), kKeyBytes, index_.size(),
             static_cast<uint32_t>(encoder_digest_.size())};
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    Digest sum(kSumBytes);
    auto write = [&](std::string_view bytes) {
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      sum.update(bytes);
    };
    write(header_bytes(h, encoder_digest_));
    for (size_t slot : age_) {
      write(keys_[slot]);
      write(std::string_view(reinterpret_cast<const char*>(data_.data() + slot * dim_),
                             dim_ * sizeof(float)));
    }
    const std::string trailer = sum.finish();
    out.write(trailer.data(), static_cast<std::streamsize>(trailer.size()));
    out.close();
    if (!out) {
      fs::remove(tmp, ec);
      return IoError(tmp.string() + ": write failed");
    }
    unsaved_ = 0;
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return IoError(path + ": cannot rename into place: " + ec.message());
  }
  prune(target.parent_path().string());
  return Status::Ok();
}

std::string EmbedCache::load_once(const std::string& dir) {
  {
    std::lock_guard lock(mu_);
    if (loaded_ || dir.empty()) return "";
    loaded_ = true;
  }
  const std::string path = file_in(dir);
  Status st = load(path);
  if (st.ok()) return "embedding cache " + path + ": " + std::to_string(size()) + " texts";
  if (st.is_not_found()) return "";
  return "ignoring the embedding cache (" + st.message() + "); it will be rewritten";
}

}  // namespace hitloop::ml::encoder
