// Sessions, reviews, the review queue and stats.
#include <chrono>
#include <sstream>

#include "core/clock.h"
#include "http/api_json.h"
#include "service/loop_service.h"
#include "store/dataset_queries.h"

namespace hitloop::http {
namespace {

constexpr size_t kMaxBatch = 1000;

Result<Reply> ingest(const Call& c) {
  HITLOOP_ASSIGN_OR_RETURN(Json body, c.body_json());
  Json items =
      body.is_object() && body.contains("sessions") ? body["sessions"] : Json::array({body});
  if (!items.is_array()) return InvalidArgument("\"sessions\" must be an array");
  if (items.empty()) return InvalidArgument("no sessions given");
  if (items.size() > kMaxBatch) {
    return InvalidArgument("at most " + std::to_string(kMaxBatch) + " sessions per request");
  }
  HITLOOP_ASSIGN_OR_RETURN(std::vector<ImportRow> rows, parse_session_items(items));
  for (const ImportRow& r : rows) {
    if (r.label) return InvalidArgument("labels are given as reviews, not with the session");
  }
  ImportOptions options;
  options.now_ms = now_ms();
  HITLOOP_ASSIGN_OR_RETURN(ImportSummary summary, c.app.store.with([&](Store& s) {
    return s.import_rows(rows, options);
  }));
  Json out = Json::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    out.push_back(
        {{"id", summary.session_ids[i]},
         {"external_id", rows[i].external_id.empty() ? Json(nullptr) : Json(rows[i].external_id)},
         {"created", static_cast<bool>(summary.created[i])}});
  }
  return Reply::json(
      {{"created", summary.added}, {"duplicates", summary.duplicates}, {"sessions", out}},
      summary.added > 0 ? 201 : 200);
}

Result<Reply> list(const Call& c) {
  SessionFilter f;
  HITLOOP_ASSIGN_OR_RETURN(f.labeled, parse_bool_param("labeled", c.query("labeled")));
  HITLOOP_ASSIGN_OR_RETURN(f.label, parse_label_param("label", c.query("label")));
  HITLOOP_ASSIGN_OR_RETURN(f.verdict, parse_label_param("verdict", c.query("verdict")));
  HITLOOP_ASSIGN_OR_RETURN(int64_t limit, parse_int_param("limit", c.query("limit"), 50, 1, 200));
  HITLOOP_ASSIGN_OR_RETURN(int64_t offset,
                           parse_int_param("offset", c.query("offset"), 0, 0, INT32_MAX));
  HITLOOP_ASSIGN_OR_RETURN(f.since_ms, parse_int_param("since", c.query("since"), 0, 0, INT64_MAX));
  HITLOOP_ASSIGN_OR_RETURN(f.until_ms, parse_int_param("until", c.query("until"), 0, 0, INT64_MAX));
  f.limit = static_cast<int>(limit);
  f.offset = static_cast<int>(offset);
  f.category = c.query("category");
  f.text = c.query("q");
  HITLOOP_ASSIGN_OR_RETURN(SessionPage page,
                           c.app.store.read_with([&](Store& s) { return s.list_sessions(f); }));
  Json sessions = Json::array();
  for (const SessionSummary& s : page.sessions) sessions.push_back(session_json(s));
  return Reply::json({{"total", page.total}, {"sessions", sessions}});
}

Result<int64_t> id_param(const Call& c, int i) {
  return parse_int_param("id", c.param(i), 0, 1, INT64_MAX);
}

Result<Reply> detail(const Call& c) {
  HITLOOP_ASSIGN_OR_RETURN(int64_t id, id_param(c, 1));
  HITLOOP_ASSIGN_OR_RETURN(SessionDetail d,
                           c.app.store.read_with([&](Store& s) { return s.get_session(id); }));
  return Reply::json(session_detail_json(d));
}

Result<Reply> add_review(const Call& c) {
  HITLOOP_ASSIGN_OR_RETURN(int64_t id, id_param(c, 1));
  HITLOOP_ASSIGN_OR_RETURN(Json body, c.body_json());
  if (!body.is_object()) return InvalidArgument("expected a JSON object");
  std::optional<Label> label = body.contains("label") && body["label"].is_string()
                                   ? parse_label(body["label"].get<std::string>())
                                   : std::nullopt;
  if (!label) return InvalidArgument("\"label\" must be \"good\" or \"bad\"");
  Review r;
  r.session_id = id;
  r.reviewer = c.who.name;
  r.label = *label;
  r.created_at_ms = now_ms();
  if (body.contains("tags")) {
    if (!body["tags"].is_array()) return InvalidArgument("\"tags\" must be an array of strings");
    for (const Json& t : body["tags"]) {
      if (!t.is_string() || t.get<std::string>().empty() || t.get<std::string>().size() > 64) {
        return InvalidArgument("each tag must be a string of 1-64 characters");
      }
      r.tags.push_back(t.get<std::string>());
    }
  }
  if (body.contains("note")) {
    if (!body["note"].is_string()) return InvalidArgument("\"note\" must be a string");
    r.note = body["note"].get<std::string>();
    if (r.note.size() > 10000) return InvalidArgument("\"note\" is over 10,000 bytes");
  }
  if (body.contains("kind")) {
    const Json& kind = body["kind"];
    if (!kind.is_string() || (kind != "label" && kind != "audit")) {
      return InvalidArgument("\"kind\" must be \"label\" or \"audit\"");
    }
    if (kind == "audit") r.kind = ReviewKind::kAudit;
  }
  HITLOOP_ASSIGN_OR_RETURN(service::SavedReview saved, c.app.reviews.save(r));
  Json out = review_json(saved.review);
  // Shown after the answer: the model's verdict, and whether this review
  // contradicts it (an eval-failure that feeds the next training set).
  out["verdict"] = saved.verdict ? verdict_json(*saved.verdict) : Json(nullptr);
  out["eval_failure"] = saved.eval_failure;
  return Reply::json(out, 201);
}

Result<Reply> delete_review(const Call& c) {
  HITLOOP_ASSIGN_OR_RETURN(int64_t id, id_param(c, 1));
  HITLOOP_RETURN_IF_ERROR(c.app.reviews.undo(id, c.who.name, c.who.is_admin()));
  return Reply::json(Json::object());
}

Result<Reply> queue_next(const Call& c) {
  std::vector<int64_t> skip;
  std::stringstream ss(c.query("skip"));
  for (std::string part; std::getline(ss, part, ',');) {
    if (part.empty()) continue;
    HITLOOP_ASSIGN_OR_RETURN(int64_t id, parse_int_param("skip", part, 0, 1, INT64_MAX));
    skip.push_back(id);
  }
  HITLOOP_ASSIGN_OR_RETURN(service::NextItem item, c.app.reviews.next(c.who.name, skip));
  c.app.metrics.set_gauge("hitloop_review_queue_depth", static_cast<double>(item.remaining));
  Json session = Json(nullptr);
  if (item.session) {
    session = session_json(*item.session);
    // No anchoring: the reviewer sees the model's verdict only after answering.
    session.erase("verdict");
    session["reason"] = service::reason_name(item.reason);
  }
  return Reply::json({{"session", session},
                      {"remaining", item.remaining},
                      {"reviewed_by_me", item.reviewed_by_me}});
}

Result<Reply> stats(const Call& c) {
  HITLOOP_ASSIGN_OR_RETURN(DatasetStats st,
                           c.app.store.read_with([](Store& s) { return collect_stats(s); }));
  Json cats = Json::object();
  for (const auto& [name, x] : st.categories) {
    if (!name.empty()) {
      cats[name] = {
          {"sessions", x.sessions}, {"labeled", x.labeled}, {"good", x.good}, {"bad", x.bad}};
    }
  }
  Json agreement = Json::array();
  for (const ReviewerAgreement& a : st.agreement) {
    agreement.push_back({{"a", a.a},
                         {"b", a.b},
                         {"overlap", a.overlap},
                         {"agreement", a.agreement},
                         {"kappa", a.kappa ? Json(*a.kappa) : Json(nullptr)}});
  }
  return Reply::json({{"sessions", st.total.sessions},
                      {"labeled", st.total.labeled},
                      {"good", st.total.good},
                      {"bad", st.total.bad},
                      {"categories", cats},
                      {"reviewers", st.reviews_by_reviewer},
                      {"agreement", agreement}});
}

}  // namespace

std::vector<Route> api_routes() {
  return {
      {"POST", "/v1/sessions", "POST /v1/sessions", Access::kReviewer, ingest},
      {"GET", "/v1/sessions", "GET /v1/sessions", Access::kReviewer, list},
      {"GET", R"(/v1/sessions/(\d+))", "GET /v1/sessions/{id}", Access::kReviewer, detail},
      {"POST", R"(/v1/sessions/(\d+)/reviews)", "POST /v1/sessions/{id}/reviews", Access::kReviewer,
       add_review},
      {"DELETE", R"(/v1/reviews/(\d+))", "DELETE /v1/reviews/{id}", Access::kReviewer,
       delete_review},
      {"GET", "/v1/queue/next", "GET /v1/queue/next", Access::kReviewer, queue_next},
      {"GET", "/v1/stats", "GET /v1/stats", Access::kReviewer, stats},
  };
}

}  // namespace hitloop::http
