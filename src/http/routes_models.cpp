// Evaluation with the active model, model management and training.
#include <chrono>

#include "core/clock.h"
#include "http/api_json.h"
#include "loop/sampling.h"
#include "ml/manifest.h"
#include "service/verdict_recorder.h"

namespace hitloop::http {
namespace {

constexpr size_t kMaxBatch = 1000;

Result<std::shared_ptr<const ml::LoadedModel>> active_model(const Call& c) {
  auto model = c.app.model.get();
  if (!model) {
    return FailedPrecondition("no active model: train one (POST /v1/train) and activate it");
  }
  return model;
}

Result<ml::TextPair> pair_of(const Json& item, const std::string& where) {
  if (!item.is_object()) return InvalidArgument(where + "expected a JSON object");
  auto text = [&](const char* a, const char* b) -> const Json* {
    if (item.contains(a) && item[a].is_string()) return &item[a];
    if (item.contains(b) && item[b].is_string()) return &item[b];
    return nullptr;
  };
  const Json* in = text("input", "model_input");
  const Json* out = text("output", "model_output");
  if (!in) return InvalidArgument(where + "\"input\" (a string) is required");
  if (!out) return InvalidArgument(where + "\"output\" (a string) is required");
  return ml::TextPair{in->get_ref<const std::string&>(), out->get_ref<const std::string&>()};
}

Json verdict(const ml::LoadedModel& model, double score) {
  bool good = model.is_good(score);
  return {{"score", score},  // full precision (json_tidy.h)
          {"good", good},
          {"decision", good ? "pass" : "fail"}};
}

// What the caller said about logging: {log, category, session_id}.
struct LogRequest {
  bool log = true;
  std::string category;
  int64_t session_id = 0;
};

Result<LogRequest> log_request(const Call& c, const Json& body) {
  LogRequest r;
  if (body.contains("log")) {
    if (!body["log"].is_boolean()) return InvalidArgument("\"log\" must be true or false");
    r.log = body["log"].get<bool>();
  }
  if (body.contains("category")) {
    if (!body["category"].is_string()) return InvalidArgument("\"category\" must be a string");
    r.category = body["category"].get<std::string>();
  }
  if (body.contains("session_id")) {
    if (!body["session_id"].is_number_integer()) {
      return InvalidArgument("\"session_id\" must be hitloop's integer session id");
    }
    r.session_id = body["session_id"].get<int64_t>();
    HITLOOP_RETURN_IF_ERROR(
        c.app.store.read_with([&](Store& s) { return s.get_session(r.session_id).status(); }));
  }
  return r;
}

int64_t micros_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

// Queues the verdict for the background writer; the answer never waits.
void log_verdict(const Call& c, const ml::LoadedModel& model, const ml::TextPair& pair,
                 const LogRequest& how, double score, int64_t latency_us) {
  service::LoggedVerdict v;
  v.session.model_input = std::string(pair.input);
  v.session.model_output = std::string(pair.output);
  v.session.category = how.category;
  v.verdict.session_id = how.session_id;
  v.verdict.model_version = model.version;
  v.verdict.score = score;
  v.verdict.good = model.is_good(score);
  v.verdict.threshold = model.manifest.threshold;
  // Audit sampling by the session's identity, so the same session is
  // always in (or out of) the sample.
  std::string key = how.session_id ? std::to_string(how.session_id)
                                   : std::string(pair.input) + '\x1f' + std::string(pair.output);
  v.verdict.audit = loop::in_audit_sample(key, c.app.options.audit_rate);
  v.verdict.decision = v.verdict.good ? "pass" : "fail";
  v.verdict.latency_us = latency_us;
  v.verdict.created_at_ms = now_ms();
  c.app.verdicts.add(std::move(v));  // a full queue drops it, counted and logged
}

Result<Reply> evaluate(const Call& c) {
  auto start = std::chrono::steady_clock::now();
  HITLOOP_ASSIGN_OR_RETURN(Json body, c.body_json());
  HITLOOP_ASSIGN_OR_RETURN(ml::TextPair pair, pair_of(body, ""));
  HITLOOP_ASSIGN_OR_RETURN(LogRequest how, log_request(c, body));
  // The snapshot keeps this model alive even if another is activated now.
  HITLOOP_ASSIGN_OR_RETURN(auto model, active_model(c));
  double score = model->score(pair);
  int64_t us = micros_since(start);
  c.app.metrics.record_evaluate(static_cast<double>(us) / 1e6);
  if (how.log) log_verdict(c, *model, pair, how, score, us);
  Json out = verdict(*model, score);
  out["model_version"] = model->name;
  out["latency_us"] = us;
  return Reply::json(out);
}

Result<Reply> evaluate_batch(const Call& c) {
  auto start = std::chrono::steady_clock::now();
  HITLOOP_ASSIGN_OR_RETURN(Json body, c.body_json());
  if (!body.is_object() || !body.contains("items") || !body["items"].is_array()) {
    return InvalidArgument("expected {\"items\": [{\"input\": ..., \"output\": ...}, ...]}");
  }
  const Json& items = body["items"];
  if (items.size() > kMaxBatch) return InvalidArgument("at most 1000 items per batch");
  std::vector<ml::TextPair> pairs;
  for (size_t i = 0; i < items.size(); ++i) {
    HITLOOP_ASSIGN_OR_RETURN(ml::TextPair p,
                             pair_of(items[i], "items[" + std::to_string(i) + "]: "));
    pairs.push_back(p);
  }
  std::vector<LogRequest> hows;
  for (const Json& item : items) {
    HITLOOP_ASSIGN_OR_RETURN(LogRequest how, log_request(c, item));
    hows.push_back(how);
  }
  HITLOOP_ASSIGN_OR_RETURN(auto model, active_model(c));
  std::vector<double> scores(pairs.size());
  model->score(pairs, scores);
  Json results = Json::array();
  for (double s : scores) results.push_back(verdict(*model, s));
  int64_t us = micros_since(start);
  c.app.metrics.record_evaluate(static_cast<double>(us) / 1e6);
  int64_t per_item = pairs.empty() ? 0 : us / static_cast<int64_t>(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (hows[i].log) log_verdict(c, *model, pairs[i], hows[i], scores[i], per_item);
  }
  return Reply::json({{"model_version", model->name}, {"latency_us", us}, {"results", results}});
}

Result<Reply> list_models(const Call& c) {
  HITLOOP_ASSIGN_OR_RETURN(std::vector<ModelRecord> models,
                           c.app.store.read_with([](Store& s) { return s.list_models(); }));
  Json out = Json::array();
  for (const ModelRecord& m : models) {
    out.push_back(ml::model_json(m));
  }
  return Reply::json({{"models", out}});
}

Result<Reply> activate(const Call& c) {
  HITLOOP_ASSIGN_OR_RETURN(int version, ml::parse_version(c.param(1)));
  // The lifecycle loads before switching: a model that cannot load never
  // becomes active, and requests keep using the old one until the new one
  // is ready. Allowed by hand even when worse than chance, never silently.
  std::lock_guard swap(c.app.model_swap_mu);
  HITLOOP_ASSIGN_OR_RETURN(service::Activated activated, c.app.lifecycle.activate(version));
  Json out = {{"active", "v" + std::to_string(version)}};
  if (!activated.warning.empty()) {
    out["warning"] = activated.warning;
    c.app.options.log("activated v" + std::to_string(version) + ": " + activated.warning);
  }
  c.app.model.set(std::make_shared<const ml::LoadedModel>(std::move(activated.model)));
  c.app.metrics.set_gauge("hitloop_active_model_version", version);
  return Reply::json(out);
}

Result<Reply> train(const Call& c) {
  HITLOOP_RETURN_IF_ERROR(c.app.trainer.start(c.req.body, /*gated=*/false));
  return Reply::json(job_json(c.app.trainer.snapshot()), 202);
}

Result<Reply> train_status(const Call& c) {
  return Reply::json(job_json(c.app.trainer.snapshot()));
}

}  // namespace

std::vector<Route> model_routes() {
  return {
      {"POST", "/v1/evaluate", "POST /v1/evaluate", Access::kReviewer, evaluate},
      {"POST", "/v1/evaluate/batch", "POST /v1/evaluate/batch", Access::kReviewer, evaluate_batch},
      {"GET", "/v1/models", "GET /v1/models", Access::kReviewer, list_models},
      {"POST", R"(/v1/models/(v?\d+)/activate)", "POST /v1/models/{v}/activate", Access::kAdmin,
       activate},
      {"POST", "/v1/train", "POST /v1/train", Access::kAdmin, train},
      {"GET", "/v1/train", "GET /v1/train", Access::kReviewer, train_status},
  };
}

}  // namespace hitloop::http
