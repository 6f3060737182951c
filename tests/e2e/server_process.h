// Starts `hitloop serve` on a free port for a test and stops it with SIGTERM.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace hitloop::e2e {

class ServerProcess {
 public:
  // Runs `HITLOOP_BIN GLOBAL... serve --port 0 SERVE...` and waits for the
  // "serving on http://HOST:PORT/" line.
  // The server's log (stderr) goes to `log_path`, or nowhere when empty.
  ServerProcess(const std::vector<std::string>& global_args,
                const std::vector<std::string>& serve_args, const std::string& log_path = "");
  ~ServerProcess();
  int port() const { return port_; }
  // Sends SIGTERM and returns the exit code.
  int stop();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int out_fd_ = -1;
};

}  // namespace hitloop::e2e
