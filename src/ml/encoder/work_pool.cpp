#include "ml/encoder/work_pool.h"

#include <dlfcn.h>

#include <memory>

namespace hitloop::ml::encoder {
namespace {

// The calling thread's OpenMP team size: oneDNN sizes its own parallelism
// from it, and inside a worker it must be 1. Looked up at run time: libgomp
// comes with libtorch, and this library does not link it itself.
void single_threaded_openmp() {
  using SetThreads = void (*)(int);
  static auto fn = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
  if (fn) fn(1);
}

std::mutex g_global_mutex;
std::shared_ptr<WorkPool> g_global;

}  // namespace

WorkPool::WorkPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { work_loop(); });
}

WorkPool::~WorkPool() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

// Takes tasks until none are left (the caller and the workers alike).
void WorkPool::drain() {
  std::unique_lock lock(mutex_);
  while (next_ < tasks_) {
    int64_t task = next_++;
    lock.unlock();
    (*fn_)(task);
    lock.lock();
    if (++finished_ == tasks_) done_.notify_all();
  }
}

void WorkPool::work_loop() {
  single_threaded_openmp();
  uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    drain();
  }
}

void WorkPool::run(int64_t tasks, const std::function<void(int64_t)>& fn) {
  if (tasks <= 0) return;
  if (workers_.empty() || tasks == 1) {
    for (int64_t i = 0; i < tasks; ++i) fn(i);
    return;
  }
  std::lock_guard run_lock(run_mutex_);
  {
    std::lock_guard lock(mutex_);
    fn_ = &fn;
    tasks_ = tasks;
    next_ = 0;
    finished_ = 0;
    ++generation_;
  }
  wake_.notify_all();
  drain();
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return finished_ == tasks_; });
  fn_ = nullptr;
}

std::shared_ptr<WorkPool> WorkPool::global() {
  std::lock_guard lock(g_global_mutex);
  if (!g_global) g_global = std::make_shared<WorkPool>(1);
  return g_global;
}

void WorkPool::resize_global(int threads) {
  std::lock_guard lock(g_global_mutex);
  if (g_global && g_global->threads() == threads) return;
  g_global = std::make_shared<WorkPool>(threads);
}

}  // namespace hitloop::ml::encoder
