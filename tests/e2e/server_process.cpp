#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace hitloop::e2e {

ServerProcess::ServerProcess(const std::vector<std::string>& global_args,
                             const std::vector<std::string>& serve_args,
                             const std::string& log_path) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(fds[1], STDOUT_FILENO);
    int log = log_path.empty() ? open("/dev/null", O_WRONLY)
                               : open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(log, STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<std::string> all = {HITLOOP_BIN};
    all.insert(all.end(), global_args.begin(), global_args.end());
    for (const char* a : {"serve", "--port", "0"}) all.push_back(a);
    all.insert(all.end(), serve_args.begin(), serve_args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  out_fd_ = fds[0];
  std::string seen;
  char buf[256];
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<size_t>(n));
    size_t at = seen.find("serving on http://");
    if (at != std::string::npos) {
      size_t colon = seen.find(':', at + 18);
      size_t slash = seen.find('/', colon);
      if (colon != std::string::npos && slash != std::string::npos) {
        port_ = std::stoi(seen.substr(colon + 1, slash - colon - 1));
        return;
      }
    }
  }
  throw std::runtime_error("server did not start; it printed: " + seen);
}

int ServerProcess::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (out_fd_ >= 0) close(out_fd_);
  out_fd_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

ServerProcess::~ServerProcess() { stop(); }

}  // namespace hitloop::e2e
