#include "loop/monitor.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace hitloop::loop {

namespace {

constexpr uint64_t kMaxBuckets = 10'000'000;
constexpr double kMinRate = 0.001;
constexpr double kMaxRate = 0.999;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// One side of the CUSUM: the statistic and the run of buckets behind it.
struct Side {
  Direction direction;
  double sign;             // -1 looks for a drop, +1 for a rise
  size_t muted_until = 0;  // no updates before this bucket
  double s = 0;
  size_t run_start = 0;
  int64_t run_n = 0, run_x = 0;

  void reset() { s = 0, run_n = 0, run_x = 0; }

  void update(size_t i, const Bucket& b, double p0, double shift) {
    if (i < muted_until) return;
    double p1 = std::clamp(p0 + sign * shift, kMinRate, kMaxRate);
    double x = static_cast<double>(b.passes), fails = static_cast<double>(b.n - b.passes);
    double llr = x * std::log(p1 / p0) + fails * std::log((1 - p1) / (1 - p0));
    if (s == 0) run_start = i, run_n = 0, run_x = 0;
    s = std::max(0.0, s + llr);
    if (s == 0) return reset();
    run_n += b.n;
    run_x += b.passes;
  }
};

}  // namespace

Result<std::vector<Bucket>> bucketize(const std::vector<VerdictEvent>& events, int64_t width_ms) {
  if (width_ms <= 0) return InvalidArgument("bucket width must be positive");
  if (events.empty()) return std::vector<Bucket>{};
  int64_t lo = events[0].at_ms, hi = events[0].at_ms;
  for (const VerdictEvent& e : events) lo = std::min(lo, e.at_ms), hi = std::max(hi, e.at_ms);
  int64_t first = floor_div(lo, width_ms), last = floor_div(hi, width_ms);
  // Unsigned: last >= first, and the signed difference could overflow.
  if (static_cast<uint64_t>(last) - static_cast<uint64_t>(first) >= kMaxBuckets) {
    return InvalidArgument("time span covers too many buckets");
  }
  std::vector<Bucket> out(static_cast<size_t>(last - first + 1));
  for (size_t k = 0; k < out.size(); ++k) {
    out[k].start_ms = (first + static_cast<int64_t>(k)) * width_ms;
  }
  for (const VerdictEvent& e : events) {
    Bucket& b = out[static_cast<size_t>(floor_div(e.at_ms, width_ms) - first)];
    b.n++;
    b.passes += e.pass;
  }
  return out;
}

Status validate_monitor_params(const MonitorParams& p) {
  if (!(p.shift > 0 && p.shift < 1)) return InvalidArgument("shift must be in (0, 1)");
  if (!(p.threshold > 0) || !std::isfinite(p.threshold)) {
    return InvalidArgument("threshold must be a positive number");
  }
  if (p.baseline_buckets < 1) return InvalidArgument("baseline_buckets must be at least 1");
  if (p.min_baseline_count < 1) return InvalidArgument("min_baseline_count must be at least 1");
  if (p.cooldown_buckets < 0) return InvalidArgument("cooldown_buckets must be >= 0");
  return Status::Ok();
}

Result<std::vector<Alert>> detect_spikes(const std::vector<Bucket>& buckets,
                                         const MonitorParams& params) {
  HITLOOP_RETURN_IF_ERROR(validate_monitor_params(params));
  for (size_t i = 0; i < buckets.size(); ++i) {
    if (buckets[i].n < 0 || buckets[i].passes < 0 || buckets[i].passes > buckets[i].n) {
      return InvalidArgument("bucket " + std::to_string(i) + ": passes must be in [0, n]");
    }
  }
  std::vector<Alert> alerts;
  Side drop{Direction::kDrop, -1.0}, rise{Direction::kRise, +1.0};
  const auto window = static_cast<size_t>(params.baseline_buckets);
  for (size_t i = 0; i < buckets.size(); ++i) {
    int64_t base_n = 0, base_x = 0;
    for (size_t j = i >= window ? i - window : 0; j < i; ++j) {
      base_n += buckets[j].n;
      base_x += buckets[j].passes;
    }
    if (base_n < params.min_baseline_count || buckets[i].n == 0) continue;
    double p0 =
        std::clamp(static_cast<double>(base_x) / static_cast<double>(base_n), kMinRate, kMaxRate);
    drop.update(i, buckets[i], p0, params.shift);
    rise.update(i, buckets[i], p0, params.shift);
    Side* fired = drop.s >= rise.s ? &drop : &rise;
    if (fired->s < params.threshold) continue;
    Alert a;
    a.bucket_index = i;
    a.bucket_start_ms = buckets[i].start_ms;
    a.direction = fired->direction;
    a.baseline_rate = static_cast<double>(base_x) / static_cast<double>(base_n);
    a.observed_rate = static_cast<double>(fired->run_x) / static_cast<double>(fired->run_n);
    a.statistic = fired->s;
    a.change_start_index = fired->run_start;
    alerts.push_back(a);
    drop.reset();
    rise.reset();
    fired->muted_until = i + 1 + static_cast<size_t>(params.cooldown_buckets);
  }
  return alerts;
}

}  // namespace hitloop::loop
