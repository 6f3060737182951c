#include "hub/blob_fetch.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <thread>

#include "hub/model_ref.h"

namespace hitloop::hub {

namespace fs = std::filesystem;

namespace {

constexpr int kAttempts = 5;

bool is_blob_name(const std::string& etag) {
  return !etag.empty() && etag.size() <= 128 && etag[0] != '.' &&
         std::all_of(etag.begin(), etag.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
         });
}

bool is_sha256_hex(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A decimal size header; -1 when absent or not a number.
int64_t parse_size(const std::string& v) {
  if (v.empty() || v.size() > 18 || !std::all_of(v.begin(), v.end(), ::isdigit)) return -1;
  return std::stoll(v);
}

int64_t size_on_disk(const fs::path& p) {
  std::error_code ec;
  auto n = fs::file_size(p, ec);
  return ec ? -1 : static_cast<int64_t>(n);
}

// An exclusive flock on huggingface_hub's lock file for the blob (Python's
// filelock takes the same kind of lock), released when it goes.
class BlobLock {
 public:
  ~BlobLock() {
    if (fd_ >= 0) close(fd_);  // closing releases the flock
  }
  Status acquire(const fs::path& path, DownloadObserver& observer) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) return IoError("cannot create " + path.parent_path().string() + ": " + ec.message());
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return IoError("cannot open the lock file " + path.string());
    if (flock(fd_, LOCK_EX | LOCK_NB) == 0) return Status::Ok();
    observer.note("waiting for another download of the same file (" + path.string() + ")");
    if (flock(fd_, LOCK_EX) != 0) return IoError("cannot lock " + path.string());
    return Status::Ok();
  }

 private:
  int fd_ = -1;
};

// libsodium's streaming SHA-256.
class Sha256 {
 public:
  Sha256() {
    static const bool ready = sodium_init() >= 0;  // picks the implementation, once
    (void)ready;
    crypto_hash_sha256_init(&state_);
  }
  void update(std::string_view bytes) {
    crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(bytes.data()),
                              bytes.size());
  }
  // Feeds the whole content of `path`.
  Status update_from_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return IoError("cannot read " + path.string());
    std::vector<char> buf(1 << 20);
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      update({buf.data(), static_cast<size_t>(in.gcount())});
    }
    return in.bad() ? IoError("cannot read " + path.string()) : Status::Ok();
  }
  std::string hex() {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state_, digest);
    char out[2 * crypto_hash_sha256_BYTES + 1];
    sodium_bin2hex(out, sizeof out, digest, sizeof digest);
    return out;
  }

 private:
  crypto_hash_sha256_state state_;
};

// Streams one attempt's bytes onto the end of the .incomplete file, hashing
// them on the way (the bytes already there first), so that verifying a
// download costs no second pass over it.
class IncompleteFile {
 public:
  IncompleteFile(fs::path path, int64_t expected) : path_(std::move(path)), expected_(expected) {}
  ~IncompleteFile() {
    if (out_) std::fclose(out_);
  }
  // The sink for a transfer asked from `offset` on.
  DownloadSink sink(int64_t offset, const std::function<void(int64_t)>& progress) {
    return {[this, offset](long, int64_t start) {
              refused_ = begin(offset, start);
              return refused_;
            },
            [this, progress](std::string_view bytes) {
              if (written_ + static_cast<int64_t>(bytes.size()) > expected_) {
                overrun_ = true;
                return false;
              }
              if (std::fwrite(bytes.data(), 1, bytes.size(), out_) != bytes.size()) {
                write_failed_ = true;
                return false;
              }
              sha_.update(bytes);
              written_ += static_cast<int64_t>(bytes.size());
              progress(written_);
              return true;
            }};
  }
  // Flushes and closes; the reason a transfer was cut by this side, if any.
  Status close_file() {
    bool failed = out_ && std::fclose(out_) != 0;
    out_ = nullptr;
    if (!refused_.ok()) return refused_;
    if (write_failed_ || failed) return IoError("cannot write " + path_.string() + " (disk full?)");
    if (overrun_) {
      return IoError(path_.filename().string() + ": the server sent more than the " +
                     std::to_string(expected_) + " bytes it announced");
    }
    return Status::Ok();
  }
  // The sha256 of the whole file, once closed after a transfer that started.
  std::string sha256_hex() { return sha_.hex(); }

