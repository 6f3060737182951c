// A small pool of worker threads for the encoder's matrix products.
//
// Why not OpenMP (libtorch's and oneDNN's pool here): libgomp's workers
// spin while they wait, and on a 2-core machine with anything else running
// a spinning worker steals the core its partner needs, so two threads ran
// several times slower than one. These workers sleep on a condition
// variable instead, and each runs oneDNN single-threaded on its own slice
// of the product, so more threads never cost more than the split is worth.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace hitloop::ml::encoder {

class WorkPool {
 public:
  // `threads` counts the caller: 1 runs everything inline.
  explicit WorkPool(int threads);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }
  // Runs fn(0) .. fn(tasks - 1), spread over the threads; returns when all
  // are done. Calls from several threads at once are serialised.
  void run(int64_t tasks, const std::function<void(int64_t)>& fn);

  // The process-wide pool, sized by configure_threads(). Shared so that a
  // resize never pulls a pool from under a product that is running on it.
  static std::shared_ptr<WorkPool> global();
  static void resize_global(int threads);

 private:
  void work_loop();
  void drain();

  std::vector<std::thread> workers_;
  std::mutex run_mutex_;  // one run() at a time
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int64_t)>* fn_ = nullptr;
  int64_t tasks_ = 0, next_ = 0, finished_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

}  // namespace hitloop::ml::encoder
