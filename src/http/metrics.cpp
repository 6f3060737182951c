#include "http/metrics.h"

#include <cstdio>

namespace hitloop::http {

void Histogram::observe(double seconds) {
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void Histogram::write(std::string& out, const std::string& name, const std::string& labels) const {
  uint64_t cumulative = 0;
  char buf[256];
  std::string sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i <= kBuckets.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    std::string le = i < kBuckets.size() ? std::to_string(kBuckets[i]) : "+Inf";
    std::snprintf(buf, sizeof buf, "%s_bucket{%s%sle=\"%s\"} %llu\n", name.c_str(), labels.c_str(),
                  sep.c_str(), le.c_str(), static_cast<unsigned long long>(cumulative));
    out += buf;
  }
  std::string braces = labels.empty() ? "" : "{" + labels + "}";
  std::snprintf(buf, sizeof buf, "%s_sum%s %.9f\n%s_count%s %llu\n", name.c_str(), braces.c_str(),
                static_cast<double>(sum_ns_.load()) / 1e9, name.c_str(), braces.c_str(),
                static_cast<unsigned long long>(cumulative));
  out += buf;
}

void Metrics::add_route(const std::string& route) {
  routes_.try_emplace(route, std::make_unique<RouteStats>());
}

void Metrics::record(const std::string& route, int status, double seconds) {
  auto it = routes_.find(route);
  if (it == routes_.end()) return;
  it->second->by_class[std::min(5, std::max(1, status / 100))].fetch_add(1,
                                                                         std::memory_order_relaxed);
  it->second->latency.observe(seconds);
}

void Metrics::set_gauge(const std::string& name, double value) {
  std::lock_guard lock(gauges_mu_);
  gauges_[name] = value;
}

std::string Metrics::render() const {
  std::string out =
      "# HELP hitloop_http_requests_total HTTP requests by route and status class.\n"
      "# TYPE hitloop_http_requests_total counter\n";
  char buf[256];
  for (const auto& [route, stats] : routes_) {
    for (int c = 1; c <= 5; ++c) {
      uint64_t n = stats->by_class[c].load(std::memory_order_relaxed);
      if (n == 0) continue;
      std::snprintf(buf, sizeof buf,
                    "hitloop_http_requests_total{route=\"%s\",code=\"%dxx\"} %llu\n", route.c_str(),
                    c, static_cast<unsigned long long>(n));
      out += buf;
    }
  }
  out +=
      "# HELP hitloop_http_request_duration_seconds Request latency by route.\n"
      "# TYPE hitloop_http_request_duration_seconds histogram\n";
  for (const auto& [route, stats] : routes_) {
    stats->latency.write(out, "hitloop_http_request_duration_seconds", "route=\"" + route + "\"");
  }
  out +=
      "# HELP hitloop_evaluate_duration_seconds Model scoring time per evaluate call.\n"
      "# TYPE hitloop_evaluate_duration_seconds histogram\n";
  evaluate_.write(out, "hitloop_evaluate_duration_seconds", "");
  std::lock_guard lock(gauges_mu_);
  for (const auto& [name, value] : gauges_) {
    std::snprintf(buf, sizeof buf, "# TYPE %s gauge\n%s %g\n", name.c_str(), name.c_str(), value);
    out += buf;
  }
  return out;
}

}  // namespace hitloop::http
