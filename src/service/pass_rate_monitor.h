// The server's pass-rate monitor. Each run reads only the verdicts logged
// since the previous run (a short read of the store), adds them to hourly
// counts it keeps for all traffic and for each category, runs spike
// detection on those counts without the store, and stores the alerts not
// stored before. Its memory is one count per scope and hour, whatever the
// number of verdicts.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "service/loop_service.h"
#include "service/store_access.h"

namespace hitloop::service {

class PassRateMonitor {
 public:
  explicit PassRateMonitor(StoreAccess& store, loop::MonitorParams params = {},
                           int64_t bucket_ms = 3600 * 1000)
      : store_(store), params_(params), bucket_ms_(bucket_ms) {}

  // One run; returns the alerts it stored.
  Result<std::vector<AlertRecord>> run(int64_t now_ms);
  // Verdicts read so far (each counted once).
  int64_t verdicts_read() const { return read_; }

 private:
  // Verdicts may be written a little out of time order (the log writes in
  // batches): each run reads again from this long before the newest verdict
  // seen, and skips the ids it has counted.
  static constexpr int64_t kOverlapMs = 60 * 1000;

  StoreAccess& store_;
  loop::MonitorParams params_;
  int64_t bucket_ms_;
  // Scope ("" all traffic, else a category) -> bucket index -> counts.
  std::map<std::string, std::map<int64_t, loop::Bucket>> counts_;
  int64_t newest_ms_ = 0;
  std::unordered_map<int64_t, int64_t> recent_;  // id -> time, of verdicts within the overlap
  int64_t read_ = 0;
};

}  // namespace hitloop::service
