// Domain types to and from the API's JSON (docs/api.md).
#pragma once

#include <vector>

#include "core/dataset.h"
#include "http/router.h"
#include "store/store.h"

namespace hitloop::http {

Json session_json(const SessionSummary& s);
Json session_detail_json(const SessionDetail& d);
Json review_json(const Review& r);
Json verdict_json(const VerdictRecord& v);
Json job_json(const TrainJob& j);

// Session objects of POST /v1/sessions into validated rows, with the same
// rules as JSONL import; errors name the item ("sessions[3]: empty model_output").
Result<std::vector<ImportRow>> parse_session_items(const Json& items);

// "true"/"false"/"" -> optional<bool>; anything else is InvalidArgument.
Result<std::optional<bool>> parse_bool_param(const std::string& name, const std::string& value);
Result<std::optional<Label>> parse_label_param(const std::string& name, const std::string& value);
Result<int64_t> parse_int_param(const std::string& name, const std::string& value, int64_t fallback,
                                int64_t min, int64_t max);

}  // namespace hitloop::http
