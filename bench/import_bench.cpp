// Import throughput: parse + validate + dedup + insert of generated CSV rows
// into a fresh SQLite store, one transaction, as `hitloop import` does.
// Prints the median of several runs in rows/s.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "demo/ecommerce_data.h"
#include "store/store.h"

using namespace hitloop;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  int rows = argc > 1 ? std::atoi(argv[1]) : 100000;
  int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  std::string csv = demo::to_csv(demo::generate_ecommerce_sessions(rows, 1));
  fs::path dir = fs::temp_directory_path() / "hitloop_import_bench";
  fs::create_directories(dir);
  // Keep a copy of the CSV for the sqlite3 CLI reference run in bench/run.sh.
  FILE* f = std::fopen((dir / "rows.csv").c_str(), "wb");
  std::fwrite(csv.data(), 1, csv.size(), f);
  std::fclose(f);

  std::vector<double> parse_rate, total_rate;
  for (int i = 0; i < runs; ++i) {
    fs::remove(dir / "b.db");
    fs::remove(dir / "b.db-wal");
    fs::remove(dir / "b.db-shm");
    auto store = open_store((dir / "b.db").string());
    if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().message().c_str()), 1;
    auto t0 = std::chrono::steady_clock::now();
    ParsedDataset parsed = parse_dataset("rows.csv", csv, DatasetFormat::kCsv, ReadOptions{});
    auto t1 = std::chrono::steady_clock::now();
    ImportOptions options;
    auto summary = (*store)->import_rows(parsed.rows, options);
    auto t2 = std::chrono::steady_clock::now();
    if (!summary.ok() || summary->added != rows) {
      std::fprintf(stderr, "import failed\n");
      return 1;
    }
    parse_rate.push_back(rows / std::chrono::duration<double>(t1 - t0).count());
    total_rate.push_back(rows / std::chrono::duration<double>(t2 - t0).count());
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf("import %d rows (%.1f MB CSV), median of %d runs:\n", rows, csv.size() / 1e6, runs);
  std::printf("  parse + validate:           %10.0f rows/s\n", median(parse_rate));
  std::printf("  hitloop import (end to end):%10.0f rows/s\n", median(total_rate));
  return 0;
}
