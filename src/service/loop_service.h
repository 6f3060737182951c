// The loop on top of the store (LoopService's reports, monitoring, alerts,
// the review queue and the retrain's steps): what the server, `hitloop
// report`, `hitloop retrain` and the demo ask of it. The algorithms
// themselves are pure (src/loop/: agreement.h, automation.h, monitor.h,
// queue.h, retrain_policy.h, on core alone); this file gathers their inputs
// from the store and stores their results.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loop/agreement.h"
#include "loop/automation.h"
#include "loop/monitor.h"
#include "loop/queue.h"
#include "loop/retrain_policy.h"
#include "ml/evaluator.h"
#include "ml/registry.h"
#include "store/store.h"

namespace hitloop::service {

// Human labels against the latest verdict made before them.
Result<std::vector<loop::AgreementItem>> agreement_items(Store& store);

struct TagFailures {
  std::string tag;
  int64_t false_pass = 0, false_fail = 0;
};
std::vector<TagFailures> failures_by_tag(const std::vector<loop::AgreementItem>& items);

// Automation thresholds per category: audited items are the audit reviews;
// traffic is every logged verdict's latest score per session.
Result<std::map<std::string, std::optional<loop::AutomationThreshold>>> automation_report(
    Store& store, const std::vector<loop::AgreementItem>& items, double target);

struct PassRateReport {
  std::vector<loop::Bucket> buckets;
  std::vector<AlertRecord> alerts;      // the stored alerts of this scope
  std::vector<AlertRecord> detected;    // what spike detection finds now (not stored: no id)
  std::vector<AlertRecord> new_alerts;  // monitor_pass_rate: those it stored
};
struct PassRateScope {
  int64_t bucket_ms = 3600 * 1000;
  std::string category;   // "" = all
  int model_version = 0;  // 0 = all
  loop::MonitorParams params;
};
// Buckets the logged verdicts and runs spike detection. Reads only: the
// dashboard and `hitloop report` show what it finds; storing alerts is
// the monitor's job.
Result<PassRateReport> pass_rate(Store& store, const PassRateScope& scope, int64_t now_ms);
// pass_rate, then stores the alerts not stored before (new_alerts). For a
// monitor that reads everything each time, such as the demo's simulated
// days; the server's monitor reads incrementally
// (service::PassRateMonitor).
Result<PassRateReport> monitor_pass_rate(Store& store, const PassRateScope& scope, int64_t now_ms);
// The stored alerts of `scope`, newest bucket first.
Result<std::vector<AlertRecord>> scope_alerts(Store& store, const PassRateScope& scope);
// Spike detection's alerts as records of `scope`, raised at `now_ms`.
std::vector<AlertRecord> alert_records(const std::vector<loop::Alert>& alerts,
                                       const PassRateScope& scope, int64_t now_ms);

// The sessions behind an alert: its bucket's verdicts, lowest confidence first.
Result<std::vector<SessionSummary>> alert_sessions(Store& store, const AlertRecord& alert);

struct NextItem {
  std::optional<SessionSummary> session;
  loop::QueueReason reason = loop::QueueReason::kUnlabeled;
  int64_t remaining = 0, reviewed_by_me = 0;
};
// The next session for `reviewer` by queue priority (queue.h).
Result<NextItem> next_for_review(Store& store, const std::string& reviewer,
                                 const std::vector<int64_t>& skip, double uncertainty_band);
const char* reason_name(loop::QueueReason r);
// The queue's view of a stored row, as next_for_review sees it.
loop::Candidate queue_candidate(const QueueCandidate& row);
// Why the queue offers the session `d` to `reviewer` now; none when it does
// not (they reviewed it already, or nothing about it is pending).
std::optional<loop::QueueReason> queue_reason(const SessionDetail& d, const std::string& reviewer,
                                              double uncertainty_band);

struct RetrainOptions {
  ml::TrainOptions train;  // seed, threads, encoder recipe, progress
  loop::GateParams gate;
  // Retrain even when neither the labels nor the recipe changed since the
  // active model was trained.
  bool force = false;
};

struct RetrainOutcome {
  bool skipped = false;  // nothing changed since the active model: no version added
  int version = 0;
  bool activated = false;
  std::string reason;
  loop::GateResult gate;
  int64_t train_examples = 0, holdout_examples = 0;
  int64_t eval_failures = 0;  // training sessions with an eval-failure
  int64_t oversampled = 0;    // of those, weighted above 1
};

// A retrain in three steps, so that the store is not held while the
// challenger trains (service::ModelLifecycle::retrain runs them):
//   1. plan_retrain, on the store: the labels to train on, with frequent
//      eval-failure types oversampled, and the frozen holdout; `skipped`
//      when neither the labels nor the recipe changed since the active
//      model (unless `force`);
//   2. ml::train_with_validation on plan.train, without the store;
//   3. judge_challenger, without the store: the challenger against the
//      active model on the frozen holdout; it is to be activated only when
//      the gate says so and it ranks its own held-out data better than
//      chance. Then the registry adds it, on the store.
struct RetrainPlan {
  std::vector<ml::Example> train, holdout;
  RetrainOutcome outcome;  // the counts; skipped and reason when nothing is new
  std::string summary;     // one line for the progress output
};
Result<RetrainPlan> plan_retrain(Store& store, std::string_view kind,
                                 const RetrainOptions& options);
struct Judged {
  RetrainOutcome outcome;  // all but the version, which registering gives
  ml::Manifest manifest;   // with the gate's figures and reason
  std::shared_ptr<const ml::Model> model;
};
// `report.model` moves into the result; `active` is the model serving now
// (none: the challenger is compared with nothing and promoted).
Result<Judged> judge_challenger(const RetrainPlan& plan, ml::TrainReport& report,
                                const std::optional<ml::LoadedModel>& active,
                                const RetrainOptions& options);

// How a model does on the frozen holdout, computed as the gate computes it.
struct HoldoutFigures {
  loop::HoldoutResult result;  // per-example correctness, AUROC
  ml::Scored scored;           // all metrics
};
HoldoutFigures evaluate_on_holdout(const ml::LoadedModel& model,
                                   const std::vector<ml::Example>& holdout);

// Whether a session is in the frozen holdout (1 in 5, by its key). No
// model trained from the store ever sees these labels, so the gate can
// compare any two models on them fairly.
bool in_holdout(const Session& s);

// The recipe a retrain starts from: the active model's (kind, seed, base and
// fine-tuning settings), or the defaults without an active model. For an
// active model that predates recipes, only its kind, and `about` (if given)
// says why.
Result<ml::Recipe> active_recipe(Store& store, std::string* about = nullptr);

// The store's human labels for training: each session's majority label,
// the frozen holdout left out.
Result<std::vector<ml::Example>> training_examples(Store& store);

// The frozen holdout's labeled sessions, in the order the gate uses.
Result<std::vector<ml::Example>> holdout_examples(Store& store);

}  // namespace hitloop::service
