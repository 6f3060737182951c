// Runs the built hitloop binary the way a user would, capturing its output.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace hitloop::e2e {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

RunResult run_hitloop(const std::vector<std::string>& args);
// The same with extra environment variables ("NAME=value").
RunResult run_hitloop_env(const std::vector<std::string>& env,
                          const std::vector<std::string>& args);
// Any program (argv[0], a path), run the same way.
RunResult run_command(const std::vector<std::string>& env, const std::vector<std::string>& argv);
std::string read_text(const std::filesystem::path& p);
void write_text(const std::filesystem::path& p, const std::string& data);

// A fresh directory per test, removed afterwards.
std::filesystem::path fresh_dir(const std::string& name);

}  // namespace hitloop::e2e
