// A bounded hand-over of parsed rows from the thread that parses a file to
// the one that writes them, so that `import` parses and writes at once.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <vector>

#include "core/dataset.h"

namespace hitloop::cli {

class ChunkQueue {
 public:
  explicit ChunkQueue(size_t capacity) : capacity_(capacity) {}

  // Waits while the queue is full. Dropped once the reader has cancelled
  // (the write failed: nothing more is wanted).
  void push(std::vector<ImportRow>&& chunk) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return cancelled_ || chunks_.size() < capacity_; });
    if (cancelled_) return;
    chunks_.push_back(std::move(chunk));
    ready_.notify_one();
  }
  // The writer has pushed its last chunk.
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    ready_.notify_all();
  }
  // The reader stops: a blocked push returns, later ones are dropped.
  void cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    chunks_.clear();
    room_.notify_all();
  }
  // The next chunk, in push order; false once closed and drained.
  bool pop(std::vector<ImportRow>& out) {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return closed_ || !chunks_.empty(); });
    if (chunks_.empty()) return false;
    out = std::move(chunks_.front());
    chunks_.pop_front();
    room_.notify_one();
    return true;
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<std::vector<ImportRow>> chunks_;
  bool closed_ = false, cancelled_ = false;
};

}  // namespace hitloop::cli
