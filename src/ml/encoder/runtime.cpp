#include "ml/encoder/runtime.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <malloc.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "ml/encoder/work_pool.h"

namespace hitloop::ml::encoder {
namespace {

std::atomic<int> g_threads{0};

// OpenBLAS exports openblas_set_num_threads; other BLAS builds do not, and
// then there is nothing to do.
void quiet_openblas() {
  using SetThreads = void (*)(int);
  if (auto fn = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    fn(1);
  }
}

// Freed tensors stay in the heap for the next ones. Why: by default glibc
// maps each large block fresh from the kernel and unmaps it when freed, and
// trims the heap's free top; a training step allocates and frees hundreds
// of MB of activations and gradients, so every step paid for zero-filling
// those pages again (page faults were a fifth of its time). 32 MB is the
// largest threshold glibc accepts; the process keeps its peak instead.
void keep_freed_memory() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace

void configure_threads(int threads) {
  static std::once_flag once;
  std::call_once(once, [] {
    quiet_openblas();
    keep_freed_memory();
    try {
      at::set_num_interop_threads(1);
    } catch (...) {
      // Already started by someone else: harmless, inter-op stays as it is.
    }
  });
  int n =
      threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  g_threads = n;
  // libtorch's own ops (elementwise, LayerNorm, softmax) stay on the
  // calling thread: they are a few percent of the work, and an OpenMP team
  // for them would spin. The products run on the sleeping WorkPool.
  at::set_num_threads(1);
  WorkPool::resize_global(n);
}

int configured_threads() { return g_threads.load(); }

void adopt_thread_setting() {
  // OpenMP's team size is per thread: a server thread that never ran an
  // encoder op would otherwise let oneDNN start a spinning team.
  thread_local bool done = false;
  if (!done) {
    at::set_num_threads(1);
    done = true;
  }
}

}  // namespace hitloop::ml::encoder
