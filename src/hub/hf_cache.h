// The HF hub cache as huggingface_hub lays it out, read and written the
// same way so that Python and hitloop reuse each other's downloads:
//
//   <cache>/models--ORG--NAME/refs/<revision>            the commit it points at
//   <cache>/models--ORG--NAME/snapshots/<commit>/<file>  symlink to ../../blobs/<etag>
//   <cache>/models--ORG--NAME/blobs/<etag>[.incomplete]  the bytes (etag: git sha1 or LFS sha256)
//   <cache>/.locks/models--ORG--NAME/<etag>.lock         flock'ed while a blob downloads
//
// Snapshot files may also be plain files (caches on filesystems without
// symlinks, or copied by hand).
#pragma once

#include <filesystem>
#include <string>

#include "core/status.h"
#include "hub/model_ref.h"

namespace hitloop::hub {

class HfCache {
 public:
  explicit HfCache(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  // models--ORG--NAME: huggingface_hub's folder name for a model repo.
  std::filesystem::path repo_dir(const std::string& repo_id) const;
  std::filesystem::path snapshot_dir(const std::string& repo_id, const std::string& commit) const;
  std::filesystem::path blob_path(const std::string& repo_id, const std::string& etag) const;
  std::filesystem::path lock_path(const std::string& repo_id, const std::string& etag) const;
  std::filesystem::path ref_path(const ModelRef& ref) const;

  // The commit `ref` stands for here: the revision itself when it is a
  // commit hash, else the content of refs/<revision>. NotFound naming the
  // refs file when there is none; IoError when it holds no commit hash.
  Result<std::string> cached_commit(const ModelRef& ref) const;

  // The snapshot directory of `ref` when it holds a whole checkpoint
  // (check_checkpoint_dir); NotFound naming the missing file and where.
  // Reads only.
  Result<std::filesystem::path> find_checkpoint(const ModelRef& ref) const;

  // refs/<revision> := commit, written then renamed. Nothing for a
  // revision that is a commit hash (huggingface_hub writes none either).
  Status write_ref(const ModelRef& ref, const std::string& commit) const;

  // snapshots/<commit>/<file> -> the blob (a relative symlink, or a copy
  // where symlinks fail), put in place by a rename. `file` must be
  // is_safe_repo_file and `etag` a checked blob name.
  Status link_blob(const std::string& repo_id, const std::string& commit, const std::string& file,
                   const std::string& etag) const;

 private:
  std::filesystem::path root_;
};

// A name for a temporary file beside `path`, unique to this process and
// call: written first, then renamed over `path`.
std::filesystem::path temp_path_beside(const std::filesystem::path& path);

}  // namespace hitloop::hub
