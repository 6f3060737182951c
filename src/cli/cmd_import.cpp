#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/command.h"
#include "core/file_bytes.h"

namespace hitloop::cli {

int import_parsed(Context& ctx, Store& store, const std::string& name, const ParsedDataset& parsed,
                  const ImportOptions& options) {
  constexpr size_t kShown = 20;
  if (!parsed.errors.empty()) {
    for (size_t i = 0; i < parsed.errors.size() && i < kShown; ++i) {
      ctx.err << parsed.errors[i] << "\n";
    }
    if (parsed.errors.size() > kShown) {
      ctx.err << "... and " << parsed.errors.size() - kShown << " more problems\n";
    }
    ctx.err << name << ": nothing imported (" << parsed.errors.size() << " problem"
            << (parsed.errors.size() == 1 ? "" : "s") << ")\n";
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  Result<ImportSummary> summary = store.import_rows(parsed.rows, options);
  if (!summary.ok()) {
    return fail(ctx, Status(summary.status().code(), name + ": " + summary.status().message()));
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char timing[32];
  std::snprintf(timing, sizeof timing, "%.2f s", secs);
  ctx.out << name << ": " << summary->rows << " rows: " << summary->added << " new, "
          << summary->duplicates << " duplicate, " << summary->labeled << " labeled (" << timing
          << ")\n";
  return 0;
}

namespace {

int run(Context& ctx, const Args& args) {
  ImportOptions options;
  options.reviewer = args.get("--reviewer", "import");
  options.now_ms = now_ms();
  if (options.reviewer.empty()) return fail(ctx, InvalidArgument("--reviewer must not be empty"));
  ReadOptions read;
  Result<long long> limit = args.get_int("--max-field-bytes", 1 << 20);
  if (!limit.ok()) return fail(ctx, limit.status());
  if (*limit <= 0) return fail(ctx, InvalidArgument("--max-field-bytes must be positive"));
  read.max_field_bytes = static_cast<size_t>(*limit);
  std::string format = args.get("--format");
  if (!format.empty() && format != "csv" && format != "jsonl") {
    return fail(ctx, InvalidArgument("--format must be csv or jsonl"));
  }

  Result<std::unique_ptr<Store>> store = open_context_store(ctx);
  if (!store.ok()) return fail(ctx, store.status());
  int code = 0;
  for (const std::string& path : args.positional()) {
    Result<FileBytes> bytes = FileBytes::read(path);
    if (!bytes.ok()) {
      code = std::max(code, fail(ctx, bytes.status()));
      continue;
    }
    std::string_view data = bytes->view();
    DatasetFormat f = format.empty()    ? detect_format(path, data)
                      : format == "csv" ? DatasetFormat::kCsv
                                        : DatasetFormat::kJsonl;
    ParsedDataset parsed = parse_dataset(path, data, f, read);
    code = std::max(code, import_parsed(ctx, **store, path, parsed, options));
  }
  return code;
}

}  // namespace

Command import_command() {
  return {{"import",
           "FILE...",
           "Import sessions from CSV or JSONL files.\n\n"
           "CSV needs a header with model_input,model_output and optionally good, category,\n"
           "id; other columns are kept as metadata. JSONL objects carry input|model_input,\n"
           "output|model_output, good, category, id, metadata. A good value (1/0, good/bad,\n"
           "true/false) becomes a human review. Each file is one transaction: one bad row\n"
           "and nothing of that file is written. Re-importing the same rows is a no-op.",
           {{"--reviewer", "NAME", "who the imported labels are attributed to (default import)"},
            {"--format", "csv|jsonl", "override the format detected from the file name"},
            {"--max-field-bytes", "N", "reject fields longer than N bytes (default 1048576)"}},
           1,
           -1},
          run};
}

}  // namespace hitloop::cli
