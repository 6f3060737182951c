// `report` and `retrain`: the feedback loop from the command line.
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/ml_common.h"
#include "core/json_tidy.h"
#include "service/loop_service.h"
#include "service/model_lifecycle.h"
#include "service/report_json.h"

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

// The report's text shows a blank category as "(none)".
std::string category_name(const std::string& category) {
  return category.empty() ? "(none)" : category;
}

using service::agreement_json;
using service::alert_json;

// Everything the text report shows, as one JSON object.
Json report_json(const std::vector<loop::AgreementItem>& items, double target,
                 const std::map<std::string, std::optional<loop::AutomationThreshold>>& automation,
                 const std::vector<service::TagFailures>& failures,
                 const std::vector<AlertRecord>& alerts) {
  Json j;
  j["agreement"] = agreement_json(loop::compute_agreement(items));
  Json by_version = Json::object(), by_category = Json::object();
  for (const auto& [k, a] : loop::agreement_by_model_version(items)) {
    by_version[k] = agreement_json(a);
  }
  for (const auto& [k, a] : loop::agreement_by_category(items)) by_category[k] = agreement_json(a);
  j["agreement_by_model_version"] = by_version;
  j["agreement_by_category"] = by_category;
  j["automation_target"] = target;
  Json cats = Json::object();
  for (const auto& [cat, t] : automation) {
    cats[cat] = t ? Json{{"threshold", t->confidence},
                         {"support", t->support},
                         {"agreement", t->agreement},
                         {"lower_bound", t->lower_bound},
                         {"automated_share", t->traffic_share}}
                  : Json(nullptr);
  }
  j["automation"] = cats;
  Json tags = Json::array();
  for (const auto& f : failures) {
    tags.push_back({{"tag", f.tag}, {"false_pass", f.false_pass}, {"false_fail", f.false_fail}});
  }
  j["failures_by_tag"] = tags;
  Json list = Json::array();
  for (const AlertRecord& a : alerts) list.push_back(alert_json(a));
  j["alerts"] = list;
  return j;
}

int run_report(Context& ctx, const Args& args) {
  Result<double> target = args.get_double("--target", 0.95);
  Result<long long> minutes = args.get_int("--bucket-minutes", 60);
  if (!target.ok()) return fail(ctx, target.status());
  if (!(*target > 0 && *target < 1)) {
    return fail(ctx, InvalidArgument("--target must be between 0 and 1"));
  }
  if (!minutes.ok() || *minutes <= 0)
    return fail(ctx, InvalidArgument("--bucket-minutes must be positive"));
  Result<std::unique_ptr<Store>> store = open_context_store(ctx);
  if (!store.ok()) return fail(ctx, store.status());
  Result<std::vector<loop::AgreementItem>> items = service::agreement_items(**store);
  if (!items.ok()) return fail(ctx, items.status());
  auto automation = service::automation_report(**store, *items, *target);
  if (!automation.ok()) return fail(ctx, automation.status());
  service::PassRateScope scope;
  scope.bucket_ms = *minutes * 60 * 1000;
  auto monitor = service::pass_rate(**store, scope, now_ms());  // reads only
  if (!monitor.ok()) return fail(ctx, monitor.status());
  auto overall = loop::compute_agreement(*items);
  auto failures = service::failures_by_tag(*items);

  if (args.has("--json")) {
    ctx.out << tidy_dump(report_json(*items, *target, *automation, failures, monitor->alerts))
            << "\n";
    return 0;
  }
  std::ostream& out = ctx.out;
  out << "model vs human agreement (" << overall.n << " human labels with a prior verdict):\n";
  print_agreement(out, "all", overall);
  for (const auto& [k, a] : loop::agreement_by_model_version(*items)) print_agreement(out, k, a);
  for (const auto& [k, a] : loop::agreement_by_category(*items)) {
    print_agreement(out, category_name(k), a);
  }
  out << "\nautomation at " << *target * 100 << "% agreement (95% lower bound) on audited data:\n";
  for (const auto& [cat, t] : *automation) {
    char buf[200];
    if (t) {
      std::snprintf(buf, sizeof buf,
                    "  %-18s automate confidence >= %.2f  (%lld audited, lower bound %.3f): "
                    "%4.1f%% of traffic\n",
                    category_name(cat).c_str(), t->confidence, static_cast<long long>(t->support),
                    t->lower_bound, 100 * t->traffic_share);
    } else {
      std::snprintf(buf, sizeof buf, "  %-18s humans still needed\n", category_name(cat).c_str());
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
  out << "\npass-rate alerts (stored by the server's monitor): " << monitor->alerts.size() << "\n";
  for (const AlertRecord& a : monitor->alerts) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "  #%lld %s from %.3f to %.3f (statistic %.1f)\n",
                  static_cast<long long>(a.id), direction_name(a.direction), a.baseline, a.observed,
                  a.statistic);
    out << buf;
  }
  if (!monitor->detected.empty()) {
    out << "spikes detected now in all traffic (" << monitor->detected.size()
        << "; `hitloop serve` monitors, stores and sends them):\n";
    for (const AlertRecord& a : monitor->detected) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "  %s from %.3f to %.3f (statistic %.1f)\n",
                    direction_name(a.direction), a.baseline, a.observed, a.statistic);
      out << buf;
    }
  }
  return 0;
}

