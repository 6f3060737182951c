// Pass-rate monitoring: verdicts are counted per time bucket and a two-sided
// Bernoulli (binomial) CUSUM compares each bucket with a trailing baseline,
// alerting when the pass rate drops or rises. See docs/loop.md for the
// choice of CUSUM, the defaults and the measured false-alarm rate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/status.h"

namespace hitloop::loop {

struct Bucket {
  int64_t start_ms = 0;
  int64_t n = 0;       // verdicts in the bucket
  int64_t passes = 0;  // verdicts "good"
};

struct VerdictEvent {
  int64_t at_ms = 0;
  bool pass = false;
};

// Buckets [k*width, (k+1)*width) from the earliest to the latest event, in
// order and without gaps (empty buckets have n = 0), so a bucket's index is
// its time. Events need not be sorted. No events give no buckets. Errors:
// width <= 0, or a span of more than 10 million buckets.
Result<std::vector<Bucket>> bucketize(const std::vector<VerdictEvent>& events, int64_t width_ms);

struct MonitorParams {
  // The shift in pass rate (absolute, e.g. 0.10 = 10 points) the CUSUM is
  // tuned to detect fastest; smaller shifts are detected more slowly.
  double shift = 0.10;
  // Decision threshold h on the log-likelihood-ratio statistic (nats).
  double threshold = 8.0;
  // Baseline: the pass rate of the (up to) this many buckets before the
  // current one.
  int baseline_buckets = 24;
  // No statistic is updated while the baseline holds fewer verdicts.
  int64_t min_baseline_count = 200;
  // After an alert, further alerts in the same direction are muted for this
  // many buckets: long enough for the trailing baseline to absorb a lasting
  // shift, so one shift raises one alert. The other direction stays armed.
  int cooldown_buckets = 24;
};

Status validate_monitor_params(const MonitorParams& params);

enum class Direction { kDrop, kRise };

struct Alert {
  size_t bucket_index = 0;  // the bucket at which the statistic crossed h
  int64_t bucket_start_ms = 0;
  Direction direction = Direction::kDrop;
  double baseline_rate = 0;  // the baseline pass rate at the alarm
  // The pass rate over the buckets that built the statistic up, from
  // change_start_index to bucket_index: the estimated new rate.
  double observed_rate = 0;
  double statistic = 0;           // the CUSUM value at the alarm, >= threshold
  size_t change_start_index = 0;  // the estimated first bucket of the change
};

// Runs the CUSUM over `buckets` (contiguous, in time order, as bucketize()
// gives). Per bucket with baseline p0 (clamped to [0.001, 0.999]) and
// p1 = p0 -/+ shift, each side adds the binomial log-likelihood ratio
//   x ln(p1/p0) + (n - x) ln((1 - p1)/(1 - p0))
// and floors at 0; a side reaching `threshold` raises an alert. After an
// alert both sides reset to 0 and the alerting side is muted for
// `cooldown_buckets` buckets. The baseline is never reset: a false alarm
// does not distort it, and a real change is detected against the old level
// even right after an alarm in the other direction. Errors: invalid params,
// passes outside [0, n].
Result<std::vector<Alert>> detect_spikes(const std::vector<Bucket>& buckets,
                                         const MonitorParams& params = {});

}  // namespace hitloop::loop
