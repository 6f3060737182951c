#include "hub_test_util.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "fake_hub.h"

namespace hitloop::hub::testing {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_file(const fs::path& p, const std::string& data) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << data;
}

std::map<std::string, std::string> fixture_files(const std::string& name) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(fs::path(HITLOOP_FIXTURES) / "hf-encoders" / name)) {
    files[e.path().filename().string()] = read_file(e.path());
  }
  return files;
}

TempDir::TempDir(const std::string& name)
    : path_(fs::temp_directory_path() / ("hitloop_hub_" + name + "_" + std::to_string(getpid()))) {
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void lay_out_cache(const fs::path& cache, const std::string& repo_id, const std::string& revision,
                   const std::string& commit, const std::map<std::string, std::string>& files,
                   bool symlinks) {
  std::string folder = "models--" + repo_id;
  if (size_t slash = folder.find('/'); slash != std::string::npos) folder.replace(slash, 1, "--");
  fs::path repo = cache / folder;
  for (const auto& [name, content] : files) {
    fs::path pointer = repo / "snapshots" / commit / name;
    fs::create_directories(pointer.parent_path());
    if (!symlinks) {
      write_file(pointer, content);
      continue;
    }
    fs::path blob = repo / "blobs" / FakeHub::sha256(content);
    write_file(blob, content);
    fs::create_symlink(blob.lexically_relative(pointer.parent_path()), pointer);
  }
  write_file(repo / "refs" / revision, commit);
}

}  // namespace hitloop::hub::testing
