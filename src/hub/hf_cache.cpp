#include "hub/hf_cache.h"

#include <unistd.h>

#include <atomic>
#include <fstream>

#include "hub/checkpoint_files.h"

namespace hitloop::hub {

namespace fs = std::filesystem;

namespace {

std::string folder_name(const std::string& repo_id) {
  std::string out = "models--";
  for (char c : repo_id) out += c == '/' ? std::string("--") : std::string(1, c);
  return out;
}

// A ref file holds a commit hash and maybe a newline; anything longer is
// not a ref.
Result<std::string> read_ref_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("no " + path.string());
  char buf[128];
  in.read(buf, sizeof buf);
  std::string text(buf, static_cast<size_t>(in.gcount()));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  if (!is_commit_hash(text)) return IoError(path.string() + " does not hold a commit hash");
  return text;
}

Status error_from(const std::error_code& ec, const std::string& what) {
  return IoError(what + ": " + ec.message());
}

// The last step of every write: `tmp` takes `path`'s name at once, or is
// removed.
Status rename_into_place(const fs::path& tmp, const fs::path& path) {
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (!ec) return Status::Ok();
  std::error_code ignored;
  fs::remove(tmp, ignored);
  return error_from(ec, "cannot place " + path.string());
}

}  // namespace

fs::path temp_path_beside(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  return path.parent_path() / (std::string(".") + path.filename().string() + ".tmp" +
                               std::to_string(getpid()) + "_" + std::to_string(counter++));
}

fs::path HfCache::repo_dir(const std::string& repo_id) const {
  return root_ / folder_name(repo_id);
}

fs::path HfCache::snapshot_dir(const std::string& repo_id, const std::string& commit) const {
  return repo_dir(repo_id) / "snapshots" / commit;
}

fs::path HfCache::blob_path(const std::string& repo_id, const std::string& etag) const {
  return repo_dir(repo_id) / "blobs" / etag;
}

fs::path HfCache::lock_path(const std::string& repo_id, const std::string& etag) const {
  return root_ / ".locks" / folder_name(repo_id) / (etag + ".lock");
}

fs::path HfCache::ref_path(const ModelRef& ref) const {
  return repo_dir(ref.repo_id) / "refs" / ref.revision;
}

Result<std::string> HfCache::cached_commit(const ModelRef& ref) const {
  if (is_commit_hash(ref.revision)) return ref.revision;
  return read_ref_file(ref_path(ref));
}

Result<fs::path> HfCache::find_checkpoint(const ModelRef& ref) const {
  HITLOOP_ASSIGN_OR_RETURN(std::string commit, cached_commit(ref));
  fs::path dir = snapshot_dir(ref.repo_id, commit);
  HITLOOP_RETURN_IF_ERROR(check_checkpoint_dir(dir));
  return dir;
}

Status HfCache::write_ref(const ModelRef& ref, const std::string& commit) const {
  if (is_commit_hash(ref.revision)) return Status::Ok();
  fs::path path = ref_path(ref);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return error_from(ec, "cannot create " + path.parent_path().string());
  fs::path tmp = temp_path_beside(path);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << commit;
    if (!out.flush()) return IoError("cannot write " + tmp.string());
  }
  return rename_into_place(tmp, path);
}

Status HfCache::link_blob(const std::string& repo_id, const std::string& commit,
                          const std::string& file, const std::string& etag) const {
  fs::path pointer = snapshot_dir(repo_id, commit) / file;
  fs::path blob = blob_path(repo_id, etag);
  std::error_code ec;
  fs::create_directories(pointer.parent_path(), ec);
  if (ec) return error_from(ec, "cannot create " + pointer.parent_path().string());
  fs::path tmp = temp_path_beside(pointer);
  fs::create_symlink(blob.lexically_relative(pointer.parent_path()), tmp, ec);
  if (ec) {  // no symlinks on this filesystem: a copy, as huggingface_hub does
    ec.clear();
    fs::copy_file(blob, tmp, fs::copy_options::overwrite_existing, ec);
    if (ec) return error_from(ec, "cannot copy " + blob.string() + " to " + tmp.string());
  }
  return rename_into_place(tmp, pointer);
}

}  // namespace hitloop::hub
