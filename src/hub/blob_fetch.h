// One file of a hub repo into the cache's blobs/, as huggingface_hub does
// it: HEAD the resolve URL for the hub's own headers (X-Repo-Commit,
// X-Linked-Etag / ETag, X-Linked-Size / Content-Length), then stream the
// bytes into blobs/<etag>.incomplete, resuming what an earlier attempt
// left there with a Range request, check size and (for LFS files, whose
// etag is the sha256 of the content) the sha256, and only then rename it
// to blobs/<etag>. A file with the wrong size or checksum never takes the
// blob's name.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "hub/hf_cache.h"
#include "hub/http_client.h"
#include "hub/progress.h"

namespace hitloop::hub {

// What the hub says about one file at one commit.
struct RemoteFile {
  std::string name;  // the repo file name, e.g. "1_Pooling/config.json"
  std::string url;   // {endpoint}/{repo}/resolve/{commit}/{name}
  std::string etag;  // the blob's name: git sha1, or the sha256 of an LFS file
  int64_t size = 0;
};

// The largest file accepted: 64 GB for weights (*.safetensors, *.bin),
// 1 GB for anything else (configs, tokenizers).
int64_t max_file_bytes(const std::string& name);

// HEADs `url` (following relative redirects only: a renamed repo) and
// checks what the hub announced: an etag usable as a file name, a size
// within max_file_bytes, and X-Repo-Commit equal to `commit` when present.
// 404: NotFound; 401/403: Unauthenticated/PermissionDenied with a hint.
Result<RemoteFile> fetch_file_metadata(const HttpClient& http, const std::string& url,
                                       const std::string& name, const std::string& commit);

// Makes blobs/<etag> hold `file` (no transfer when a blob of the right size
// is there), under the same lock file huggingface_hub takes. A cut
// transfer is retried from where it stopped, up to 4 times; what is on
// disk stays in .incomplete for the next run. A size or sha256 mismatch
// deletes the .incomplete file and is refused (IoError).
Status fetch_blob(const HttpClient& http, const HfCache& cache, const std::string& repo_id,
                  const RemoteFile& file, DownloadObserver& observer);

// The sha256 of a file's content, in lower-case hex.
Result<std::string> file_sha256(const std::filesystem::path& path);

// "W/\"abc\"" -> "abc": an ETag header without weakness mark and quotes.
std::string normalize_etag(std::string etag);

}  // namespace hitloop::hub
