#include "service/pass_rate_monitor.h"

#include <algorithm>

namespace hitloop::service {
namespace {

const std::string kAll;  // the scope of all traffic

int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }

}  // namespace

Result<std::vector<AlertRecord>> PassRateMonitor::run(int64_t now_ms) {
  HITLOOP_RETURN_IF_ERROR(loop::validate_monitor_params(params_));
  std::vector<std::pair<VerdictRecord, std::string>> fresh;
  const int64_t since = newest_ms_ > kOverlapMs ? newest_ms_ - kOverlapMs : 0;
  HITLOOP_RETURN_IF_ERROR(store_.with([&](Store& s) -> Status {
    HITLOOP_ASSIGN_OR_RETURN(fresh, s.verdicts_since(since));
    return Status::Ok();
  }));
  for (const auto& [v, category] : fresh) {
    if (!recent_.emplace(v.id, v.created_at_ms).second) continue;
    ++read_;
    newest_ms_ = std::max(newest_ms_, v.created_at_ms);
    const int64_t index = floor_div(v.created_at_ms, bucket_ms_);
    // All traffic (""), and the session's category if it has one.
    for (const std::string* key : {&kAll, &category}) {
      if (key != &kAll && category.empty()) continue;
      loop::Bucket& b = counts_[*key][index];
      b.start_ms = index * bucket_ms_;
      b.n += 1;
      b.passes += v.good ? 1 : 0;
    }
  }
  // Forget ids that no later read can return again.
  const int64_t keep_from = newest_ms_ > kOverlapMs ? newest_ms_ - kOverlapMs : 0;
  std::erase_if(recent_, [&](const auto& entry) { return entry.second < keep_from; });

  std::vector<AlertRecord> detected;
  for (const auto& [key, by_index] : counts_) {
    if (by_index.empty()) continue;
    // Contiguous buckets from the first to the last, empty ones included.
    std::vector<loop::Bucket> buckets;
    const int64_t first = by_index.begin()->first, last = by_index.rbegin()->first;
    for (int64_t i = first; i <= last; ++i) {
      auto it = by_index.find(i);
      buckets.push_back(it != by_index.end() ? it->second : loop::Bucket{i * bucket_ms_, 0, 0});
    }
    HITLOOP_ASSIGN_OR_RETURN(std::vector<loop::Alert> alerts,
                             loop::detect_spikes(buckets, params_));
    service::PassRateScope scope;
    scope.bucket_ms = bucket_ms_;
    scope.category = key;
    std::vector<AlertRecord> records = service::alert_records(alerts, scope, now_ms);
    detected.insert(detected.end(), records.begin(), records.end());
  }
  std::vector<AlertRecord> stored;
  if (detected.empty()) return stored;
  HITLOOP_RETURN_IF_ERROR(store_.with([&](Store& s) -> Status {
    HITLOOP_ASSIGN_OR_RETURN(stored, s.add_alerts(detected));
    return Status::Ok();
  }));
  return stored;
}

}  // namespace hitloop::service