std::string fig(const std::optional<double>& v) {
  if (!v) return "n/a";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.3f", *v);
  return buf;
}

int run_retrain(Context& ctx, const Args& args) {
  // Every option is checked before any work.
  Result<double> tolerance = args.get_double("--tolerance", 0.0);
  if (!tolerance.ok()) return fail(ctx, tolerance.status());
  loop::GateParams gate;
  gate.tolerance = *tolerance;
  if (Status st = loop::validate_gate_params(gate); !st.ok()) {
    return fail(ctx, InvalidArgument("--" + st.message()));
  }
  Result<long long> threads = args.get_int("--threads", 0);
  if (!threads.ok()) return fail(ctx, threads.status());
  Result<std::unique_ptr<Store>> store = open_context_store(ctx);
  if (!store.ok()) return fail(ctx, store.status());
  std::string about;
  Result<ml::Recipe> defaults = service::active_recipe(**store, &about);
  if (!defaults.ok()) return fail(ctx, defaults.status());
  Result<ml::Recipe> recipe = recipe_from_args(args, *defaults);
  if (!recipe.ok()) {
    return fail(ctx, about.empty() ? recipe.status()
                                   : InvalidArgument(recipe.status().message() + "; " + about));
  }
  const ml::Evaluator* evaluator = *ml::find_evaluator(recipe->kind);
  service::RetrainOptions options;
  options.train = train_options(*recipe, static_cast<int>(*threads));
  options.train.progress = [&](const std::string& line) { ctx.err << "retrain: " << line << "\n"; };
  options.gate = gate;
  options.force = args.has("--force");
  service::DirectStore access(**store);
  auto outcome =
      service::ModelLifecycle(access, models_dir(ctx, args)).retrain(*evaluator, options);
  if (!outcome.ok()) return fail(ctx, outcome.status());
  if (outcome->skipped) {
    ctx.out << outcome->reason << " (--force retrains anyway)\n";
    return 0;
  }
  const loop::GateResult& g = outcome->gate;
  ctx.out << "v" << outcome->version
          << (outcome->activated ? " activated: " : " kept as candidate: ") << outcome->reason
          << "\n"
          << "frozen holdout (" << outcome->holdout_examples << " sessions): challenger accuracy "
          << fig(g.challenger_accuracy) << " AUROC " << fig(g.challenger_auroc);
  if (g.active_accuracy) {
    ctx.out << "; active accuracy " << fig(g.active_accuracy) << " AUROC " << fig(g.active_auroc);
  }
  ctx.out << "\n";
  return 0;
}

std::vector<Flag> retrain_flags() {
  std::vector<Flag> flags = recipe_flags();
  flags.insert(flags.end(),
               {{"--tolerance", "T", "accept a challenger this much less accurate (default 0)"},
                {"--force", "", "retrain even when no label changed since the active model"},
                {"--threads", "N", "worker threads (default: all cores)"},
                {"--models-dir", "DIR", "where artifacts go (default: beside the database)"}});
  return flags;
}

}  // namespace

Command report_command() {
  return {{"report",
           "",
           "Report on the loop: agreement, automation, eval-failures and alerts.\n\n"
           "Model-vs-human agreement (per model version and category), the confidence above\n"
           "which verdicts could be automated per category, eval-failures by tag, and\n"
           "pass-rate alerts.",
           {{"--target", "T", "required agreement for automation (default 0.95)"},
            {"--bucket-minutes", "M", "pass-rate bucket width (default 60)"},
            {"--json", "", "print one JSON object"}},
           0,
           0},
          run_report};
}

Command retrain_command() {
  return {{"retrain", "",
           "Retrain, and activate the new model only if it is no worse.\n\n"
           "Trains on all human labels (audits included; frequent eval-failure types\n"
           "oversampled), compares the challenger with the active model on the frozen holdout\n"
           "(McNemar), and activates it only if it is not worse; otherwise keeps it as a\n"
           "candidate with the reason. Roll back with: hitloop models activate V.",
           retrain_flags(), 0, 0},
          run_retrain};
}

}  // namespace hitloop::cli
