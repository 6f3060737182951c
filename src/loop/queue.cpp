#include "loop/queue.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace hitloop::loop {

namespace {

struct Entry {
  int rank;  // 0 second opinion, 1 uncertain, 2 audit, 3 unlabeled
  int64_t created_at_ms;
  int64_t session_id;
  QueueReason reason;
};

std::optional<Entry> classify(const Candidate& c, double band) {
  Entry e{0, c.created_at_ms, c.session_id, QueueReason::kSecondOpinion};
  if (c.needs_second_review) return e;
  // Only membership of the band counts, not the distance: see queue.h.
  if (!c.labeled && c.score && std::isfinite(*c.score) && band >= 0.0 &&
      std::fabs(*c.score - c.threshold) <= band) {
    e.rank = 1;
    e.reason = QueueReason::kUncertain;
    return e;
  }
  if (c.audit_sampled) {
    e.rank = 2;
    e.reason = QueueReason::kAudit;
    return e;
  }
  if (!c.labeled) {
    e.rank = 3;
    e.reason = QueueReason::kUnlabeled;
    return e;
  }
  return std::nullopt;  // labeled, nothing pending
}

}  // namespace

std::vector<std::pair<int64_t, QueueReason>> order_queue(std::vector<Candidate> candidates,
                                                         double uncertainty_band) {
  std::vector<Entry> entries;
  entries.reserve(candidates.size());
  for (const Candidate& c : candidates) {
    if (auto e = classify(c, uncertainty_band)) entries.push_back(*e);
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.rank, a.created_at_ms, a.session_id) <
           std::tie(b.rank, b.created_at_ms, b.session_id);
  });
  std::vector<std::pair<int64_t, QueueReason>> out;
  out.reserve(entries.size());
  for (const Entry& e : entries) out.emplace_back(e.session_id, e.reason);
  return out;
}

}  // namespace hitloop::loop
