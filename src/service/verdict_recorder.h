// Records evaluate calls without slowing them down: requests enqueue, one
// background thread writes batches (sessions, then their verdicts) in a
// transaction every few milliseconds. Stopping flushes what is queued.
//
// The queue is bounded in items and bytes: when the store cannot keep up
// (a long write elsewhere, a full disk), verdicts beyond the bound are
// dropped, counted and logged, instead of the server's memory growing
// without end. The evaluate answer is never held back by the log.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/dataset.h"
#include "store/store.h"

namespace hitloop::service {

class StoreAccess;

struct LoggedVerdict {
  ImportRow session;      // input, output, category, external id
  VerdictRecord verdict;  // session_id 0: the session is stored (or found) first
};

struct VerdictRecorderLimits {
  size_t max_items = 100000;
  size_t max_bytes = 256u << 20;  // of input and output text
};

class VerdictRecorder {
 public:
  // `on_error` hears about batches that could not be written and about
  // drops (the first, then one line per 1,000).
  VerdictRecorder(StoreAccess& store, std::function<void(const std::string&)> on_error,
                  VerdictRecorderLimits limits = {});
  ~VerdictRecorder();  // flushes
  // False when the queue is full and `v` was dropped.
  bool add(LoggedVerdict v);
  // Blocks until everything queued so far is written (tests, shutdown).
  void flush();
  int64_t written() const;
  // Verdicts lost: dropped on a full queue, or in a batch the store refused.
  int64_t dropped() const;

 private:
  void run();
  StoreAccess& store_;
  std::function<void(const std::string&)> on_error_;
  mutable std::mutex mu_;
  std::condition_variable wake_, drained_;
  VerdictRecorderLimits limits_;
  std::deque<LoggedVerdict> queue_;
  size_t queued_bytes_ = 0;
  bool stopping_ = false;
  int64_t written_ = 0, enqueued_ = 0, dropped_ = 0;
  std::thread thread_;
};

}  // namespace hitloop::service
