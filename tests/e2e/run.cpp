#include "run.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace hitloop::e2e {
namespace fs = std::filesystem;

namespace {
std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}
}  // namespace

std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_text(const fs::path& p, const std::string& data) {
  std::ofstream(p, std::ios::binary) << data;
}

fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("hitloop_e2e_" + name + "_" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

RunResult run_hitloop(const std::vector<std::string>& args) { return run_hitloop_env({}, args); }

RunResult run_hitloop_env(const std::vector<std::string>& env,
                          const std::vector<std::string>& args) {
  std::vector<std::string> argv = {HITLOOP_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(env, argv);
}

RunResult run_command(const std::vector<std::string>& env, const std::vector<std::string>& argv) {
  static int counter = 0;
  fs::path base = fs::temp_directory_path() /
                  ("hitloop_run_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
  std::string cmd;
  for (const auto& e : env) {  // shell assignments: NAME='value'
    size_t eq = e.find('=');
    cmd += e.substr(0, eq) + "=" + quote(e.substr(eq + 1)) + " ";
  }
  for (size_t i = 0; i < argv.size(); ++i) {
    if (i > 0) cmd += ' ';
    cmd += quote(argv[i]);
  }
  cmd +=
      " >" + quote(base.string() + ".out") + " 2>" + quote(base.string() + ".err") + " </dev/null";
  int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_text(base.string() + ".out");
  r.err = read_text(base.string() + ".err");
  fs::remove(base.string() + ".out");
  fs::remove(base.string() + ".err");
  return r;
}

}  // namespace hitloop::e2e
