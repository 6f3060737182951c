#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "cli/ml_common.h"
#include "core/json_tidy.h"
#include "service/model_lifecycle.h"

namespace hitloop::cli {
namespace {

std::string date(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", std::gmtime(&t));
  return buf;
}

using Json = nlohmann::ordered_json;

std::string fig(const std::optional<double>& v) {
  if (!v) return "n/a";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.3f", *v);
  return buf;
}

// The frozen-holdout figures a retrain's gate decided on, in one line.
std::string gate_figures(const ml::GateRecord& g) {
  std::string s = "frozen holdout (" + std::to_string(g.holdout_n) + "): challenger accuracy " +
                  fig(g.challenger_accuracy) + " AUROC " + fig(g.challenger_auroc);
  if (g.active_version) {
    s += "; active v" + std::to_string(g.active_version) + " accuracy " + fig(g.active_accuracy) +
         " AUROC " + fig(g.active_auroc);
  }
  return s;
}

// What the manifest says beyond the registry row (the gate, worse than
// chance); an unreadable manifest shows as none.
std::optional<ml::Manifest> manifest_of(const ModelRecord& m) {
  Result<ml::Manifest> manifest = ml::read_manifest(m.path);
  return manifest.ok() ? std::optional<ml::Manifest>(*manifest) : std::nullopt;
}

int list(Context& ctx, Store& store, bool json) {
  Result<std::vector<ModelRecord>> models = store.list_models();
  if (!models.ok()) return fail(ctx, models.status());
  if (json) {
    Json arr = Json::array();
    for (const ModelRecord& m : *models) {
      Json j = ml::model_json(m);
      j["path"] = m.path;
      arr.push_back(std::move(j));
    }
    ctx.out << tidy_dump(arr) << "\n";
    return 0;
  }
  if (models->empty()) {
    ctx.out << "no models yet: run hitloop train\n";
    return 0;
  }
  ctx.out << "model  kind     status     parent  created (UTC)     AUROC    acc  f1_bad\n";
  for (const ModelRecord& m : *models) {
    auto metrics = nlohmann::json::parse(m.metrics_json);
    char line[160];
    std::snprintf(line, sizeof line, "%-6s %-8s %-10s %-7s %-17s %5s %6.3f %7.3f\n",
                  ("v" + std::to_string(m.version)).c_str(), m.kind.c_str(),
                  model_status_name(m.status),
                  m.parent_version ? ("v" + std::to_string(m.parent_version)).c_str() : "-",
                  date(m.created_at_ms).c_str(),
                  metrics.value("auroc", nlohmann::json()).is_number()
                      ? std::to_string(metrics["auroc"].get<double>()).substr(0, 5).c_str()
                      : "n/a",
                  metrics.value("accuracy", 0.0), metrics.value("f1_bad", 0.0));
    ctx.out << line;
    // Why it is (not) active: the gate's reason and figures, or the note.
    std::optional<ml::Manifest> manifest = manifest_of(m);
    if (!m.note.empty()) ctx.out << "       why: " << m.note << "\n";
    if (manifest && manifest->gate) ctx.out << "       " << gate_figures(*manifest->gate) << "\n";
  }
  return 0;
}

int show(Context& ctx, Store& store, const std::string& spec, bool json) {
  Result<int> version = ml::parse_version(spec);
  if (!version.ok()) return fail(ctx, version.status());
  Result<ModelRecord> record = store.get_model(*version);
  if (!record.ok()) return fail(ctx, InvalidArgument(record.status().message()));
  Result<ml::LoadedModel> loaded = ml::load_artifact(record->path);
  if (!loaded.ok()) return fail(ctx, loaded.status());
  const ml::Manifest& m = loaded->manifest;
  if (json) {
    auto j = nlohmann::ordered_json::parse(ml::manifest_to_json(m));
    j["status"] = model_status_name(record->status);
    j["note"] = record->note.empty() ? Json(nullptr) : Json(record->note);
    j["path"] = record->path;
    ctx.out << tidy_dump(j) << "\n";
    return 0;
  }
  ctx.out << "model v" << m.version << " (" << m.kind << ", " << model_status_name(record->status)
          << ")\n"
          << "  created     " << date(m.created_at_ms) << " UTC\n"
          << "  parent      " << (m.parent_version ? "v" + std::to_string(m.parent_version) : "-")
          << "\n"
          << "  trained on  " << m.n_train << " examples, dataset " << m.dataset_hash << "\n"
          << "  calibration " << ml::describe(m.calibration) << "\n"
          << "  threshold   " << m.threshold << "\n"
          << "  artifact    " << record->path << "\n";
  if (m.recipe) ctx.out << "  recipe      " << ml::recipe_to_json(*m.recipe) << "\n";
  if (!record->note.empty()) ctx.out << "  why         " << record->note << "\n";
  if (m.gate) ctx.out << "  gate        " << gate_figures(*m.gate) << "\n";
  ctx.out << "held-out metrics (" << m.validation << "):\n";
  print_metrics(ctx.out, m.metrics, m.metrics_by_category);
  if (m.worse_than_chance) ctx.out << "WORSE THAN CHANCE: held-out AUROC below 0.5\n";
  return 0;
}

int run(Context& ctx, const Args& args) {
  const auto& pos = args.positional();
  std::string action = pos.empty() ? "list" : pos[0];
  Result<std::unique_ptr<Store>> store = open_context_store(ctx);
  if (!store.ok()) return fail(ctx, store.status());
  if (action == "list" && pos.size() <= 1) return list(ctx, **store, args.has("--json"));
  if (action == "show" && pos.size() == 2) return show(ctx, **store, pos[1], args.has("--json"));
  if (action == "activate" && pos.size() == 2) {
    Result<int> version = ml::parse_version(pos[1]);
    if (!version.ok()) return fail(ctx, version.status());
    service::DirectStore access(**store);
    Result<service::Activated> activated = service::ModelLifecycle(access, "").activate(*version);
    if (!activated.ok()) return fail(ctx, activated.status());
    if (!activated->warning.empty())
      ctx.err << "hitloop: warning: " << activated->warning << "; activated as asked\n";
    ctx.out << "v" << *version << " is now the active model\n";
    return 0;
  }
  return fail(ctx, InvalidArgument("usage: hitloop models list | show V | activate V"));
}

}  // namespace

Command models_command() {
  return {{"models",
           "list | show V | activate V",
           "List trained models, show one's manifest and metrics, or make one active.",
           {{"--json", "", "print JSON"}},
           0,
           2},
          run};
}

}  // namespace hitloop::cli
