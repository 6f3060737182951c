#include "loop/loop_service.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "loop/label_quality.h"
#include "loop/sampling.h"
#include "ml/metrics.h"
#include "ml/registry.h"
#include "ml/train_manifest.h"
#include "store/dataset_queries.h"

namespace hitloop::loop {

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

Result<PassRateReport> monitor_pass_rate(Store& store, const PassRateScope& scope, int64_t now_ms) {
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
  std::vector<AlertRecord> records;
  for (const Alert& a : alerts) {
    AlertRecord r;
    r.created_at_ms = now_ms;
    r.bucket_start_ms = a.bucket_start_ms;
    r.bucket_ms = scope.bucket_ms;
    r.direction = a.direction == Direction::kDrop ? "drop" : "rise";
    r.baseline = a.baseline_rate;
    r.observed = a.observed_rate;
    r.statistic = a.statistic;
    r.category = scope.category;
    r.model_version = scope.model_version;
    records.push_back(r);
  }
  HITLOOP_ASSIGN_OR_RETURN(out.new_alerts, store.add_alerts(records));
  HITLOOP_ASSIGN_OR_RETURN(std::vector<AlertRecord> all, store.list_alerts());
  for (const AlertRecord& a : all) {
    if (a.category == scope.category && a.model_version == scope.model_version &&
        a.bucket_ms == scope.bucket_ms) {
      out.alerts.push_back(a);
    }
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

Result<NextItem> next_for_review(Store& store, const std::string& reviewer,
                                 const std::vector<int64_t>& skip, double uncertainty_band) {
  constexpr int kCandidates = 5000;
  HITLOOP_ASSIGN_OR_RETURN(std::vector<QueueCandidate> rows,
                           store.queue_candidates(reviewer, skip, kCandidates));
  std::vector<Candidate> candidates;
  for (const QueueCandidate& r : rows) {
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
    candidates.push_back(c);
  }
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

Result<std::vector<ml::Example>> training_examples(Store& store) {
  HITLOOP_ASSIGN_OR_RETURN(std::vector<LabeledSession> sessions, collect_sessions(store, true));
  std::vector<ml::Example> out;
  for (LabeledSession& s : sessions) {
    if (!s.label || in_holdout(s.session)) continue;
    out.push_back({std::move(s.session.model_input), std::move(s.session.model_output),
                   std::move(s.session.category), label_value(*s.label), 1.0});
  }
  return out;
}

namespace {

HoldoutResult evaluate_on(const ml::LoadedModel& model, const std::vector<ml::Example>& holdout) {
  std::vector<ml::TextPair> pairs;
  std::vector<int> labels;
  for (const ml::Example& e : holdout) {
    pairs.push_back({e.input, e.output});
    labels.push_back(e.label);
  }
  std::vector<double> scores(pairs.size());
  model.score(pairs, scores);
  HoldoutResult r;
  for (size_t i = 0; i < scores.size(); ++i)
    r.correct.push_back(model.is_good(scores[i]) == (labels[i] == 1));
  r.auroc = ml::auroc(labels, scores);
  return r;
}

}  // namespace

Result<RetrainOutcome> retrain(Store& store, const ml::Evaluator& evaluator,
                               const std::string& models_dir, const ml::TrainOptions& options,
                               const GateParams& gate) {
  HITLOOP_ASSIGN_OR_RETURN(std::vector<LabeledSession> sessions, collect_sessions(store, true));
  HITLOOP_ASSIGN_OR_RETURN(std::vector<AuditPair> pairs, store.audit_pairs());
  // Eval-failures per session: the tags of human labels that contradicted
  // the model ("false_pass"/"false_fail" when the reviewer gave none).
  std::map<int64_t, std::vector<std::string>> failures;
  for (const AuditPair& p : pairs) {
    if (p.verdict.good == (p.human == Label::kGood)) continue;
    auto& tags = failures[p.session_id];
    if (p.tags.empty()) tags.push_back(p.verdict.good ? "false_pass" : "false_fail");
    tags.insert(tags.end(), p.tags.begin(), p.tags.end());
  }
  std::vector<ml::Example> train, holdout;
  std::vector<std::vector<std::string>> train_failures;
  for (LabeledSession& s : sessions) {
    if (!s.label) continue;
    ml::Example e{s.session.model_input, s.session.model_output, s.session.category,
                  label_value(*s.label), 1.0};
    if (in_holdout(s.session)) {
      holdout.push_back(std::move(e));
    } else {
      train_failures.push_back(failures[s.session.id]);
      train.push_back(std::move(e));
    }
  }
  HITLOOP_ASSIGN_OR_RETURN(std::vector<double> weights, oversampling_weights(train_failures));
  for (size_t i = 0; i < train.size(); ++i) train[i].weight = weights[i];
  int holdout_good = 0;
  for (const ml::Example& e : holdout) holdout_good += e.label;
  if (holdout.size() < 10 || holdout_good == 0 ||
      holdout_good == static_cast<int>(holdout.size())) {
    return InvalidArgument("the frozen holdout has " + std::to_string(holdout.size()) +
                           " labeled sessions; retraining needs at least 10 with both labels");
  }
  options.progress("retrain: " + std::to_string(train.size()) + " training examples (" +
                   std::to_string(failures.size()) + " sessions with eval-failures oversampled), " +
                   std::to_string(holdout.size()) + " in the frozen holdout");
  HITLOOP_ASSIGN_OR_RETURN(ml::TrainReport report,
                           ml::train_with_validation(evaluator, train, options));

  ml::LoadedModel challenger;
  challenger.manifest.calibration = report.calibration;
  challenger.manifest.threshold = report.threshold;
  challenger.model = std::shared_ptr<const ml::Model>(std::move(report.model));
  HoldoutResult challenger_result = evaluate_on(challenger, holdout);
  ml::Registry registry(store, models_dir);
  Result<ml::LoadedModel> active = registry.load(0);
  std::optional<HoldoutResult> active_result;
  if (active.ok()) active_result = evaluate_on(*active, holdout);
  HITLOOP_ASSIGN_OR_RETURN(GateResult decision,
                           champion_challenger_gate(active_result, challenger_result, gate));

  RetrainOutcome out;
  out.gate = decision;
  out.activated = decision.decision == GateDecision::kPromote;
  out.reason = decision.reason;
  out.train_examples = static_cast<int64_t>(train.size());
  out.holdout_examples = static_cast<int64_t>(holdout.size());
  ml::Manifest manifest = ml::manifest_from(report, train, active.ok() ? active->version : 0);
  manifest.note = decision.reason;
  HITLOOP_ASSIGN_OR_RETURN(out.version, registry.add(*challenger.model, manifest, out.activated));
  return out;
}

}  // namespace hitloop::loop
