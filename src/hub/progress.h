// What a download tells whoever waits for it. The library never prints by
// itself: the CLI passes a StderrProgress, tests pass nothing or a recorder.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace hitloop::hub {

class DownloadObserver {
 public:
  virtual ~DownloadObserver() = default;
  // One line for the user: which model is fetched from where, a retry, a
  // wait for another process's download of the same file.
  virtual void note(const std::string& /*line*/) {}
  // `done` of `total` bytes of `file` are on disk (resumed bytes count).
  virtual void bytes(const std::string& /*file*/, int64_t /*done*/, int64_t /*total*/) {}
};

// Notes as lines on stderr; for files of 1 MiB and more, a bar redrawn in
// place at most 10 times a second on a terminal, one closing line
// (size, time, speed) elsewhere.
class StderrProgress : public DownloadObserver {
 public:
  void note(const std::string& line) override;
  void bytes(const std::string& file, int64_t done, int64_t total) override;

 private:
  std::string file_;
  int64_t first_done_ = 0;
  std::chrono::steady_clock::time_point started_, drawn_;
};

// "2.9 MB", "1.2 GB": sizes for people, in decimal units like the hub's pages.
std::string human_bytes(int64_t n);

}  // namespace hitloop::hub
