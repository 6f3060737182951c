// `hitloop demo --loop`: the whole loop on generated e-commerce traffic.
// Each round is one simulated day: the bot answers customers, the active
// model judges every answer (a share sampled for audit), simulated expert
// reviewers work through the review queue (labels from the generator's
// ground truth, failure types as tags), the pass rate is monitored, and a
// challenger is retrained and promoted only when the gate allows. From
// round 4 the bot degrades (more bad answers): the monitor should raise a
// drop alert.
#include <chrono>
#include <cstdio>
#include <map>

#include "cli/ml_common.h"
#include "demo/ecommerce_data.h"
#include "loop/sampling.h"
#include "ml/rng.h"
#include "service/loop_service.h"
#include "service/model_lifecycle.h"

namespace hitloop::cli {
namespace {

constexpr int kRounds = 6;
constexpr int kDriftRound = 4;
constexpr int kTrafficPerRound = 480;  // 20 an hour
constexpr int kReviewsPerRound = 120;
constexpr double kUncertaintyBand = 0.05;
constexpr double kAuditRate = 0.2;
constexpr double kAutomationTarget = 0.8;
constexpr int64_t kHourMs = 3600 * 1000;

struct Truth {
  bool good;
  std::string failure;
};

// The day's traffic: before the drift the generator's natural mix; after it
// 95% of the good answers are dropped, so nearly all are bad.
std::vector<demo::ExampleSession> traffic(int round) {
  auto pool = demo::generate_ecommerce_sessions(kTrafficPerRound * 2, 1000 + round);
  std::vector<demo::ExampleSession> out;
  ml::Rng rng(round);
  for (auto& s : pool) {
    if (static_cast<int>(out.size()) == kTrafficPerRound) break;
    if (round >= kDriftRound && s.good && rng.uniform() < 0.95) continue;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

int run_loop_demo(Context& ctx, Store& store, const std::string& models_dir) {
  // Days start on the hour so that every run buckets the same way.
  const int64_t day0 =
      now_ms() / kHourMs * kHourMs - static_cast<int64_t>(kRounds + 1) * 24 * kHourMs;
  std::map<std::string, Truth> truth;  // external id -> ground truth
  const ml::Evaluator* evaluator = *ml::find_evaluator("ngram");
  ctx.out << "\nthe loop, " << kRounds << " simulated days of " << kTrafficPerRound
          << " sessions; the bot degrades from day " << kDriftRound << "\n\n"
          << "day  model  pass   audited  agree  kappa  automated  alerts  retrain\n";
  for (int round = 1; round <= kRounds; ++round) {
    const int64_t start = day0 + static_cast<int64_t>(round - 1) * 24 * kHourMs;
    ml::Registry registry(store, models_dir);
    Result<ml::LoadedModel> model = registry.load(0);
    if (!model.ok()) return fail(ctx, model.status());

    // 1. Traffic, judged by the active model and logged.
    auto sessions = traffic(round);
    std::vector<ImportRow> rows;
    std::vector<ml::TextPair> pairs;
    for (const auto& s : sessions) {
      ImportRow r;
      r.external_id = "day" + std::to_string(round) + "-" + s.id;
      r.category = s.category;
      r.model_input = s.model_input;
      r.model_output = s.model_output;
      truth[r.external_id] = {s.good, s.failure};
      rows.push_back(std::move(r));
    }
    for (const ImportRow& r : rows) pairs.push_back({r.model_input, r.model_output});
    std::vector<double> scores(pairs.size());
    model->score(pairs, scores);
    ImportOptions options;
    options.now_ms = start;
    Result<ImportSummary> imported = store.import_rows(rows, options);
    if (!imported.ok()) return fail(ctx, imported.status());
    std::vector<VerdictRecord> verdicts;
    int passes = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      VerdictRecord v;
      v.session_id = imported->session_ids[i];
      v.model_version = model->version;
      v.score = scores[i];
      v.good = model->is_good(scores[i]);
      v.threshold = model->manifest.threshold;
      v.audit = loop::in_audit_sample(rows[i].external_id, kAuditRate);
      v.decision = v.good ? "pass" : "fail";
      v.created_at_ms = start + static_cast<int64_t>(i) * 24 * kHourMs / kTrafficPerRound;
      passes += v.good;
      verdicts.push_back(v);
    }
    Status st = store.add_verdicts(verdicts);
    if (!st.ok()) return fail(ctx, st);

    // 2. Expert review from the queue: audits, uncertain verdicts, ...
    int audited = 0;
    std::vector<int64_t> skip;
    for (int k = 0; k < kReviewsPerRound; ++k) {
      Result<service::NextItem> next =
          service::next_for_review(store, "expert", skip, kUncertaintyBand);
      if (!next.ok()) return fail(ctx, next.status());
      if (!next->session) break;
      const Session& s = next->session->session;
      auto t = truth.find(s.external_id);
      if (t == truth.end()) {  // not traffic (the bundled data): leave it
        skip.push_back(s.id);
        continue;
      }
      Review r;
      r.session_id = s.id;
      r.reviewer = "expert";
      r.label = t->second.good ? Label::kGood : Label::kBad;
      if (!t->second.failure.empty()) r.tags = {t->second.failure};
      r.kind = next->reason == loop::QueueReason::kAudit ? ReviewKind::kAudit : ReviewKind::kLabel;
      r.created_at_ms = start + 24 * kHourMs - 1;
      audited += r.kind == ReviewKind::kAudit;
      Result<Review> saved = store.add_review(r);
      if (!saved.ok()) return fail(ctx, saved.status());
    }

    // 3. What the team sees: agreement on the audits done this day (the
    // unbiased estimate; uncertain items are hard by construction),
    // automation share, alerts.
    Result<std::vector<AuditPair>> pairs_all = store.audit_pairs();
    if (!pairs_all.ok()) return fail(ctx, pairs_all.status());
    std::vector<loop::AgreementItem> today;
    for (const AuditPair& p : *pairs_all) {
      if (p.kind != ReviewKind::kAudit || p.reviewed_at_ms < start) continue;
      today.push_back({p.verdict.good, p.human == Label::kGood, p.verdict.score, p.category, p.tags,
                       "", p.verdict.created_at_ms});
    }
    loop::AgreementStats agreement = loop::compute_agreement(today);
    Result<std::vector<loop::AgreementItem>> items = service::agreement_items(store);
    if (!items.ok()) return fail(ctx, items.status());
    auto automation = service::automation_report(store, *items, kAutomationTarget);
    if (!automation.ok()) return fail(ctx, automation.status());
    double automated = 0;
    int categories = 0;
    for (const auto& [cat, t] : *automation) {
      automated += t ? t->traffic_share : 0;
      ++categories;
    }
    service::PassRateScope scope;
    scope.params.min_baseline_count = 200;
    scope.params.cooldown_buckets = 12;  // half a day: a second shift the same day still shows
    auto monitor = service::monitor_pass_rate(store, scope, start + 24 * kHourMs);
    if (!monitor.ok()) return fail(ctx, monitor.status());
    std::string alerts;
    for (const AlertRecord& a : monitor->new_alerts) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%s %.2f->%.2f ", direction_name(a.direction), a.baseline,
                    a.observed);
      alerts += buf;
    }

    // 4. Retrain; the gate decides.
    service::RetrainOptions retrain_options;
    retrain_options.train.progress = [](const std::string&) {};
    service::DirectStore access(store);
    auto outcome = service::ModelLifecycle(access, models_dir).retrain(*evaluator, retrain_options);
    std::string decision = !outcome.ok()      ? "skipped: " + outcome.status().message()
                           : outcome->skipped ? "skipped: no new labels"
                           : outcome->activated
                               ? "v" + std::to_string(outcome->version) + " activated"
                               : "v" + std::to_string(outcome->version) + " kept (" +
                                     outcome->reason.substr(0, 40) + ")";
    char line[256];
    std::snprintf(
        line, sizeof line, "%3d  %-5s %5.1f%%  %7d  %5.1f%%  %5s  %8.1f%%  %-6s  %s\n", round,
        model->name.c_str(), 100.0 * passes / static_cast<double>(rows.size()), audited,
        100 * agreement.agreement,
        agreement.kappa ? std::to_string(*agreement.kappa).substr(0, 5).c_str() : "-",
        categories ? 100 * automated / categories : 0.0,
        monitor->new_alerts.empty() ? "none" : std::to_string(monitor->new_alerts.size()).c_str(),
        decision.c_str());
    ctx.out << line;
    if (!alerts.empty()) ctx.out << "     alert: pass rate " << alerts << "\n";
  }
  ctx.out
      << "\n(agree: model vs expert on the day's audit sample; automated: mean over categories\n"
         " of the share of traffic whose confidence reached 80% agreement with the experts\n"
         " (95% lower bound) on audited data; alerts: pass-rate CUSUM on hourly buckets)\n";
  return 0;
}

}  // namespace hitloop::cli
