// The loop on top of the store: what the server, `hitloop report`,
// `hitloop retrain` and the demo ask of it. The algorithms themselves are
// pure (agreement.h, automation.h, monitor.h, queue.h, retrain_policy.h);
// this file gathers their inputs from the store and stores their results.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "loop/agreement.h"
#include "loop/automation.h"
#include "loop/monitor.h"
#include "loop/queue.h"
#include "loop/retrain_policy.h"
#include "ml/evaluator.h"
#include "ml/registry.h"
#include "store/store.h"

namespace hitloop::loop {

// Human labels against the latest verdict made before them.
Result<std::vector<AgreementItem>> agreement_items(Store& store);

struct TagFailures {
  std::string tag;
  int64_t false_pass = 0, false_fail = 0;
};
std::vector<TagFailures> failures_by_tag(const std::vector<AgreementItem>& items);

// Automation thresholds per category: audited items are the audit reviews;
// traffic is every logged verdict's latest score per session.
Result<std::map<std::string, std::optional<AutomationThreshold>>> automation_report(
    Store& store, const std::vector<AgreementItem>& items, double target);

struct PassRateReport {
  std::vector<Bucket> buckets;
  std::vector<AlertRecord> alerts;      // all stored alerts of this scope
  std::vector<AlertRecord> new_alerts;  // raised by this call
};
struct PassRateScope {
  int64_t bucket_ms = 3600 * 1000;
  std::string category;   // "" = all
  int model_version = 0;  // 0 = all
  MonitorParams params;
};
// Buckets the logged verdicts, runs spike detection and stores new alerts.
Result<PassRateReport> monitor_pass_rate(Store& store, const PassRateScope& scope, int64_t now_ms);

// The sessions behind an alert: its bucket's verdicts, lowest confidence first.
Result<std::vector<SessionSummary>> alert_sessions(Store& store, const AlertRecord& alert);

struct NextItem {
  std::optional<SessionSummary> session;
  QueueReason reason = QueueReason::kUnlabeled;
  int64_t remaining = 0, reviewed_by_me = 0;
};
// The next session for `reviewer` by queue priority (queue.h).
Result<NextItem> next_for_review(Store& store, const std::string& reviewer,
                                 const std::vector<int64_t>& skip, double uncertainty_band);
const char* reason_name(QueueReason r);
// The queue's view of a stored row, as next_for_review sees it.
Candidate queue_candidate(const QueueCandidate& row);
// Why the queue offers the session `d` to `reviewer` now; none when it does
// not (they reviewed it already, or nothing about it is pending).
std::optional<QueueReason> queue_reason(const SessionDetail& d, const std::string& reviewer,
                                        double uncertainty_band);

struct RetrainOptions {
  ml::TrainOptions train;  // seed, threads, encoder recipe, progress
  GateParams gate;
  // Retrain even when neither the labels nor the recipe changed since the
  // active model was trained.
  bool force = false;
};

struct RetrainOutcome {
  bool skipped = false;  // nothing changed since the active model: no version added
  int version = 0;
  bool activated = false;
  std::string reason;
  GateResult gate;
  int64_t train_examples = 0, holdout_examples = 0;
  int64_t eval_failures = 0;  // training sessions with an eval-failure
  int64_t oversampled = 0;    // of those, weighted above 1
};

// Trains a challenger on human labels (frequent eval-failure types
// oversampled), compares it with the active model on the frozen holdout and
// activates it only when the gate says so and the challenger ranks better
// than chance. Without new labels (and with the active model's recipe) it
// trains nothing and says so (skipped), unless `force`.
Result<RetrainOutcome> retrain(Store& store, const ml::Evaluator& evaluator,
                               const std::string& models_dir, const RetrainOptions& options);

// How a model does on the frozen holdout, computed as the gate computes it.
struct HoldoutFigures {
  HoldoutResult result;  // per-example correctness, AUROC
  ml::Scored scored;     // all metrics
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

}  // namespace hitloop::loop
