#include "cli/command.h"
#include "store/dataset_queries.h"

namespace hitloop::cli {
namespace {

int run(Context& ctx, const Args& args) {
  std::string format_name = args.get("--format", "csv");
  if (format_name != "csv" && format_name != "jsonl") {
    return fail(ctx, InvalidArgument("--format must be csv or jsonl"));
  }
  DatasetFormat format = format_name == "csv" ? DatasetFormat::kCsv : DatasetFormat::kJsonl;
  Result<std::unique_ptr<Store>> store = open_context_store(ctx);
  if (!store.ok()) return fail(ctx, store.status());
  Result<std::vector<LabeledSession>> sessions = collect_sessions(**store, args.has("--labeled"));
  if (!sessions.ok()) return fail(ctx, sessions.status());

  bool with_category = false;
  for (const LabeledSession& s : *sessions) with_category |= !s.session.category.empty();
  std::string data;
  append_export_header(data, format, with_category);
  for (const LabeledSession& s : *sessions) {
    append_export_row(data, format, with_category, {&s.session, s.label});
  }
  Status st = write_output(ctx, args.get("--output"), data);
  if (!st.ok()) return fail(ctx, st);
  if (args.has("--output")) {
    ctx.err << "exported " << sessions->size() << " sessions to " << args.get("--output") << "\n";
  }
  return 0;
}

}  // namespace

Command export_command() {
  return {{"export",
           "",
           "Export sessions with their majority human label.\n\n"
           "CSV is the reference recipe's format: model_input,model_output,good[,category]\n"
           "(good empty when unlabeled). JSONL also carries ids and metadata.",
           {{"--format", "csv|jsonl", "output format (default csv)"},
            {"--labeled", "", "only sessions with at least one human review"},
            {"-o|--output", "FILE", "write to FILE (atomically) instead of stdout"}},
           0,
           0},
          run};
}

}  // namespace hitloop::cli
