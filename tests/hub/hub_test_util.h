// Shared by the hub tests: the tiny fixture checkpoints as file maps, fresh
// directories, and a cache laid out as huggingface_hub lays it.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "hub/progress.h"

namespace hitloop::hub::testing {

inline const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";
inline const std::string kOtherCommit = "89abcdef0123456789abcdef0123456789abcdef";

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& data);

// The files of tests/fixtures/hf-encoders/<name>, by file name.
std::map<std::string, std::string> fixture_files(const std::string& name);

// A directory of its own under the temp dir, empty, removed on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& name);
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Lays `files` out in `cache` as huggingface_hub does: blobs/<id>,
// snapshots/<commit>/<name> -> ../../blobs/<id> symlinks (or plain copies
// when `symlinks` is false), refs/<revision> = commit.
void lay_out_cache(const std::filesystem::path& cache, const std::string& repo_id,
                   const std::string& revision, const std::string& commit,
                   const std::map<std::string, std::string>& files, bool symlinks = true);

// Records what a download reports.
struct RecordingObserver : DownloadObserver {
  std::string notes;
  int64_t last_done = 0;
  void note(const std::string& line) override { notes += line + "\n"; }
  void bytes(const std::string&, int64_t done, int64_t) override { last_done = done; }
};

}  // namespace hitloop::hub::testing
