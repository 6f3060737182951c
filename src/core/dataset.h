// The product's dataset files: CSV (`model_input,model_output,good` plus
// optional `category`, `id` and any other columns as metadata) and JSONL.
// Reading turns a file into validated rows or a list of `FILE:LINE: reason`
// problems; writing produces the reference recipe's export format.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/session.h"
#include "core/status.h"

namespace hitloop {

enum class DatasetFormat { kCsv, kJsonl };

struct ImportRow {
  int line = 0;
  std::string external_id;
  std::string category;
  std::string model_input;
  std::string model_output;
  std::string metadata_json;  // canonical JSON object, or "" when none
  std::optional<Label> label;
};

struct ReadOptions {
  size_t max_field_bytes = 1 << 20;
};

struct ParsedDataset {
  std::vector<ImportRow> rows;
  std::vector<std::string> errors;  // each "NAME:LINE: reason", in file order
  bool has_category_column = false;
};

// The format from the file name (.csv / .jsonl / .ndjson), else from the
// first character of the content.
DatasetFormat detect_format(std::string_view name, std::string_view data);

// Parses `data` (the content of the file `name`). Never fails as a whole:
// every problem lands in `errors` so that a user sees them all at once.
ParsedDataset parse_dataset(std::string_view name, std::string_view data, DatasetFormat format,
                            const ReadOptions& options);

// The same, streaming: rows reach `sink` in file order, in chunks of up to
// `chunk_rows`, as they are parsed (on the caller's thread), so a file can
// be written while the rest is parsed. The result holds the errors and
// has_category_column; its rows are empty.
using RowSink = std::function<void(std::vector<ImportRow>&& rows)>;
ParsedDataset parse_dataset_chunks(std::string_view name, std::string_view data,
                                   DatasetFormat format, const ReadOptions& options,
                                   size_t chunk_rows, const RowSink& sink);

// Reads and parses a file. Fails (InvalidArgument) when the path is
// missing, a directory or unreadable.
Result<ParsedDataset> read_dataset_file(const std::string& path, const ReadOptions& options);

Result<std::string> read_file(const std::string& path);

// One row of an export: the session and its majority human label.
struct ExportRow {
  const Session* session;
  std::optional<Label> label;
};

// CSV: header `model_input,model_output,good[,category]`, CRLF, minimal
// quoting, `good` empty when unlabeled. JSONL: one object per line with
// model_input, model_output, good, and category/id/metadata when present.
void append_export_header(std::string& out, DatasetFormat format, bool with_category);
void append_export_row(std::string& out, DatasetFormat format, bool with_category,
                       const ExportRow& row);

}  // namespace hitloop
