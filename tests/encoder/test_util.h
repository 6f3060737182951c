// Shared helpers of the encoder tests: fixture paths, scratch directories,
// golden JSON.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace hitloop::ml::encoder::testing {

inline const std::string kFixtures = std::string(HITLOOP_FIXTURES) + "/hf-encoders";
inline std::string fixture(const std::string& model) { return kFixtures + "/" + model; }

inline const nlohmann::json& load_json(const std::string& name) {
  static std::map<std::string, nlohmann::json> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    std::ifstream in(kFixtures + "/" + name);
    it = cache.emplace(name, nlohmann::json::parse(in)).first;
  }
  return it->second;
}

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("hitloop-encoder-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string str() const { return path_.string(); }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

// A copy of a fixture model directory, to modify.
inline void copy_dir(const std::string& from, const std::string& to) {
  std::filesystem::create_directories(to);
  for (const auto& e : std::filesystem::directory_iterator(from)) {
    std::filesystem::copy_file(e.path(), std::filesystem::path(to) / e.path().filename(),
                               std::filesystem::copy_options::overwrite_existing);
  }
}

}  // namespace hitloop::ml::encoder::testing