 private:
  // A 200 to a Range request starts over; a 206 must start where we asked.
  Status begin(int64_t asked, int64_t start) {
    if (start != 0 && start != asked) {
      return IoError("the server resumed at byte " + std::to_string(start) + ", not " +
                     std::to_string(asked));
    }
    if (start > 0) HITLOOP_RETURN_IF_ERROR(sha_.update_from_file(path_));
    out_ = std::fopen(path_.c_str(), start == 0 ? "wb" : "ab");
    if (!out_) return IoError("cannot write " + path_.string());
    written_ = start;
    return Status::Ok();
  }

  fs::path path_;
  int64_t expected_;
  std::FILE* out_ = nullptr;
  int64_t written_ = 0;
  Status refused_;  // by begin(): a resume at the wrong offset, an unwritable file
  bool overrun_ = false;
  bool write_failed_ = false;
  Sha256 sha_;
};

Status check_space(const fs::path& dir, int64_t needed) {
  std::error_code ec;
  fs::space_info space = fs::space(dir, ec);
  if (!ec && static_cast<int64_t>(space.available) < needed) {
    return IoError("not enough disk space in " + dir.string() + ": " + human_bytes(needed) +
                   " needed, " + human_bytes(static_cast<int64_t>(space.available)) + " free");
  }
  return Status::Ok();
}

// Whether a failed attempt may be retried: the transport failed (cut,
// timed out, refused) or the server had a 5xx or 429; not a 4xx, not a
// refusal by this side.
bool retryable(const Result<HttpResponse>& r, const Status& local) {
  if (!local.ok()) return false;
  if (!r.ok()) return r.status().code() == StatusCode::kIoError;
  return r->status >= 500 || r->status == 429;
}

// `sha`: the content's sha256 if the transfer computed it, else "".
Status verify(const fs::path& incomplete, const RemoteFile& file, std::string sha) {
  int64_t size = size_on_disk(incomplete);
  if (size != file.size) {
    return IoError(file.name + ": " + std::to_string(size) + " bytes received, " +
                   std::to_string(file.size) + " announced");
  }
  if (!is_sha256_hex(file.etag)) return Status::Ok();  // a git blob: its size is all we check
  if (sha.empty()) {
    HITLOOP_ASSIGN_OR_RETURN(sha, file_sha256(incomplete));
  }
  if (sha != file.etag) {
    return IoError(file.name + ": sha256 mismatch, refused (the hub announced " + file.etag +
                   ", the download has " + sha + ")");
  }
  return Status::Ok();
}

// One attempt at the remaining bytes, appended to `incomplete`; `sha` gets
// the whole file's sha256 when the attempt completes it.
Status transfer(const HttpClient& http, const RemoteFile& file, const fs::path& incomplete,
                DownloadObserver& observer, bool* may_retry, std::string* sha) {
  int64_t offset = std::max<int64_t>(size_on_disk(incomplete), 0);
  *may_retry = false;
  if (offset >= file.size && offset > 0) return Status::Ok();  // verify decides
  IncompleteFile out(incomplete, file.size);
  DownloadSink sink =
      out.sink(offset, [&](int64_t done) { observer.bytes(file.name, done, file.size); });
  Result<HttpResponse> r = http.download(file.url, offset, sink);
  Status local = out.close_file();
  *may_retry = retryable(r, local);
  if (!local.ok()) return local;
  if (!r.ok()) return r.status();
  if (r->status < 200 || r->status >= 300) return status_from_http(*r, file.url);
  if (size_on_disk(incomplete) < file.size) {
    *may_retry = true;
    return IoError(file.name + ": the transfer ended early");
  }
  *sha = out.sha256_hex();
  return Status::Ok();
}

}  // namespace

