#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <thread>

#include "cli/chunk_queue.h"
#include "cli/command.h"
#include "core/file_bytes.h"

namespace hitloop::cli {

namespace {

// Prints a file's problems (the first 20) and says nothing was imported.
int report_problems(Context& ctx, const std::string& name, const std::vector<std::string>& errors) {
  constexpr size_t kShown = 20;
  for (size_t i = 0; i < errors.size() && i < kShown; ++i) ctx.err << errors[i] << "\n";
  if (errors.size() > kShown) ctx.err << "... and " << errors.size() - kShown << " more problems\n";
  ctx.err << name << ": nothing imported (" << errors.size() << " problem"
          << (errors.size() == 1 ? "" : "s") << ")\n";
  return 2;
}

int report_summary(Context& ctx, const std::string& name, const ImportSummary& summary,
                   std::chrono::steady_clock::time_point start) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char timing[32];
  std::snprintf(timing, sizeof timing, "%.2f s", secs);
  ctx.out << name << ": " << summary.rows << " rows: " << summary.added << " new, "
          << summary.duplicates << " duplicate, " << summary.labeled << " labeled (" << timing
          << ")\n";
  return 0;
}

// Rows per hand-over, and how many may wait: enough to keep both threads
// busy, little enough that the rows in memory stay a few MB, not the file.
constexpr size_t kChunkRows = 2048;
constexpr size_t kChunksQueued = 4;

// One file, parsed on a second thread while this one writes its rows, all
// in one transaction. A problem anywhere in the file rolls back what was
// written, and the problems are reported as the sequential path does.
int import_file(Context& ctx, Store& store, const std::string& name, std::string_view data,
                DatasetFormat format, const ReadOptions& read, const ImportOptions& options) {
  auto start = std::chrono::steady_clock::now();
  ChunkQueue queue(kChunksQueued);
  ParsedDataset parsed;  // its errors, once the queue is closed
  std::thread parser([&] {
    try {
      parsed =
          parse_dataset_chunks(name, data, format, read, kChunkRows,
                               [&](std::vector<ImportRow>&& rows) { queue.push(std::move(rows)); });
    } catch (const std::exception& e) {  // allocation failure
      parsed.errors.push_back(name + ": " + e.what());
    }
    queue.close();
  });
  Result<ImportSummary> summary = store.import_chunks(
      [&](std::vector<ImportRow>& chunk) -> Result<bool> {
        if (queue.pop(chunk)) return true;
        // Closed: the whole file is parsed, `parsed` is final.
        if (!parsed.errors.empty()) return InvalidArgument("the file has problems");
        return false;
      },
      static_cast<int64_t>(data.size()), options);
  queue.cancel();
  parser.join();
  if (!parsed.errors.empty()) return report_problems(ctx, name, parsed.errors);
  if (!summary.ok()) {
    return fail(ctx, Status(summary.status().code(), name + ": " + summary.status().message()));
  }
  return report_summary(ctx, name, *summary, start);
}

}  // namespace

int import_parsed(Context& ctx, Store& store, const std::string& name, const ParsedDataset& parsed,
                  const ImportOptions& options) {
  if (!parsed.errors.empty()) return report_problems(ctx, name, parsed.errors);
  auto start = std::chrono::steady_clock::now();
  Result<ImportSummary> summary = store.import_rows(parsed.rows, options);
  if (!summary.ok()) {
    return fail(ctx, Status(summary.status().code(), name + ": " + summary.status().message()));
  }
  return report_summary(ctx, name, *summary, start);
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
    code = std::max(code, import_file(ctx, **store, path, data, f, read, options));
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
