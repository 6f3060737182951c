#include "store/dataset_queries.h"

namespace hitloop {

Result<std::vector<LabeledSession>> collect_sessions(Store& store, bool labeled_only) {
  std::vector<LabeledSession> out;
  ScanOptions options;
  options.labeled_only = labeled_only;
  HITLOOP_RETURN_IF_ERROR(
      store.scan_sessions(options, [&](const Session& s, const std::vector<Review>& reviews) {
        out.push_back({s, majority_label(reviews)});
        return Status::Ok();
      }));
  return out;
}

Result<DatasetStats> collect_stats(Store& store) {
  StatsBuilder builder;
  HITLOOP_RETURN_IF_ERROR(
      store.scan_sessions({}, [&](const Session& s, const std::vector<Review>& reviews) {
        builder.add(s, reviews);
        return Status::Ok();
      }));
  return builder.finish();
}

}  // namespace hitloop
