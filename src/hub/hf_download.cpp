#include "hub/hf_download.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "hub/blob_fetch.h"
#include "hub/checkpoint_files.h"

namespace hitloop::hub {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxApiBody = 32u << 20;
constexpr size_t kMaxRepoFiles = 100000;
constexpr int64_t kMaxModulesJson = 1 << 20;

Result<std::string> read_small_file(const fs::path& path, int64_t max_bytes) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return IoError("cannot read " + path.string() + ": " + ec.message());
  if (static_cast<int64_t>(size) > max_bytes) return IoError(path.string() + " is too large");
  std::ifstream in(path, std::ios::binary);
  std::string text(size, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(size))) {
    return IoError("cannot read " + path.string());
  }
  return text;
}

// Fetches one file as a blob and links it into the snapshot.
Status fetch_into_snapshot(const HttpClient& http, const std::string& endpoint,
                           const HfCache& cache, const ModelRef& ref, const std::string& commit,
                           const std::string& name, DownloadObserver& observer) {
  std::string url =
      endpoint + "/" + ref.repo_id + "/resolve/" + commit + "/" + url_quote(name, true);
  HITLOOP_ASSIGN_OR_RETURN(RemoteFile file, fetch_file_metadata(http, url, name, commit));
  HITLOOP_RETURN_IF_ERROR(fetch_blob(http, cache, ref.repo_id, file, observer));
  return cache.link_blob(ref.repo_id, commit, name, file.etag);
}

// The files of the sentence-transformers modules modules.json lists.
Result<std::vector<std::string>> module_files(const fs::path& snapshot, const RepoInfo& info) {
  HITLOOP_ASSIGN_OR_RETURN(std::string text,
                           read_small_file(snapshot / "modules.json", kMaxModulesJson));
  HITLOOP_ASSIGN_OR_RETURN(std::vector<std::string> dirs, module_dirs(text));
  return files_in_dirs(info.files, dirs);
}

}  // namespace

Result<RepoInfo> parse_repo_info(const std::string& body, const std::string& what) {
  using nlohmann::json;
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return IoError(what + ": the answer is not JSON");
  RepoInfo info;
  if (!doc.contains("sha") || !doc["sha"].is_string() ||
      !is_commit_hash(doc["sha"].get<std::string>())) {
    return IoError(what + ": the answer has no commit hash (\"sha\")");
  }
  info.commit = doc["sha"].get<std::string>();
  if (!doc.contains("siblings") || !doc["siblings"].is_array()) {
    return IoError(what + ": the answer has no file list (\"siblings\")");
  }
  if (doc["siblings"].size() > kMaxRepoFiles) {
    return IoError(what + ": more than " + std::to_string(kMaxRepoFiles) + " files listed");
  }
  for (const json& sibling : doc["siblings"]) {
    if (!sibling.is_object() || !sibling.contains("rfilename") ||
        !sibling["rfilename"].is_string()) {
      return IoError(what + ": a file without a name (\"rfilename\")");
    }
    std::string name = sibling["rfilename"].get<std::string>();
    if (!is_safe_repo_file(name)) {
      std::string shown = name.substr(0, 80);
      for (char& c : shown) c = (c >= ' ' && c < 0x7f) ? c : '?';
      return IoError(what + ": the hub listed an unsafe file name \"" + shown + "\"");
    }
    info.files.push_back(std::move(name));
  }
  return info;
}

Result<RepoInfo> fetch_repo_info(const HttpClient& http, const std::string& endpoint,
                                 const ModelRef& ref) {
  std::string url =
      endpoint + "/api/models/" + ref.repo_id + "/revision/" + url_quote(ref.revision, false);
  HITLOOP_ASSIGN_OR_RETURN(HttpResponse r, http.get(url, kMaxApiBody));
  if (r.status != 200) return status_from_http(r, ref.display() + " on " + endpoint);
  return parse_repo_info(r.body, url);
}

Result<fs::path> download_checkpoint(const HttpClient& http, const std::string& endpoint,
                                     const HfCache& cache, const ModelRef& ref,
                                     DownloadObserver& observer) {
  observer.note("fetching " + ref.display() + " from " + endpoint + " into " +
                cache.root().string());
  HITLOOP_ASSIGN_OR_RETURN(RepoInfo info, fetch_repo_info(http, endpoint, ref));
  HITLOOP_ASSIGN_OR_RETURN(std::vector<std::string> files,
                           checkpoint_files(info.files, ref.repo_id));
  fs::path snapshot = cache.snapshot_dir(ref.repo_id, info.commit);
  for (size_t i = 0; i < files.size(); ++i) {
    HITLOOP_RETURN_IF_ERROR(
        fetch_into_snapshot(http, endpoint, cache, ref, info.commit, files[i], observer));
    if (files[i] == "modules.json") {
      HITLOOP_ASSIGN_OR_RETURN(std::vector<std::string> more, module_files(snapshot, info));
      files.insert(files.end(), more.begin(), more.end());
    }
  }
  HITLOOP_RETURN_IF_ERROR(check_checkpoint_dir(snapshot));
  HITLOOP_RETURN_IF_ERROR(cache.write_ref(ref, info.commit));
  return snapshot;
}

}  // namespace hitloop::hub
