#include "http/api_json.h"

#include <charconv>

namespace hitloop::http {

Json verdict_json(const VerdictRecord& v) {
  return {{"score", v.score},
          {"good", v.good},
          {"model_version", "v" + std::to_string(v.model_version)},
          {"latency_us", v.latency_us},
          {"created_at", v.created_at_ms}};
}

Json job_json(const TrainJob& j) {
  return {{"state", job_state_name(j.state)},
          {"kind", j.kind},
          {"started_at", j.started_at_ms},
          {"progress", j.progress},
          {"model", j.model.empty() ? Json(nullptr) : Json(j.model)},
          {"error", j.error.empty() ? Json(nullptr) : Json(j.error)}};
}

Json session_json(const SessionSummary& s) {
  const Session& x = s.session;
  return {{"id", x.id},
          {"external_id", x.external_id.empty() ? Json(nullptr) : Json(x.external_id)},
          {"category", x.category},
          {"model_input", x.model_input},
          {"model_output", x.model_output},
          {"created_at", x.created_at_ms},
          {"label", s.label ? Json(std::string(label_name(*s.label))) : Json(nullptr)},
          {"reviews", s.reviews},
          {"verdict", s.verdict ? verdict_json(*s.verdict) : Json(nullptr)},
          {"metadata", x.metadata_json.empty() ? Json(nullptr) : Json::parse(x.metadata_json)}};
}

Json review_json(const Review& r) {
  return {{"id", r.id},
          {"session_id", r.session_id},
          {"reviewer", r.reviewer},
          {"label", std::string(label_name(r.label))},
          {"tags", r.tags},
          {"note", r.note},
          {"created_at", r.created_at_ms},
          {"kind", r.kind == ReviewKind::kAudit ? "audit" : "label"}};
}

Json session_detail_json(const SessionDetail& d) {
  Json j = session_json(d.summary);
  Json reviews = Json::array(), verdicts = Json::array();
  for (const Review& r : d.reviews) reviews.push_back(review_json(r));
  for (const VerdictRecord& v : d.verdicts) verdicts.push_back(verdict_json(v));
  j["reviews"] = reviews;
  j["review_count"] = d.summary.reviews;
  j["verdicts"] = verdicts;
  return j;
}

Result<std::vector<ImportRow>> parse_session_items(const Json& items) {
  // Each item becomes one JSONL line so that the API and `hitloop import`
  // accept and reject exactly the same sessions.
  std::string lines;
  for (const Json& item : items) {
    if (!item.is_object()) return InvalidArgument("each session must be a JSON object");
    lines += item.dump();
    lines += '\n';
  }
  ParsedDataset parsed = parse_dataset("sessions", lines, DatasetFormat::kJsonl, ReadOptions{});
  if (!parsed.errors.empty()) {
    // "sessions:3: reason" -> "sessions[2]: reason"
    const std::string& e = parsed.errors[0];
    size_t colon = e.find(':', 9);
    int line = std::atoi(e.c_str() + 9);
    return InvalidArgument("sessions[" + std::to_string(line - 1) + "]:" + e.substr(colon + 1));
  }
  return std::move(parsed.rows);
}

Result<std::optional<bool>> parse_bool_param(const std::string& name, const std::string& value) {
  if (value.empty()) return std::optional<bool>();
  if (value == "true" || value == "1") return std::optional<bool>(true);
  if (value == "false" || value == "0") return std::optional<bool>(false);
  return InvalidArgument(name + " must be true or false");
}

Result<std::optional<Label>> parse_label_param(const std::string& name, const std::string& value) {
  if (value.empty()) return std::optional<Label>();
  if (value == "good") return std::optional<Label>(Label::kGood);
  if (value == "bad") return std::optional<Label>(Label::kBad);
  return InvalidArgument(name + " must be good or bad");
}

Result<int64_t> parse_int_param(const std::string& name, const std::string& value, int64_t fallback,
                                int64_t min, int64_t max) {
  if (value.empty()) return fallback;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || p != value.data() + value.size() || v < min || v > max) {
    return InvalidArgument(name + " must be an integer from " + std::to_string(min) + " to " +
                           std::to_string(max));
  }
  return v;
}

}  // namespace hitloop::http
