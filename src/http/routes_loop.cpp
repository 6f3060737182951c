// The loop over HTTP: agreement, automation, pass rate and alerts, failures,
// gated retraining.
#include <chrono>

#include "core/clock.h"
#include "http/api_json.h"
#include "service/loop_service.h"
#include "service/report_json.h"

namespace hitloop::http {
namespace {

using service::agreement_json;
using service::alert_json;

Result<Reply> agreement(const Call& c) {
  HITLOOP_ASSIGN_OR_RETURN(auto items, c.app.store.read_with(service::agreement_items));
  std::string by = c.query("by").empty() ? "model_version" : c.query("by");
  Json groups = Json::array();
  auto add = [&](const auto& map) {
    for (const auto& [key, stats] : map) {
      Json g = agreement_json(stats);
      g["key"] = key;
      groups.push_back(g);
    }
  };
  if (by == "model_version")
    add(loop::agreement_by_model_version(items));
  else if (by == "category")
    add(loop::agreement_by_category(items));
  else if (by == "tag")
    add(loop::agreement_by_tag(items));
  else if (by == "week") {
    HITLOOP_ASSIGN_OR_RETURN(auto weeks,
                             loop::agreement_by_time(items, loop::kWeekMs, loop::kIsoWeekOriginMs));
    add(weeks);
  } else {
    return InvalidArgument("by must be model_version, category, tag or week");
  }
  return Reply::json(
      {{"overall", agreement_json(loop::compute_agreement(items))}, {"groups", groups}});
}

Result<Reply> automation(const Call& c) {
  double target = c.query("target").empty() ? 0.95 : std::atof(c.query("target").c_str());
  if (!(target > 0 && target < 1)) return InvalidArgument("target must be between 0 and 1");
  using Report = std::map<std::string, std::optional<loop::AutomationThreshold>>;
  HITLOOP_ASSIGN_OR_RETURN(Report report, c.app.store.read_with([&](Store& s) -> Result<Report> {
    HITLOOP_ASSIGN_OR_RETURN(auto items, service::agreement_items(s));
    return service::automation_report(s, items, target);
  }));
  Json cats = Json::array();
  for (const auto& [category, t] : report) {
    Json row = {{"category", category}};
    if (t) {
      row.update({{"threshold", t->confidence},
                  {"support", t->support},
                  {"agreement", t->agreement},
                  {"lower_bound", t->lower_bound},
                  {"automated_share", t->traffic_share}});
    } else {
      row.update({{"threshold", nullptr}, {"automated_share", 0.0}});
    }
    cats.push_back(row);
  }
  return Reply::json({{"target", target}, {"categories", cats}});
}

Result<Reply> pass_rate(const Call& c) {
  service::PassRateScope scope;
  HITLOOP_ASSIGN_OR_RETURN(
      int64_t minutes, parse_int_param("bucket_minutes", c.query("bucket_minutes"), 60, 1, 10080));
  scope.bucket_ms = minutes * 60 * 1000;
  scope.category = c.query("category");
  if (!c.query("model_version").empty()) {
    HITLOOP_ASSIGN_OR_RETURN(scope.model_version, ml::parse_version(c.query("model_version")));
  }
  // Reads only: the monitor stores alerts (and posts them), not a page view.
  HITLOOP_ASSIGN_OR_RETURN(service::PassRateReport report, c.app.store.read_with([&](Store& s) {
    return service::pass_rate(s, scope, now_ms());
  }));
  Json buckets = Json::array(), alerts = Json::array(), detected = Json::array();
  for (const loop::Bucket& b : report.buckets) {
    buckets.push_back({{"start", b.start_ms},
                       {"n", b.n},
                       {"passes", b.passes},
                       {"rate", b.n ? Json(static_cast<double>(b.passes) / b.n) : Json(nullptr)}});
  }
  for (const AlertRecord& a : report.alerts) alerts.push_back(alert_json(a));
  for (const AlertRecord& a : report.detected) {
    auto j = alert_json(a);
    j["id"] = nullptr;  // not stored
    detected.push_back(j);
  }
  return Reply::json({{"bucket_ms", scope.bucket_ms},
                      {"buckets", buckets},
                      {"alerts", alerts},
                      {"detected", detected}});
}

Result<Reply> failures(const Call& c) {
  HITLOOP_ASSIGN_OR_RETURN(auto items, c.app.store.read_with(service::agreement_items));
  Json out = Json::array();
  for (const service::TagFailures& f : service::failures_by_tag(items)) {
    out.push_back({{"tag", f.tag}, {"false_pass", f.false_pass}, {"false_fail", f.false_fail}});
  }
  return Reply::json({{"by_tag", out}});
}

Result<Reply> alerts(const Call& c) {
  HITLOOP_ASSIGN_OR_RETURN(auto list,
                           c.app.store.read_with([](Store& s) { return s.list_alerts(); }));
  Json out = Json::array();
  for (const AlertRecord& a : list) out.push_back(alert_json(a));
  return Reply::json({{"alerts", out}});
}

Result<Reply> alert_sessions(const Call& c) {
  HITLOOP_ASSIGN_OR_RETURN(int64_t id, parse_int_param("id", c.param(1), 0, 1, INT64_MAX));
  HITLOOP_ASSIGN_OR_RETURN(
      auto sessions, c.app.store.read_with([&](Store& s) -> Result<std::vector<SessionSummary>> {
        HITLOOP_ASSIGN_OR_RETURN(AlertRecord alert, s.get_alert(id));
        return service::alert_sessions(s, alert);
      }));
  Json out = Json::array();
  for (const SessionSummary& s : sessions) out.push_back(session_json(s));
  return Reply::json({{"sessions", out}});
}

Result<Reply> retrain(const Call& c) {
  HITLOOP_RETURN_IF_ERROR(c.app.trainer.start(c.req.body, /*gated=*/true));
  return Reply::json(job_json(c.app.trainer.snapshot()), 202);
}

}  // namespace

std::vector<Route> loop_routes() {
  return {
      {"GET", "/v1/metrics/agreement", "GET /v1/metrics/agreement", Access::kReviewer, agreement},
      {"GET", "/v1/metrics/automation", "GET /v1/metrics/automation", Access::kReviewer,
       automation},
      {"GET", "/v1/metrics/pass_rate", "GET /v1/metrics/pass_rate", Access::kReviewer, pass_rate},
      {"GET", "/v1/metrics/failures", "GET /v1/metrics/failures", Access::kReviewer, failures},
      {"GET", "/v1/alerts", "GET /v1/alerts", Access::kReviewer, alerts},
      {"GET", R"(/v1/alerts/(\d+)/sessions)", "GET /v1/alerts/{id}/sessions", Access::kReviewer,
       alert_sessions},
      {"POST", "/v1/retrain", "POST /v1/retrain", Access::kAdmin, retrain},
  };
}

}  // namespace hitloop::http
