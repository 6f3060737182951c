// Whole-dataset reads built on Store::scan_sessions, shared by export, stats
// and training.
#pragma once

#include <optional>
#include <vector>

#include "core/session.h"
#include "core/stats.h"
#include "store/store.h"

namespace hitloop {

struct LabeledSession {
  Session session;
  std::optional<Label> label;  // majority of human reviews
};

Result<std::vector<LabeledSession>> collect_sessions(Store& store, bool labeled_only);
Result<DatasetStats> collect_stats(Store& store);

}  // namespace hitloop