int64_t max_file_bytes(const std::string& name) {
  auto ends_with = [&](const std::string& s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  constexpr int64_t kGB = 1000LL * 1000 * 1000;
  return ends_with(".safetensors") || ends_with(".bin") ? 64 * kGB : kGB;
}

std::string normalize_etag(std::string etag) {
  if (etag.rfind("W/", 0) == 0) etag.erase(0, 2);
  etag.erase(std::remove(etag.begin(), etag.end(), '"'), etag.end());
  return etag;
}

Result<RemoteFile> fetch_file_metadata(const HttpClient& http, const std::string& url,
                                       const std::string& name, const std::string& commit) {
  std::string at = url;
  Result<HttpResponse> r = http.head(at);
  // A relative Location is the same hub under another name (a renamed
  // repo): followed. An absolute one is the CDN: its headers are not the hub's.
  for (int hops = 0; r.ok() && r->status >= 300 && r->status < 400; ++hops) {
    std::string location = r->header("location");
    if (location.empty() || location[0] != '/' || location.rfind("//", 0) == 0) break;
    if (hops == 5) return IoError(url + ": too many redirects");
    at = url_origin(url) + location;
    r = http.head(at);
  }
  if (!r.ok()) return r.status();
  if (r->status >= 400) return status_from_http(*r, name + " at " + url);
  RemoteFile file{name, url, "", -1};
  std::string repo_commit = r->header("x-repo-commit");
  if (!repo_commit.empty() && repo_commit != commit) {
    return IoError(url + ": the hub answered for commit " + repo_commit.substr(0, 64) +
                   ", not the one asked for");
  }
  std::string etag = r->header("x-linked-etag");
  file.etag = normalize_etag(etag.empty() ? r->header("etag") : etag);
  if (!is_blob_name(file.etag)) return IoError(url + ": no usable ETag in the hub's answer");
  std::string size = r->header("x-linked-size");
  file.size = parse_size(size.empty() ? r->header("content-length") : size);
  if (file.size < 0) return IoError(url + ": the hub announced no size");
  if (file.size > max_file_bytes(name)) {
    return IoError(name + ": " + human_bytes(file.size) + " announced, over the " +
                   human_bytes(max_file_bytes(name)) + " accepted");
  }
  return file;
}

Result<std::string> file_sha256(const fs::path& path) {
  Sha256 sha;
  HITLOOP_RETURN_IF_ERROR(sha.update_from_file(path));
  return sha.hex();
}

Status fetch_blob(const HttpClient& http, const HfCache& cache, const std::string& repo_id,
                  const RemoteFile& file, DownloadObserver& observer) {
  fs::path blob = cache.blob_path(repo_id, file.etag);
  fs::path incomplete = blob.string() + ".incomplete";
  BlobLock lock;
  HITLOOP_RETURN_IF_ERROR(lock.acquire(cache.lock_path(repo_id, file.etag), observer));
  if (size_on_disk(blob) == file.size) return Status::Ok();  // cached, or fetched meanwhile
  std::error_code ec;
  fs::create_directories(blob.parent_path(), ec);
  if (ec) return IoError("cannot create " + blob.parent_path().string() + ": " + ec.message());
  if (size_on_disk(incomplete) > file.size) fs::remove(incomplete, ec);
  HITLOOP_RETURN_IF_ERROR(
      check_space(blob.parent_path(), file.size - std::max<int64_t>(size_on_disk(incomplete), 0)));
  std::string sha;
  for (int attempt = 1;; ++attempt) {
    bool may_retry = false;
    Status st = transfer(http, file, incomplete, observer, &may_retry, &sha);
    if (st.ok()) break;
    if (!may_retry || attempt == kAttempts) {
      if (!may_retry && st.code() == StatusCode::kIoError) fs::remove(incomplete, ec);
      return st;
    }
    observer.note(st.message() + "; resuming (attempt " + std::to_string(attempt + 1) + " of " +
                  std::to_string(kAttempts) + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds(250 << (attempt - 1)));
  }
  Status verified = verify(incomplete, file, sha);
  if (!verified.ok()) {
    fs::remove(incomplete, ec);
    return verified;
  }
  fs::rename(incomplete, blob, ec);
  if (ec) return IoError("cannot rename " + incomplete.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace hitloop::hub
