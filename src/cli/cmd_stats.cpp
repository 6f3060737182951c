#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/command.h"
#include "store/dataset_queries.h"

namespace hitloop::cli {
namespace {

nlohmann::ordered_json counts_json(const CountStats& c) {
  return {{"sessions", c.sessions}, {"labeled", c.labeled}, {"good", c.good}, {"bad", c.bad}};
}

std::string percent(int64_t part, int64_t whole) {
  if (whole == 0) return "-";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / whole);
  return buf;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.insert(0, width - s.size(), ' ');
  return s;
}

void print_row(std::ostream& out, const std::string& name, const CountStats& c) {
  std::string n = name;
  n.resize(std::max<size_t>(n.size(), 18), ' ');
  out << n << pad(std::to_string(c.sessions), 9) << pad(std::to_string(c.labeled), 9)
      << pad(std::to_string(c.good), 7) << pad(std::to_string(c.bad), 7)
      << pad(percent(c.good, c.labeled), 8) << "\n";
}

}  // namespace

void print_stats(Context& ctx, const DatasetStats& stats, bool json) {
  if (json) {
    nlohmann::ordered_json j = counts_json(stats.total);
    nlohmann::ordered_json cats = nlohmann::ordered_json::object();
    for (const auto& [name, c] : stats.categories) {
      if (!name.empty()) cats[name] = counts_json(c);
    }
    j["categories"] = cats;
    j["reviewers"] = stats.reviews_by_reviewer;
    nlohmann::ordered_json pairs = nlohmann::ordered_json::array();
    for (const ReviewerAgreement& a : stats.agreement) {
      pairs.push_back({{"a", a.a},
                       {"b", a.b},
                       {"overlap", a.overlap},
                       {"agreement", a.agreement},
                       {"kappa", a.kappa ? nlohmann::ordered_json(*a.kappa) : nullptr}});
    }
    j["agreement"] = pairs;
    ctx.out << j.dump() << "\n";
    return;
  }
  std::ostream& out = ctx.out;
  out << "                   sessions  labeled   good    bad   good%\n";
  print_row(out, "all", stats.total);
  for (const auto& [name, c] : stats.categories) {
    if (!name.empty()) print_row(out, "  " + name, c);
  }
  // Sessions without a category, when some have one; "(none)" as in the web UI.
  if (stats.categories.size() > 1 && stats.categories.count("")) {
    print_row(out, "  (none)", stats.categories.at(""));
  }
  out << "\nreviewers:";
  if (stats.reviews_by_reviewer.empty()) out << " none";
  for (const auto& [name, n] : stats.reviews_by_reviewer) out << " " << name << " (" << n << ")";
  out << "\n";
  for (const ReviewerAgreement& a : stats.agreement) {
    char kappa[16] = "n/a";
    if (a.kappa) std::snprintf(kappa, sizeof kappa, "%.3f", *a.kappa);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%lld shared, %.1f%% agree, kappa %s\n",
                  static_cast<long long>(a.overlap), 100.0 * a.agreement, kappa);
    out << "agreement " << a.a << " vs " << a.b << ": " << buf;
  }
}

namespace {

int run(Context& ctx, const Args& args) {
  Result<std::unique_ptr<Store>> store = open_context_store(ctx);
  if (!store.ok()) return fail(ctx, store.status());
  Result<DatasetStats> stats = collect_stats(**store);
  if (!stats.ok()) return fail(ctx, stats.status());
  print_stats(ctx, *stats, args.has("--json"));
  return 0;
}

}  // namespace

Command stats_command() {
  return {{"stats",
           "",
           "Show counts of sessions and labels, and how much reviewers agree.\n\n"
           "Counts per category and per reviewer, and Cohen's kappa between reviewers who\n"
           "labeled the same sessions.",
           {{"--json", "", "print one JSON object"}},
           0,
           0},
          run};
}

}  // namespace hitloop::cli
