#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/csv.h"
#include "store/dataset_queries.h"

namespace hitloop::cli {
namespace {

// 2024-05-01T12:34:56.789Z
std::string iso_utc(int64_t ms) {
  int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms - secs * 1000));
  return buf;
}

constexpr char kReviewsHeader[] =
    "review_id,session_id,external_id,category,model_input,model_output,reviewer,label,tags,"
    "note,kind,created_at,created_at_ms,model_version,model_score,model_decision\r\n";

// One review as docs/formats.md describes it; the verdict fields are empty
// (CSV) or null (JSONL) when no model has judged the session.
void append_review(std::string& out, DatasetFormat format, const ReviewHistoryRow& row) {
  const Review& r = row.review;
  const Session& s = row.session;
  nlohmann::ordered_json o;
  o["review_id"] = r.id;
  o["session_id"] = s.id;
  o["external_id"] = s.external_id;
  o["category"] = s.category;
  o["model_input"] = s.model_input;
  o["model_output"] = s.model_output;
  o["reviewer"] = r.reviewer;
  o["label"] = label_name(r.label);
  o["tags"] = r.tags;
  o["note"] = r.note;
  o["kind"] = r.kind == ReviewKind::kAudit ? "audit" : "label";
  o["created_at"] = iso_utc(r.created_at_ms);
  o["created_at_ms"] = r.created_at_ms;
  o["model_version"] = nullptr;
  o["model_score"] = nullptr;
  o["model_decision"] = nullptr;
  if (row.verdict) {
    o["model_version"] = "v" + std::to_string(row.verdict->model_version);
    o["model_score"] = row.verdict->score;
    o["model_decision"] = row.verdict->decision;
  }
  if (format == DatasetFormat::kJsonl) {
    out.append(o.dump());
    out.push_back('\n');
    return;
  }
  // Numbers and the tag list as JSON writes them; strings as they are.
  std::vector<std::string> cells;
  for (const auto& v : o)
    cells.push_back(v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump());
  append_csv_row(out, {cells.begin(), cells.end()});
}

Result<int64_t> export_reviews(Store& store, DatasetFormat format, std::string& data) {
  if (format == DatasetFormat::kCsv) data.append(kReviewsHeader);
  int64_t n = 0;
  HITLOOP_RETURN_IF_ERROR(store.scan_review_history([&](const ReviewHistoryRow& row) {
    append_review(data, format, row);
    ++n;
    return Status::Ok();
  }));
  return n;
}

Result<int64_t> export_sessions(Store& store, DatasetFormat format, bool labeled,
                                std::string& data) {
  HITLOOP_ASSIGN_OR_RETURN(std::vector<LabeledSession> sessions, collect_sessions(store, labeled));
  bool with_category = false;
  for (const LabeledSession& s : sessions) with_category |= !s.session.category.empty();
  append_export_header(data, format, with_category);
  for (const LabeledSession& s : sessions) {
    append_export_row(data, format, with_category, {&s.session, s.label});
  }
  return static_cast<int64_t>(sessions.size());
}

int run(Context& ctx, const Args& args) {
  std::string format_name = args.get("--format", "csv");
  if (format_name != "csv" && format_name != "jsonl") {
    return fail(ctx, InvalidArgument("--format must be csv or jsonl"));
  }
  if (args.has("--reviews") && args.has("--labeled")) {
    return fail(ctx, InvalidArgument("--labeled applies to sessions, not to --reviews"));
  }
  DatasetFormat format = format_name == "csv" ? DatasetFormat::kCsv : DatasetFormat::kJsonl;
  Result<std::unique_ptr<Store>> store = open_context_store(ctx);
  if (!store.ok()) return fail(ctx, store.status());
  std::string data;
  bool reviews = args.has("--reviews");
  Result<int64_t> n = reviews ? export_reviews(**store, format, data)
                              : export_sessions(**store, format, args.has("--labeled"), data);
  if (!n.ok()) return fail(ctx, n.status());
  Status st = write_output(ctx, args.get("--output"), data);
  if (!st.ok()) return fail(ctx, st);
  if (args.has("--output")) {
    ctx.err << "exported " << *n << (reviews ? " reviews" : " sessions") << " to "
            << args.get("--output") << "\n";
  }
  return 0;
}

}  // namespace

Command export_command() {
  return {{"export",
           "",
           "Export sessions with their majority human label, or every review.\n\n"
           "CSV is the reference recipe's format: model_input,model_output,good[,category]\n"
           "(good empty when unlabeled). JSONL also carries ids and metadata.\n\n"
           "--reviews exports the review history instead: one row per human review, oldest\n"
           "first, with its session and the session's latest model verdict (docs/formats.md).",
           {{"--format", "csv|jsonl", "output format (default csv)"},
            {"--labeled", "", "only sessions with at least one human review"},
            {"--reviews", "", "every human review (labels and audits) instead of sessions"},
            {"-o|--output", "FILE", "write to FILE (atomically) instead of stdout"}},
           0,
           0},
          run};
}

}  // namespace hitloop::cli
