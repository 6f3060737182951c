// The binary's own cost, process start to exit, as a user sees it:
// `hitloop --help`, `hitloop stats` on an empty store, and `hitloop import`
// of generated rows into a fresh store. Goals (issue 11): help and stats
// < 30 ms wall; import >= 100k rows/s end to end. Prints medians.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_util.h"
#include "demo/ecommerce_data.h"
#include "store/store.h"

extern char** environ;

using namespace hitloop;
namespace fs = std::filesystem;

namespace {

// Wall seconds of one run of the binary with `args`, output discarded; -1
// when it fails.
double timed_run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string bin = HITLOOP_BIN;
  argv.push_back(bin.data());
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t io;
  posix_spawn_file_actions_init(&io);
  posix_spawn_file_actions_addopen(&io, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&io, 2, "/dev/null", O_WRONLY, 0);
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid = 0;
  int status = 0;
  bool ok = posix_spawn(&pid, bin.c_str(), &io, nullptr, argv.data(), environ) == 0 &&
            waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  auto t1 = std::chrono::steady_clock::now();
  posix_spawn_file_actions_destroy(&io);
  return ok ? std::chrono::duration<double>(t1 - t0).count() : -1;
}

// Median wall seconds of `runs` runs; `before` runs untimed before each.
double median_run(const std::vector<std::string>& args, int runs, void (*before)() = nullptr) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    if (before) before();
    double s = timed_run(args);
    if (s < 0) {
      std::fprintf(stderr, "startup_bench: %s %s failed\n", HITLOOP_BIN, args.front().c_str());
      std::exit(1);
    }
    t.push_back(s);
  }
  return bench::pct(t, 0.5);
}

fs::path bench_dir() { return fs::temp_directory_path() / "hitloop_startup_bench"; }

void remove_import_db() {
  for (const char* f : {"import.db", "import.db-wal", "import.db-shm"}) fs::remove(bench_dir() / f);
}

}  // namespace

int main(int argc, char** argv) {
  int rows = argc > 1 ? std::atoi(argv[1]) : 100000;
  int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  fs::remove_all(bench_dir());
  fs::create_directories(bench_dir());
  const std::string csv = (bench_dir() / "rows.csv").string();
  {
    std::string data = demo::to_csv(demo::generate_ecommerce_sessions(rows, 1));
    FILE* f = std::fopen(csv.c_str(), "wb");
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
  }
  const std::string empty_db = (bench_dir() / "empty.db").string();
  if (!open_store(empty_db).ok())
    return std::fprintf(stderr, "cannot create %s\n", empty_db.c_str()), 1;

  double help = median_run({"--help"}, runs * 2);
  double stats = median_run({"--db", empty_db, "stats"}, runs * 2);
  double import = median_run({"--db", (bench_dir() / "import.db").string(), "import", csv}, runs,
                             remove_import_db);
  std::printf("binary start to exit, median of %d runs:\n", runs);
  std::printf("  hitloop --help:               %8.1f ms   (goal < 30 ms)\n", help * 1e3);
  std::printf("  hitloop stats (empty store):  %8.1f ms   (goal < 30 ms)\n", stats * 1e3);
  std::printf("  hitloop import %d rows:   %8.0f rows/s (goal >= 100000 rows/s; %.2f s)\n", rows,
              rows / import, import);
  fs::remove_all(bench_dir());
  return 0;
}
