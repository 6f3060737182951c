#include "hub/progress.h"

#include <unistd.h>

#include <cstdio>

namespace hitloop::hub {

namespace {

constexpr int64_t kBarFromBytes = 1 << 20;
constexpr int kBarWidth = 30;

}  // namespace

std::string human_bytes(int64_t n) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

void StderrProgress::note(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

void StderrProgress::bytes(const std::string& file, int64_t done, int64_t total) {
  if (total < kBarFromBytes) return;
  auto now = std::chrono::steady_clock::now();
  if (file != file_) {
    file_ = file;
    first_done_ = done;
    started_ = now;
    drawn_ = {};
  }
  bool finished = done >= total;
  static const bool tty = isatty(STDERR_FILENO);
  double seconds = std::chrono::duration<double>(now - started_).count();
  double rate = seconds > 0 ? static_cast<double>(done - first_done_) / seconds : 0;
  if (tty && (finished || now - drawn_ >= std::chrono::milliseconds(100))) {
    drawn_ = now;
    int filled =
        static_cast<int>(kBarWidth * static_cast<double>(done) / static_cast<double>(total));
    std::string bar(filled, '#');
    bar.resize(kBarWidth, '.');
    std::fprintf(stderr, "\r%s [%s] %3d%% %s / %s %s/s\033[K%s", file.c_str(), bar.c_str(),
                 static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(total)),
                 human_bytes(done).c_str(), human_bytes(total).c_str(),
                 human_bytes(static_cast<int64_t>(rate)).c_str(), finished ? "\n" : "");
  } else if (!tty && finished) {
    std::fprintf(stderr, "%s: %s in %.1f s (%s/s)\n", file.c_str(), human_bytes(total).c_str(),
                 seconds, human_bytes(static_cast<int64_t>(rate)).c_str());
  }
  if (finished) file_.clear();
}

}  // namespace hitloop::hub
