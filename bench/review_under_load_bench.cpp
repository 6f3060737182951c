// Reviewers must not wait for the machine: while POST /v1/evaluate runs at a
// fixed rate and a reviewer saves a label every 100 ms, a gated retrain on
// 10k labeled sessions starts. Prints the latency of review saves and of
// evaluate calls without and with the retrain running (goal: no review
// save over 100 ms). Usage: review_under_load_bench [RATE] [SESSIONS]
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "../tests/e2e/server_process.h"
#include "bench_util.h"
#include "demo/ecommerce_data.h"

using Clock = std::chrono::steady_clock;
using hitloop::bench::pct;
using hitloop::bench::run;
namespace fs = std::filesystem;

namespace {

const std::string kBody =
    R"({"input":"Hi, can I still return the trail shoes I bought 10 days ago?",)"
    R"("output":"Yes! You're within our 30-day return window. Start the return from your order page."})";

struct Load {
  std::vector<double> evaluate_ms, review_ms;
  int errors = 0;
};

// Runs evaluate calls at `rate` on 2 connections and a reviewer saving one
// label every 100 ms, until `done()` says stop.
template <typename Done>
Load run_load(int port, const httplib::Headers& headers, int rate, int64_t& next_session,
              Done done) {
  Load load;
  std::atomic<bool> stop{false};
  std::atomic<int> errors{0};
  const int conns = 2;
  std::vector<std::vector<double>> lat(conns);
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (int c = 0; c < conns; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      auto interval = std::chrono::nanoseconds(1'000'000'000LL * conns / rate);
      auto due = start + interval * c / conns;
      while (!stop) {
        std::this_thread::sleep_until(due);
        auto r = client.Post("/v1/evaluate", headers, kBody, "application/json");
        if (!r || r->status != 200) errors++;
        // Open loop: from the scheduled time, so a stall is not hidden.
        lat[c].push_back(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
        due += interval;
      }
    });
  }
  threads.emplace_back([&] {
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    auto due = Clock::now();
    while (!stop) {
      std::this_thread::sleep_until(due);
      std::string path = "/v1/sessions/" + std::to_string(next_session++) + "/reviews";
      auto t0 = Clock::now();
      auto r = client.Post(path, headers, R"({"label":"good"})", "application/json");
      if (!r || r->status >= 300) errors++;
      load.review_ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      due += std::chrono::milliseconds(100);
    }
  });
  while (!done()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop = true;
  for (auto& t : threads) t.join();
  for (auto& v : lat) load.evaluate_ms.insert(load.evaluate_ms.end(), v.begin(), v.end());
  load.errors = errors;
  return load;
}

void print(const char* what, const Load& l, double seconds) {
  std::printf(
      "  %-22s %5.1f s  review saves: n %4zu  p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms   "
      "evaluate: n %6zu  p50 %6.2f ms  p99 %7.2f ms   errors %d\n",
      what, seconds, l.review_ms.size(), pct(l.review_ms, 0.5), pct(l.review_ms, 0.99),
      pct(l.review_ms, 1.0), l.evaluate_ms.size(), pct(l.evaluate_ms, 0.5),
      pct(l.evaluate_ms, 0.99), l.errors);
}

}  // namespace

int main(int argc, char** argv) {
  const int rate = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int sessions = argc > 2 ? std::atoi(argv[2]) : 10000;
  fs::path dir = fs::temp_directory_path() / "hitloop_review_under_load";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db = (dir / "h.db").string(), csv = (dir / "labels.csv").string();
  const std::string bin = HITLOOP_BIN;
  std::ofstream(csv) << hitloop::demo::to_csv(
      hitloop::demo::generate_ecommerce_sessions(sessions, 5));
  run(bin + " --db " + db + " import " + csv + " --reviewer ann 2>/dev/null");
  run(bin + " --db " + db + " train 2>/dev/null");
  std::string key = run(bin + " --db " + db + " keys create bench 2>/dev/null");
  key = key.substr(0, key.find('\n'));
  hitloop::e2e::ServerProcess server({"--db", db}, {"--admin-password", "bench-password"});
  httplib::Headers headers = {{"Authorization", "Bearer " + key}};
  int64_t next_session = 1;

  std::printf("review saves and evaluate calls (%d req/s), %d labeled sessions, one machine\n",
              rate, sessions);
  auto t0 = Clock::now();
  Load idle = run_load(server.port(), headers, rate, next_session,
                       [&] { return Clock::now() - t0 > std::chrono::seconds(8); });
  print("without a retrain", idle, std::chrono::duration<double>(Clock::now() - t0).count());

  httplib::Client admin("127.0.0.1", server.port());
  auto started = admin.Post("/v1/retrain", headers, R"({"force":true})", "application/json");
  if (!started || started->status != 202) {
    std::printf("  POST /v1/retrain failed: %s\n", started ? started->body.c_str() : "no answer");
    return 1;
  }
  t0 = Clock::now();
  std::string state = "running";
  Load busy = run_load(server.port(), headers, rate, next_session, [&] {
    auto r = admin.Get("/v1/train", headers);
    if (r && r->status == 200) state = nlohmann::json::parse(r->body).value("state", "");
    return state != "running" || Clock::now() - t0 > std::chrono::seconds(300);
  });
  print("while retraining", busy, std::chrono::duration<double>(Clock::now() - t0).count());
  std::printf("  retrain: %s; goal: no review save over 100 ms -> %s\n", state.c_str(),
              pct(busy.review_ms, 1.0) <= 100 ? "met" : "not met");
  server.stop();
  fs::remove_all(dir);
  return 0;
}
