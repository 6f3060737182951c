// Records evaluate calls without slowing them down: requests enqueue, one
// background thread writes batches (sessions, then their verdicts) in a
// transaction every few milliseconds. Stopping flushes what is queued.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/dataset.h"
#include "store/store.h"

namespace hitloop::http {

class SharedStore;

struct LoggedVerdict {
  ImportRow session;      // input, output, category, external id
  VerdictRecord verdict;  // session_id 0: the session is stored (or found) first
};

class VerdictLog {
 public:
  // `on_error` hears about batches that could not be written.
  VerdictLog(SharedStore& store, std::function<void(const std::string&)> on_error);
  ~VerdictLog();  // flushes
  void add(LoggedVerdict v);
  // Blocks until everything queued so far is written (tests, shutdown).
  void flush();
  int64_t written() const;

 private:
  void run();
  SharedStore& store_;
  std::function<void(const std::string&)> on_error_;
  mutable std::mutex mu_;
  std::condition_variable wake_, drained_;
  std::deque<LoggedVerdict> queue_;
  bool stopping_ = false;
  int64_t written_ = 0, enqueued_ = 0;
  std::thread thread_;
};

}  // namespace hitloop::http
