#include "service/loop_service.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "core/metrics.h"
#include "loop/label_quality.h"
#include "loop/sampling.h"
#include "ml/registry.h"
#include "ml/train_manifest.h"
#include "store/dataset_queries.h"

namespace hitloop::service {

// The pure algorithms of src/loop/ this file feeds.
using namespace loop;  // NOLINT(google-build-using-namespace)

Result<std::vector<AgreementItem>> agreement_items(Store& store) {
  HITLOOP_ASSIGN_OR_RETURN(std::vector<AuditPair> pairs, store.audit_pairs());
  std::vector<AgreementItem> items;
  items.reserve(pairs.size());
  for (const AuditPair& p : pairs) {
    AgreementItem it;
    it.model_good = p.verdict.good;
    it.human_good = p.human == Label::kGood;
    it.score = p.verdict.score;
    it.category = p.category;
    it.tags = p.tags;
    it.model_version = "v" + std::to_string(p.verdict.model_version);
    it.at_ms = p.verdict.created_at_ms;
    items.push_back(std::move(it));
  }
  return items;
}

std::vector<TagFailures> failures_by_tag(const std::vector<AgreementItem>& items) {
  std::map<std::string, TagFailures> by_tag;
  for (const AgreementItem& it : items) {
    if (it.model_good == it.human_good) continue;
    std::vector<std::string> tags = it.tags;
    if (tags.empty()) tags.push_back("(untagged)");
    for (const std::string& t : tags) {
      TagFailures& f = by_tag[t];
      f.tag = t;
      (it.model_good ? f.false_pass : f.false_fail)++;
    }
  }
  std::vector<TagFailures> out;
  for (auto& [tag, f] : by_tag) out.push_back(f);
  std::sort(out.begin(), out.end(), [](const TagFailures& a, const TagFailures& b) {
    return a.false_pass + a.false_fail > b.false_pass + b.false_fail;
  });
  return out;
}

Result<std::map<std::string, std::optional<AutomationThreshold>>> automation_report(
    Store& store, const std::vector<AgreementItem>& items, double target) {
  std::vector<AuditedItem> audited;
  for (const AgreementItem& it : items) audited.push_back({it.category, it.score, it.human_good});
  HITLOOP_ASSIGN_OR_RETURN(auto verdicts, store.verdicts_since(0));
  std::map<int64_t, TrafficItem> latest;  // per session: its latest verdict
  for (const auto& [v, category] : verdicts) latest[v.session_id] = {category, v.score};
  std::vector<TrafficItem> traffic;
  for (auto& [id, t] : latest) traffic.push_back(t);
  AutomationParams params;
  params.target = target;
  return automation_by_category(audited, traffic, params);
}

std::vector<AlertRecord> alert_records(const std::vector<Alert>& alerts, const PassRateScope& scope,
                                       int64_t now_ms) {
  std::vector<AlertRecord> records;
  for (const Alert& a : alerts) {
    AlertRecord r;
    r.created_at_ms = now_ms;
    r.bucket_start_ms = a.bucket_start_ms;
    r.bucket_ms = scope.bucket_ms;
    r.direction = a.direction == Direction::kDrop ? AlertDirection::kDrop : AlertDirection::kRise;
    r.baseline = a.baseline_rate;
    r.observed = a.observed_rate;
    r.statistic = a.statistic;
    r.category = scope.category;
    r.model_version = scope.model_version;
    records.push_back(r);
  }
  return records;
}

Result<std::vector<AlertRecord>> scope_alerts(Store& store, const PassRateScope& scope) {
  HITLOOP_ASSIGN_OR_RETURN(std::vector<AlertRecord> all, store.list_alerts());
  std::vector<AlertRecord> out;
  for (const AlertRecord& a : all) {
    if (a.category == scope.category && a.model_version == scope.model_version &&
        a.bucket_ms == scope.bucket_ms) {
      out.push_back(a);
    }
  }
  return out;
}

Result<PassRateReport> pass_rate(Store& store, const PassRateScope& scope, int64_t now_ms) {
  HITLOOP_ASSIGN_OR_RETURN(auto verdicts, store.verdicts_since(0));
  std::vector<VerdictEvent> events;
  for (const auto& [v, category] : verdicts) {
    if (!scope.category.empty() && category != scope.category) continue;
    if (scope.model_version && v.model_version != scope.model_version) continue;
    events.push_back({v.created_at_ms, v.good});
  }
  PassRateReport out;
  HITLOOP_ASSIGN_OR_RETURN(out.buckets, bucketize(events, scope.bucket_ms));
  HITLOOP_ASSIGN_OR_RETURN(std::vector<Alert> alerts, detect_spikes(out.buckets, scope.params));
  out.detected = alert_records(alerts, scope, now_ms);
  HITLOOP_ASSIGN_OR_RETURN(out.alerts, scope_alerts(store, scope));
  return out;
}

Result<PassRateReport> monitor_pass_rate(Store& store, const PassRateScope& scope, int64_t now_ms) {
  HITLOOP_ASSIGN_OR_RETURN(PassRateReport out, pass_rate(store, scope, now_ms));
  HITLOOP_ASSIGN_OR_RETURN(out.new_alerts, store.add_alerts(out.detected));
  if (!out.new_alerts.empty()) {
    HITLOOP_ASSIGN_OR_RETURN(out.alerts, scope_alerts(store, scope));
  }
  return out;
}

Result<std::vector<SessionSummary>> alert_sessions(Store& store, const AlertRecord& alert) {
  HITLOOP_ASSIGN_OR_RETURN(auto verdicts, store.verdicts_since(alert.bucket_start_ms));
  std::vector<std::pair<double, int64_t>> picked;  // (confidence, session)
  std::set<int64_t> seen;
  for (const auto& [v, category] : verdicts) {
    if (v.created_at_ms >= alert.bucket_start_ms + alert.bucket_ms) break;
    if (!alert.category.empty() && category != alert.category) continue;
    if (alert.model_version && v.model_version != alert.model_version) continue;
    if (seen.insert(v.session_id).second)
      picked.emplace_back(std::abs(v.score - v.threshold), v.session_id);
  }
  std::sort(picked.begin(), picked.end());
  std::vector<SessionSummary> out;
  for (size_t i = 0; i < picked.size() && i < 200; ++i) {
    HITLOOP_ASSIGN_OR_RETURN(SessionDetail d, store.get_session(picked[i].second));
    out.push_back(std::move(d.summary));
  }
  return out;
}

const char* reason_name(QueueReason r) {
  switch (r) {
    case QueueReason::kSecondOpinion:
      return "second_opinion";
    case QueueReason::kUncertain:
      return "uncertain";
    case QueueReason::kAudit:
      return "audit";
    case QueueReason::kUnlabeled:
      return "unlabeled";
  }
  return "unlabeled";
}

Candidate queue_candidate(const QueueCandidate& r) {
  Candidate c;
  c.session_id = r.session_id;
  c.created_at_ms = r.created_at_ms;
  c.labeled = r.label.has_value();
  if (r.verdict) {
    c.score = r.verdict->score;
    c.threshold = r.verdict->threshold;
    c.audit_sampled = r.verdict->audit && !r.audited;
    // A single human label that the model contradicts with high
    // confidence gets a second opinion before it is trusted.
    bool model_good = r.verdict->score >= r.verdict->threshold;
    c.needs_second_review = r.label && r.reviewers == 1 &&
                            model_good != (*r.label == Label::kGood) &&
                            confidence(r.verdict->score) >= kDefaultSecondReviewConfidence;
  }
  return c;
}

std::optional<QueueReason> queue_reason(const SessionDetail& d, const std::string& reviewer,
                                        double uncertainty_band) {
  // The same row Store::queue_candidates gives, from the session's detail.
  QueueCandidate row;
  row.session_id = d.summary.session.id;
  row.created_at_ms = d.summary.session.created_at_ms;
  row.verdict = d.summary.verdict;
  row.label = d.summary.label;
  std::set<std::string> reviewers;
  for (const Review& r : d.reviews) {
    if (r.reviewer == reviewer) return std::nullopt;  // never offered to them again
    reviewers.insert(r.reviewer);
    row.audited = row.audited || r.kind == ReviewKind::kAudit;
  }
  row.reviewers = static_cast<int64_t>(reviewers.size());
  auto ordered = order_queue({queue_candidate(row)}, uncertainty_band);
  if (ordered.empty()) return std::nullopt;
  return ordered.front().second;
}

Result<NextItem> next_for_review(Store& store, const std::string& reviewer,
                                 const std::vector<int64_t>& skip, double uncertainty_band) {
  constexpr int kCandidates = 5000;
  HITLOOP_ASSIGN_OR_RETURN(std::vector<QueueCandidate> rows,
                           store.queue_candidates(reviewer, skip, kCandidates));
  std::vector<Candidate> candidates;
  for (const QueueCandidate& r : rows) candidates.push_back(queue_candidate(r));
  auto ordered = order_queue(std::move(candidates), uncertainty_band);
  NextItem out;
  out.remaining = static_cast<int64_t>(ordered.size());
  HITLOOP_ASSIGN_OR_RETURN(QueueItem counts, store.next_for_review(reviewer, {}));
  out.reviewed_by_me = counts.reviewed_by_me;
  if (!ordered.empty()) {
    HITLOOP_ASSIGN_OR_RETURN(SessionDetail d, store.get_session(ordered.front().first));
    out.session = std::move(d.summary);
    out.reason = ordered.front().second;
  }
  return out;
}

bool in_holdout(const Session& s) {
  std::string key = !s.external_id.empty()
                        ? s.external_id
                        : s.model_input + '\x1f' + s.model_output + '\x1f' + s.category;
  return session_key_hash(key) % 5 == 0;
}

namespace {

ml::Example example_of(const LabeledSession& s) {
  return {s.session.model_input, s.session.model_output, s.session.category, label_value(*s.label),
          1.0};
}

}  // namespace

Result<std::vector<ml::Example>> training_examples(Store& store) {
  HITLOOP_ASSIGN_OR_RETURN(std::vector<LabeledSession> sessions, collect_sessions(store, true));
  std::vector<ml::Example> out;
  for (LabeledSession& s : sessions) {
    if (s.label && !in_holdout(s.session)) out.push_back(example_of(s));
  }
  return out;
}

Result<std::vector<ml::Example>> holdout_examples(Store& store) {
  HITLOOP_ASSIGN_OR_RETURN(std::vector<LabeledSession> sessions, collect_sessions(store, true));
  std::vector<ml::Example> out;
  for (LabeledSession& s : sessions) {
    if (s.label && in_holdout(s.session)) out.push_back(example_of(s));
  }
  return out;
}

HoldoutFigures evaluate_on_holdout(const ml::LoadedModel& model,
                                   const std::vector<ml::Example>& holdout) {
  HoldoutFigures out;
  out.scored = ml::evaluate_model(model, holdout);
  for (size_t i = 0; i < holdout.size(); ++i) {
    out.result.correct.push_back(model.is_good(out.scored.scores[i]) == (holdout[i].label == 1));
  }
  out.result.auroc = out.scored.metrics.auroc;
  return out;
}

namespace {

// Eval-failures per session: the tags of human labels that contradicted the
// model ("false_pass"/"false_fail" when the reviewer gave none).
Result<std::map<int64_t, std::vector<std::string>>> eval_failures(Store& store) {
  HITLOOP_ASSIGN_OR_RETURN(std::vector<AuditPair> pairs, store.audit_pairs());
  std::map<int64_t, std::vector<std::string>> failures;
  for (const AuditPair& p : pairs) {
    if (p.verdict.good == (p.human == Label::kGood)) continue;
    auto& tags = failures[p.session_id];
    if (p.tags.empty()) tags.push_back(p.verdict.good ? "false_pass" : "false_fail");
    tags.insert(tags.end(), p.tags.begin(), p.tags.end());
  }
  return failures;
}

// The active model's manifest, if there is an active model.
Result<std::optional<ml::Manifest>> active_manifest(Store& store) {
  Result<ModelRecord> active = store.active_model();
  if (!active.ok()) {
    if (active.status().is_not_found()) return std::optional<ml::Manifest>();
    return active.status();
  }
  HITLOOP_ASSIGN_OR_RETURN(ml::Manifest m, ml::read_manifest(active->path));
  return std::optional<ml::Manifest>(std::move(m));
}

// Whether training now would repeat the active model's training: the same
// labels (weights aside: they follow verdicts, not labels) and the same
// recipe. Manifests without a labels hash fall back to the dataset hash;
// without a recipe, to the kind.
bool nothing_new(const ml::Manifest& active, const std::vector<ml::Example>& train,
                 const ml::Recipe& recipe) {
  std::string labels = ml::labels_hash(train);
  bool same_labels =
      labels == (active.labels_hash.empty() ? active.dataset_hash : active.labels_hash);
  bool same_recipe = active.recipe
                         ? ml::recipe_to_json(*active.recipe) == ml::recipe_to_json(recipe)
                         : active.kind == recipe.kind;
  return same_labels && same_recipe;
}

std::string fmt3(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

ml::GateRecord gate_record(const GateResult& g, int active_version, int64_t holdout_n) {
  ml::GateRecord r;
  r.promoted = g.decision == GateDecision::kPromote;
  r.reason = g.reason;
  r.holdout_n = holdout_n;
  r.challenger_accuracy = g.challenger_accuracy;
  r.challenger_auroc = g.challenger_auroc;
  r.active_version = g.active_accuracy ? active_version : 0;
  r.active_accuracy = g.active_accuracy;
  r.active_auroc = g.active_auroc;
  r.p_worse = g.p_worse;
  return r;
}

}  // namespace

Result<RetrainPlan> plan_retrain(Store& store, std::string_view kind,
                                 const RetrainOptions& options) {
  HITLOOP_RETURN_IF_ERROR(validate_gate_params(options.gate));
  HITLOOP_ASSIGN_OR_RETURN(std::vector<LabeledSession> sessions, collect_sessions(store, true));
  HITLOOP_ASSIGN_OR_RETURN(auto failures, eval_failures(store));
  RetrainPlan plan;
  std::vector<ml::Example>& train = plan.train;
  std::vector<ml::Example>& holdout = plan.holdout;
  std::vector<std::vector<std::string>> train_failures;
  for (LabeledSession& s : sessions) {
    if (!s.label) continue;
    if (in_holdout(s.session)) {
      holdout.push_back(example_of(s));
      continue;
    }
    auto f = failures.find(s.session.id);
    train_failures.push_back(f == failures.end() ? std::vector<std::string>{} : f->second);
    train.push_back(example_of(s));
  }
  HITLOOP_ASSIGN_OR_RETURN(std::vector<double> weights, oversampling_weights(train_failures));
  RetrainOutcome& out = plan.outcome;
  double max_weight = 1;
  for (size_t i = 0; i < train.size(); ++i) {
    train[i].weight = weights[i];
    out.eval_failures += !train_failures[i].empty();
    out.oversampled += weights[i] > 1;
    max_weight = std::max(max_weight, weights[i]);
  }
  out.train_examples = static_cast<int64_t>(train.size());
  out.holdout_examples = static_cast<int64_t>(holdout.size());
  int holdout_good = 0;
  for (const ml::Example& e : holdout) holdout_good += e.label;
  if (holdout.size() < 10 || holdout_good == 0 ||
      holdout_good == static_cast<int>(holdout.size())) {
    return InvalidArgument("the frozen holdout has " + std::to_string(holdout.size()) +
                           " labeled sessions; retraining needs at least 10 with both labels");
  }

  ml::Recipe recipe;
  recipe.kind = std::string(kind);
  recipe.seed = options.train.seed;
  if (ml::uses_base_checkpoint(recipe.kind)) recipe.encoder = options.train.encoder;
  HITLOOP_ASSIGN_OR_RETURN(std::optional<ml::Manifest> active_m, active_manifest(store));
  if (active_m && !options.force && nothing_new(*active_m, train, recipe)) {
    out.skipped = true;
    out.version = active_m->version;
    out.reason = "no new labels since the active model v" + std::to_string(active_m->version) +
                 " (the same " + std::to_string(train.size()) +
                 " labeled sessions, the same recipe): nothing to retrain";
    return plan;
  }
  plan.summary = std::to_string(train.size()) + " labeled sessions to train on, " +
                 std::to_string(out.eval_failures) + " of them eval-failures (" +
                 std::to_string(out.oversampled) + " weighted above 1, up to " + fmt3(max_weight) +
                 "x); " + std::to_string(holdout.size()) + " in the frozen holdout";
  return plan;
}

Result<Judged> judge_challenger(const RetrainPlan& plan, ml::TrainReport& report,
                                const std::optional<ml::LoadedModel>& active,
                                const RetrainOptions& options) {
  Judged judged;
  RetrainOutcome& out = judged.outcome;
  out = plan.outcome;
  ml::LoadedModel challenger;
  challenger.manifest.calibration = report.calibration;
  challenger.manifest.threshold = report.threshold;
  challenger.model = std::shared_ptr<const ml::Model>(std::move(report.model));
  HoldoutFigures challenger_figures = evaluate_on_holdout(challenger, plan.holdout);
  std::optional<HoldoutResult> active_result;
  if (active) active_result = evaluate_on_holdout(*active, plan.holdout).result;
  HITLOOP_ASSIGN_OR_RETURN(
      GateResult decision,
      champion_challenger_gate(active_result, challenger_figures.result, options.gate));
  // A challenger that ranks its own held-out data worse than chance is not
  // trusted even if the frozen holdout happens to favour it.
  if (report.worse_than_chance && decision.decision == GateDecision::kPromote) {
    decision.decision = GateDecision::kKeepCandidate;
    decision.reason = "challenger ranks worse than chance on its training hold-out (AUROC " +
                      fmt3(report.metrics.auroc.value_or(0.5)) + ")";
  }
  out.gate = decision;
  out.activated = decision.decision == GateDecision::kPromote;
  out.reason = decision.reason;
  const int active_version = active ? active->version : 0;
  judged.manifest = ml::manifest_from(report, plan.train, active_version);
  judged.manifest.note = decision.reason;
  judged.manifest.gate =
      gate_record(decision, active_version, static_cast<int64_t>(plan.holdout.size()));
  judged.model = challenger.model;
  return judged;
}

Result<ml::Recipe> active_recipe(Store& store, std::string* about) {
  HITLOOP_ASSIGN_OR_RETURN(std::optional<ml::Manifest> active, active_manifest(store));
  if (!active) return ml::Recipe{};
  const ml::Manifest& m = *active;
  if (m.recipe) return *m.recipe;
  if (about) {
    *about = "the active model v" + std::to_string(m.version) +
             " does not record how it was trained (it predates recipes in manifests)";
  }
  ml::Recipe r;
  r.kind = m.kind;
  return r;
}

}  // namespace hitloop::service
