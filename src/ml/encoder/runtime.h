// libtorch's process-wide thread setup, done once.
//
// Why: libtorch's intra-op pool (OpenMP here), oneDNN (which runs on that
// OpenMP pool) and a threaded OpenBLAS, if the system's libblas.so.3 is
// one, would otherwise each size themselves to every core; on a 2-core
// machine two such pools fighting made PyTorch slower with 2 threads than
// with 1. Here the products (nearly all the work) run on WorkPool's
// sleeping workers with oneDNN single-threaded in each; libtorch's
// intra-op pool is 1, inter-op is 1 (a forward is one chain of ops), and
// OpenBLAS is told to stay single-threaded.
#pragma once

namespace hitloop::ml::encoder {

// `threads` 0 = the number of cores. Process-wide; call it before the
// model runs (a load or a training run does), not while it runs.
void configure_threads(int threads);

// What configure_threads chose (0 before the first call).
int configured_threads();

// Every thread that runs encoder ops calls this first: OpenMP's thread
// count is per calling thread, so a server thread must copy the setting.
void adopt_thread_setting();

}  // namespace hitloop::ml::encoder
