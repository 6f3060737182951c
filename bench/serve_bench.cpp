// Load on POST /v1/evaluate from a second process: latency at a fixed rate
// (open loop: latency counts from the scheduled send time, so a stall is
// not hidden) and throughput at saturation (closed loop, keep-alive).
// Usage: serve_bench [RATE] [SECONDS]; starts its own server on a temp store.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "../tests/e2e/server_process.h"
#include "bench_util.h"

using Clock = std::chrono::steady_clock;
using hitloop::bench::pct;
using hitloop::bench::run;
namespace fs = std::filesystem;

static const std::string kBody =
    R"({"input":"Hi, can I still return the trail shoes I bought 10 days ago?",)"
    R"("output":"Yes! You're within our 30-day return window. Start the return from your order page."})";

int main(int argc, char** argv) {
  int rate = argc > 1 ? std::atoi(argv[1]) : 1000;
  int seconds = argc > 2 ? std::atoi(argv[2]) : 5;
  fs::path dir = fs::temp_directory_path() / "hitloop_serve_bench";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string db = (dir / "h.db").string();
  std::string bin = HITLOOP_BIN;
  run(bin + " --db " + db +
      " train --data " HITLOOP_SOURCE_DIR "/examples/ecommerce_support.csv 2>/dev/null");
  std::string key = run(bin + " --db " + db + " keys create bench 2>/dev/null");
  key = key.substr(0, key.find('\n'));
  hitloop::e2e::ServerProcess server({"--db", db}, {"--admin-password", "bench-password"});
  httplib::Headers headers = {{"Authorization", "Bearer " + key}};

  // Fixed rate: 2 connections, each sending on its own schedule.
  const int conns = 2;
  std::vector<std::vector<double>> lat(conns);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  auto start = Clock::now() + std::chrono::milliseconds(100);
  for (int c = 0; c < conns; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", server.port());
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      auto interval = std::chrono::nanoseconds(1'000'000'000LL * conns / rate);
      auto due = start + interval * c / conns;
      auto end = start + std::chrono::seconds(seconds);
      while (due < end) {
        std::this_thread::sleep_until(due);
        auto r = client.Post("/v1/evaluate", headers, kBody, "application/json");
        if (!r || r->status != 200) errors++;
        lat[c].push_back(std::chrono::duration<double, std::micro>(Clock::now() - due).count());
        due += interval;
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::printf("POST /v1/evaluate, n-gram model, keep-alive, client and server on this machine\n");
  std::printf(
      "  fixed rate %5d req/s for %d s: %zu requests, p50 %7.0f us  p99 %7.0f us  errors %d\n",
      rate, seconds, all.size(), pct(all, 0.5), pct(all, 0.99), errors.load());

  // Saturation: closed loop on 4 connections.
  threads.clear();
  std::atomic<long> done{0};
  std::vector<std::vector<double>> sat(4);
  std::atomic<bool> stop{false};
  for (int c = 0; c < 4; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", server.port());
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      while (!stop) {
        auto t0 = Clock::now();
        auto r = client.Post("/v1/evaluate", headers, kBody, "application/json");
        if (!r || r->status != 200) errors++;
        sat[c].push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        done++;
      }
    });
  }
  auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  all.clear();
  for (auto& v : sat) all.insert(all.end(), v.begin(), v.end());
  std::printf(
      "  saturation, 4 connections:      %8.0f req/s, p50 %7.0f us  p99 %7.0f us  errors %d\n",
      done / secs, pct(all, 0.5), pct(all, 0.99), errors.load());
  server.stop();
  fs::remove_all(dir);
  return 0;
}
