// Prometheus metrics for the server: request counts and latency histograms
// per route, evaluate latency, and gauges the app sets (queue depth, active
// model). Counters are atomics so that hot routes never take a lock.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hitloop::http {

class Histogram {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   0.5,    2.5};
  void observe(double seconds);
  // Appends `name_bucket{labels,le=...}`, `_sum` and `_count` lines.
  void write(std::string& out, const std::string& name, const std::string& labels) const;

 private:
  std::array<std::atomic<uint64_t>, kBuckets.size() + 1> counts_{};
  std::atomic<uint64_t> sum_ns_{0};
};

class Metrics {
 public:
  // Registers a route up front so that recording is lock-free.
  void add_route(const std::string& route);
  void record(const std::string& route, int status, double seconds);
  void record_evaluate(double seconds) { evaluate_.observe(seconds); }
  void set_gauge(const std::string& name, double value);
  std::string render() const;

 private:
  struct RouteStats {
    std::array<std::atomic<uint64_t>, 6> by_class{};  // 1xx..5xx by status / 100
    Histogram latency;
  };
  std::map<std::string, std::unique_ptr<RouteStats>> routes_;
  Histogram evaluate_;
  mutable std::mutex gauges_mu_;
  std::map<std::string, double> gauges_;
};

}  // namespace hitloop::http
