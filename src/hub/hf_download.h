// A checkpoint from the hub into the HF cache: the repo's commit and file
// list from the API, then only the files hitloop needs
// (checkpoint_files.h), each fetched as a blob and linked into
// snapshots/<commit>/, and refs/<revision> written last.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/status.h"
#include "hub/hf_cache.h"
#include "hub/http_client.h"
#include "hub/model_ref.h"
#include "hub/progress.h"

namespace hitloop::hub {

struct RepoInfo {
  std::string commit;              // "sha": 40 hex digits
  std::vector<std::string> files;  // "siblings[].rfilename", each is_safe_repo_file
};

// The API's answer for a model at a revision, checked: a JSON object, a
// commit hash, at most 100,000 files with safe names. IoError saying what
// is wrong otherwise (`what` names the request).
Result<RepoInfo> parse_repo_info(const std::string& body, const std::string& what);

// GET {endpoint}/api/models/{repo}/revision/{revision} (at most 32 MB).
Result<RepoInfo> fetch_repo_info(const HttpClient& http, const std::string& endpoint,
                                 const ModelRef& ref);

// Downloads what hitloop needs of `ref` into `cache`; the snapshot
// directory, complete per check_checkpoint_dir.
Result<std::filesystem::path> download_checkpoint(const HttpClient& http,
                                                  const std::string& endpoint, const HfCache& cache,
                                                  const ModelRef& ref, DownloadObserver& observer);

}  // namespace hitloop::hub
