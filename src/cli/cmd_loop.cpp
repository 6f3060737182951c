// `report` and `retrain`: the feedback loop from the command line.
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/ml_common.h"
#include "loop/loop_service.h"

namespace hitloop::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string pct(const std::optional<double>& v) {
  if (!v) return "    -";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%5.1f%%", 100 * *v);
  return buf;
}

void print_agreement(std::ostream& out, const std::string& key, const loop::AgreementStats& a) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "  %-18s %6lld  %s  kappa %6s  false pass %s  false fail %s\n",
                key.c_str(), static_cast<long long>(a.n), pct(a.agreement).c_str(),
                a.kappa ? std::to_string(*a.kappa).substr(0, 5).c_str() : "-",
                pct(a.false_pass_rate).c_str(), pct(a.false_fail_rate).c_str());
  out << buf;
}

int run_report(Context& ctx, const Args& args) {
  Result<double> target = args.get_double("--target", 0.95);
  Result<long long> minutes = args.get_int("--bucket-minutes", 60);
  if (!target.ok()) return fail(ctx, target.status());
  if (!minutes.ok() || *minutes <= 0)
    return fail(ctx, InvalidArgument("--bucket-minutes must be positive"));
  Result<std::unique_ptr<Store>> store = open_context_store(ctx);
  if (!store.ok()) return fail(ctx, store.status());
  Result<std::vector<loop::AgreementItem>> items = loop::agreement_items(**store);
  if (!items.ok()) return fail(ctx, items.status());
  auto automation = loop::automation_report(**store, *items, *target);
  if (!automation.ok()) return fail(ctx, automation.status());
  loop::PassRateScope scope;
  scope.bucket_ms = *minutes * 60 * 1000;
  auto monitor = loop::monitor_pass_rate(**store, scope, now_ms());
  if (!monitor.ok()) return fail(ctx, monitor.status());
  auto overall = loop::compute_agreement(*items);
  auto failures = loop::failures_by_tag(*items);

  if (args.has("--json")) {
    Json j;
    j["agreement"] = {{"n", overall.n},
                      {"agreement", overall.agreement},
                      {"kappa", overall.kappa ? Json(*overall.kappa) : Json(nullptr)}};
    Json by_version = Json::object();
    for (const auto& [k, a] : loop::agreement_by_model_version(*items)) {
      by_version[k] = {{"n", a.n}, {"agreement", a.agreement}};
    }
    j["agreement_by_model_version"] = by_version;
    Json cats = Json::object();
    for (const auto& [cat, t] : *automation) {
      cats[cat] = t ? Json{{"threshold", t->confidence},
                           {"support", t->support},
                           {"lower_bound", t->lower_bound},
                           {"automated_share", t->traffic_share}}
                    : Json(nullptr);
    }
    j["automation"] = cats;
    j["alerts"] = static_cast<int64_t>(monitor->alerts.size());
    ctx.out << j.dump() << "\n";
    return 0;
  }
  std::ostream& out = ctx.out;
  out << "model vs human agreement (" << overall.n << " human labels with a prior verdict):\n";
  print_agreement(out, "all", overall);
  for (const auto& [k, a] : loop::agreement_by_model_version(*items)) print_agreement(out, k, a);
  for (const auto& [k, a] : loop::agreement_by_category(*items)) print_agreement(out, k, a);
  out << "\nautomation at " << *target * 100 << "% agreement (95% lower bound) on audited data:\n";
  for (const auto& [cat, t] : *automation) {
    char buf[200];
    if (t) {
      std::snprintf(buf, sizeof buf,
                    "  %-18s automate confidence >= %.2f  (%lld audited, lower bound %.3f): "
                    "%4.1f%% of traffic\n",
                    cat.c_str(), t->confidence, static_cast<long long>(t->support), t->lower_bound,
                    100 * t->traffic_share);
    } else {
      std::snprintf(buf, sizeof buf, "  %-18s humans still needed\n", cat.c_str());
    }
    out << buf;
  }
  out << "\neval-failures by tag:";
  if (failures.empty()) out << " none";
  out << "\n";
  for (const auto& f : failures) {
    out << "  " << f.tag << ": " << f.false_pass << " false pass, " << f.false_fail
        << " false fail\n";
  }
  out << "\npass-rate alerts: " << monitor->alerts.size() << "\n";
  for (const AlertRecord& a : monitor->alerts) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "  #%lld %s from %.3f to %.3f (statistic %.1f)\n",
                  static_cast<long long>(a.id), a.direction.c_str(), a.baseline, a.observed,
                  a.statistic);
    out << buf;
  }
  return 0;
}

int run_retrain(Context& ctx, const Args& args) {
  Result<double> tolerance = args.get_double("--tolerance", 0.0);
  Result<long long> seed = args.get_int("--seed", 1);
  if (!tolerance.ok()) return fail(ctx, tolerance.status());
  if (!seed.ok()) return fail(ctx, seed.status());
  Result<std::unique_ptr<Store>> store = open_context_store(ctx);
  if (!store.ok()) return fail(ctx, store.status());
  Result<const ml::Evaluator*> evaluator = ml::find_evaluator(args.get("--kind", "ngram"));
  if (!evaluator.ok()) return fail(ctx, evaluator.status());
  ml::TrainOptions options;
  options.seed = static_cast<uint64_t>(*seed);
  options.progress = [&](const std::string& line) { ctx.err << "retrain: " << line << "\n"; };
  loop::GateParams gate;
  gate.tolerance = *tolerance;
  auto outcome = loop::retrain(**store, **evaluator, models_dir(ctx, args), options, gate);
  if (!outcome.ok()) return fail(ctx, outcome.status());
  ctx.out << "v" << outcome->version
          << (outcome->activated ? " activated: " : " kept as candidate: ") << outcome->reason
          << "\n";
  return 0;
}

}  // namespace

Command report_command() {
  return {{"report",
           "",
           "The loop's report: model-vs-human agreement (per model version and category),\n"
           "the confidence above which verdicts could be automated per category, eval-failures\n"
           "by tag, and pass-rate alerts.",
           {{"--target", "T", "required agreement for automation (default 0.95)"},
            {"--bucket-minutes", "M", "pass-rate bucket width (default 60)"},
            {"--json", "", "print one JSON object"}},
           0,
           0},
          run_report};
}

Command retrain_command() {
  return {{"retrain",
           "",
           "Retrain on all human labels (audits included; frequent eval-failure types\n"
           "oversampled), compare the challenger with the active model on the frozen holdout\n"
           "(McNemar), and activate it only if it is not worse; otherwise keep it as a\n"
           "candidate with the reason. Roll back with: hitloop models activate V.",
           {{"--kind", "ngram", "model kind (default ngram)"},
            {"--tolerance", "T", "accept a challenger this much less accurate (default 0)"},
            {"--seed", "N", "seed (default 1)"},
            {"--models-dir", "DIR", "where artifacts go (default: beside the database)"}},
           0,
           0},
          run_retrain};
}

}  // namespace hitloop::cli
