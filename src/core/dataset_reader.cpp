// Reading dataset files. Both formats share one validation step
// (`finish_row`) so that CSV and JSONL accept and reject the same things.

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_set>

#include "core/csv.h"
#include "core/dataset.h"
#include "core/file_bytes.h"
#include "core/json_text.h"
#include "core/utf8.h"

namespace hitloop {
namespace {

using json = nlohmann::json;

std::string lower_trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  s = s.substr(b, s.find_last_not_of(" \t") - b + 1);
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

class ErrorSink {
 public:
  ErrorSink(std::string_view name, std::vector<std::string>& out) : name_(name), out_(out) {}
  void add(int line, const std::string& reason) {
    out_.push_back(std::string(name_) + ":" + std::to_string(line) + ": " + reason);
  }
  size_t count() const { return out_.size(); }

 private:
  std::string_view name_;
  std::vector<std::string>& out_;
};

// Checks what every row must satisfy, whatever its format. Returns false
// (after reporting) when the row is rejected.
bool finish_row(const ImportRow& row, const ReadOptions& options, ErrorSink& errors) {
  const std::pair<const char*, const std::string*> fields[] = {{"model_input", &row.model_input},
                                                               {"model_output", &row.model_output},
                                                               {"category", &row.category},
                                                               {"id", &row.external_id},
                                                               {"metadata", &row.metadata_json}};
  bool ok = true;
  for (const auto& [name, value] : fields) {
    if (size_t bad = find_invalid_utf8(*value); bad != std::string::npos) {
      errors.add(row.line,
                 std::string("invalid UTF-8 in ") + name + " at byte " + std::to_string(bad));
      ok = false;
    } else if (value->size() > options.max_field_bytes) {
      errors.add(row.line, std::string(name) + " is " + std::to_string(value->size()) +
                               " bytes, over the limit of " +
                               std::to_string(options.max_field_bytes));
      ok = false;
    }
  }
  if (row.model_input.empty()) errors.add(row.line, "empty model_input"), ok = false;
  if (row.model_output.empty()) errors.add(row.line, "empty model_output"), ok = false;
  return ok;
}

std::string bad_label_message(std::string_view value) {
  return "unrecognised label \"" + std::string(value.substr(0, 40)) +
         "\" in column good (use 1/0, good/bad or true/false)";
}

enum class Role { kInput, kOutput, kGood, kCategory, kId, kExtra };

Role role_of(const std::string& name) {
  if (name == "model_input" || name == "input") return Role::kInput;
  if (name == "model_output" || name == "output") return Role::kOutput;
  if (name == "good" || name == "label") return Role::kGood;
  if (name == "category") return Role::kCategory;
  if (name == "id") return Role::kId;
  return Role::kExtra;
}

// The metadata object of one row: the fields of `columns`, "" when none is
// left. A field refused for invalid UTF-8 is left out (its row is refused).
std::string metadata_json(const std::vector<std::string>& names, const std::vector<size_t>& columns,
                          const std::vector<std::string>& fields) {
  std::string out = "{";
  for (size_t i : columns) {
    if (!is_valid_utf8(fields[i])) continue;
    if (out.size() > 1) out.push_back(',');
    append_json_string(out, names[i]);
    out.push_back(':');
    append_json_string(out, fields[i]);
  }
  if (out.size() == 1) return "";
  out.push_back('}');
  return out;
}

// Where parsed rows go: all into out.rows, or, when streaming, to the sink
// every `chunk` rows (out.rows then holds at most one chunk at a time).
class RowOut {
 public:
  RowOut(ParsedDataset& out, size_t chunk, const RowSink* sink)
      : out_(out), chunk_(std::max<size_t>(chunk, 1)), sink_(sink) {}
  ParsedDataset& dataset() { return out_; }
  // At most one row per line: no vector regrowth moving every row (a tenth
  // of a 100k-row import's time before).
  void reserve(size_t lines) { out_.rows.reserve(sink_ ? std::min(lines, chunk_) : lines); }
  void add(ImportRow&& row) {
    any_category_ = any_category_ || !row.category.empty();
    out_.rows.push_back(std::move(row));
    if (sink_ && out_.rows.size() >= chunk_) flush();
  }
  void flush() {
    if (!sink_ || out_.rows.empty()) return;
    std::vector<ImportRow> full;
    full.reserve(chunk_);
    full.swap(out_.rows);
    (*sink_)(std::move(full));
  }
  bool any_category() const { return any_category_; }

 private:
  ParsedDataset& out_;
  size_t chunk_;
  const RowSink* sink_;
  bool any_category_ = false;
};

void parse_csv(std::string_view data, const ReadOptions& options, ErrorSink& errors, RowOut& rows) {
  ParsedDataset& out = rows.dataset();
  // Column names are never data, so the field limit starts after the header.
  constexpr size_t kMaxHeaderField = 4096;
  CsvReader reader(data, std::max(options.max_field_bytes, kMaxHeaderField));
  CsvRecord rec;
  std::string error;
  if (!reader.next(rec, error)) return;
  reader.set_max_field_bytes(options.max_field_bytes);
  if (!error.empty()) return errors.add(rec.line, "header: " + error);

  std::vector<std::string> names;
  std::vector<Role> roles;
  for (const std::string& raw : rec.fields) {
    std::string name = lower_trim(raw);
    if (!is_valid_utf8(name)) {
      return errors.add(rec.line, "invalid UTF-8 in the name of column " +
                                      std::to_string(names.size() + 1) + " of the header");
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      return errors.add(rec.line, "duplicate column \"" + name + "\" in header");
    }
    Role role = role_of(name);
    // Two spellings of one column (input and model_input): which one holds
    // the data is a guess, so neither is taken.
    auto same = std::find(roles.begin(), roles.end(), role);
    if (role != Role::kExtra && same != roles.end()) {
      return errors.add(rec.line, "columns \"" + names[same - roles.begin()] + "\" and \"" + name +
                                      "\" are the same column; keep one");
    }
    names.push_back(name);
    roles.push_back(role);
  }
  for (auto [role, name] :
       {std::pair{Role::kInput, "model_input"}, std::pair{Role::kOutput, "model_output"}}) {
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
      errors.add(rec.line, std::string("missing column \"") + name +
                               "\" (the header needs model_input,model_output[,good])");
    }
  }
  if (errors.count() > 0) return;
  // The other columns become metadata, a JSON object with its keys in
  // order, as nlohmann::json writes it; written directly (a json value per
  // row cost a fifth of the parsing).
  std::vector<size_t> extras;
  for (size_t i = 0; i < roles.size(); ++i) {
    if (roles[i] == Role::kExtra) extras.push_back(i);
  }
  std::sort(extras.begin(), extras.end(), [&](size_t a, size_t b) { return names[a] < names[b]; });
  out.has_category_column = std::find(roles.begin(), roles.end(), Role::kCategory) != roles.end();
  rows.reserve(static_cast<size_t>(std::count(data.begin(), data.end(), '\n')));

  while (reader.next(rec, error)) {
    if (!error.empty()) {
      errors.add(rec.line, error);
      continue;
    }
    if (rec.fields.size() == 1 && rec.fields[0].empty()) continue;  // blank line
    if (rec.fields.size() != roles.size()) {
      errors.add(rec.line, "expected " + std::to_string(roles.size()) + " fields, found " +
                               std::to_string(rec.fields.size()));
      continue;
    }
    ImportRow row;
    row.line = rec.line;
    bool ok = true;
    for (size_t i = 0; i < roles.size(); ++i) {
      std::string& f = rec.fields[i];
      switch (roles[i]) {
        case Role::kInput:
          row.model_input = std::move(f);
          break;
        case Role::kOutput:
          row.model_output = std::move(f);
          break;
        case Role::kCategory:
          row.category = std::move(f);
          break;
        case Role::kId:
          row.external_id = std::move(f);
          break;
        case Role::kGood:
          if (lower_trim(f).empty()) break;  // unlabeled
          row.label = parse_label(f);
          if (!row.label) errors.add(rec.line, bad_label_message(f)), ok = false;
          break;
        case Role::kExtra:
          if (!is_valid_utf8(f)) {
            errors.add(rec.line, "invalid UTF-8 in column \"" + names[i] + "\"");
            ok = false;
          }
          break;
      }
    }
    if (!extras.empty()) row.metadata_json = metadata_json(names, extras, rec.fields);
    if (finish_row(row, options, errors) && ok) rows.add(std::move(row));
  }
}

// Parses one JSONL line. The JSON library would silently keep the last of
// two equal keys in an object, so they are refused here (`duplicate`).
bool parse_json_line(std::string_view text, json& out, std::string& error) {
  // Hashed: a hostile line may hold an object with a million keys.
  std::vector<std::unordered_set<std::string>> keys;  // per object being read
  std::string duplicate;
  auto watch = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      keys.emplace_back();
    } else if (event == json::parse_event_t::object_end && !keys.empty()) {
      keys.pop_back();
    } else if (event == json::parse_event_t::key && !keys.empty()) {
      auto [it, fresh] = keys.back().insert(parsed.get<std::string>());
      if (!fresh && duplicate.empty()) duplicate = *it;
    }
    return true;
  };
  try {
    out = json::parse(text, watch);
  } catch (const json::parse_error& e) {
    error = "invalid JSON at column " + std::to_string(e.byte);
    return false;
  }
  if (!duplicate.empty()) {
    error = "key \"" + duplicate.substr(0, 40) + "\" appears twice in one object";
    return false;
  }
  return true;
}

std::string type_of(const json& v) {
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_boolean()) return "a boolean";
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  return "a " + std::string(v.type_name());
}

// Reads one field's value into `row`, by docs/formats.md: texts are strings,
// ids strings or integers, labels as in CSV or a bool or 1/0; null is the
// same as leaving the key out. Returns the reason when the type is wrong.
std::string read_field(Role role, const json& v, ImportRow& row) {
  if (v.is_null()) return "";
  switch (role) {
    case Role::kInput:
    case Role::kOutput:
    case Role::kCategory: {
      const char* name = role == Role::kInput    ? "model_input"
                         : role == Role::kOutput ? "model_output"
                                                 : "category";
      if (!v.is_string())
        return std::string("field \"") + name + "\" must be a string, not " + type_of(v);
      std::string& dest = role == Role::kInput    ? row.model_input
                          : role == Role::kOutput ? row.model_output
                                                  : row.category;
      dest = v.get<std::string>();
      return "";
    }
    case Role::kId:
      if (v.is_string()) {
        row.external_id = v.get<std::string>();
      } else if (v.is_number_unsigned()) {
        row.external_id = std::to_string(v.get<uint64_t>());
      } else if (v.is_number_integer()) {
        row.external_id = std::to_string(v.get<int64_t>());
      } else {
        return "field \"id\" must be a string or an integer, not " + type_of(v);
      }
      return "";
    case Role::kGood: {
      std::optional<Label> label;
      if (v.is_boolean()) label = v.get<bool>() ? Label::kGood : Label::kBad;
      if (v.is_number_integer() && (v == 0 || v == 1)) label = v == 1 ? Label::kGood : Label::kBad;
      if (v.is_string()) label = parse_label(v.get<std::string>());
      if (!label) return bad_label_message(v.dump());
      row.label = label;
      return "";
    }
    case Role::kExtra:
      break;
  }
  return "";
}

void parse_jsonl_line(std::string_view text, int line, const ReadOptions& options,
                      ErrorSink& errors, RowOut& rows) {
  if (size_t bad = find_invalid_utf8(text); bad != std::string::npos) {
    return errors.add(line, "invalid UTF-8 at byte " + std::to_string(bad));
  }
  json obj;
  std::string error;
  if (!parse_json_line(text, obj, error)) return errors.add(line, error);
  if (!obj.is_object()) return errors.add(line, "expected a JSON object");
  ImportRow row;
  row.line = line;
  json metadata = json::object();
  json unknown = json::object();
  std::map<Role, std::string> key_of;  // which spelling gave each field
  bool ok = true;
  for (auto& [key, v] : obj.items()) {
    if (key == "metadata") {
      if (v.is_object()) {
        metadata = v;
      } else if (!v.is_null()) {
        errors.add(line, "field \"metadata\" must be an object, not " + type_of(v)), ok = false;
      }
      continue;
    }
    Role role = role_of(key);
    if (role == Role::kExtra) {
      unknown[key] = v;  // kept, like extra CSV columns
      continue;
    }
    if (auto [it, fresh] = key_of.emplace(role, key); !fresh) {
      errors.add(line,
                 "keys \"" + it->second + "\" and \"" + key + "\" are the same field; keep one");
      ok = false;
      continue;
    }
    if (std::string reason = read_field(role, v, row); !reason.empty()) {
      errors.add(line, reason), ok = false;
    }
  }
  for (auto& [key, v] : unknown.items()) {
    if (metadata.contains(key)) {
      errors.add(line, "key \"" + key.substr(0, 40) + "\" is both a field and a key of metadata");
      ok = false;
    }
    metadata[key] = v;
  }
  if (!metadata.empty()) row.metadata_json = metadata.dump();
  // A field of the wrong type already explains the row; don't add "empty".
  if (ok && finish_row(row, options, errors)) rows.add(std::move(row));
}

void parse_jsonl(std::string_view data, const ReadOptions& options, ErrorSink& errors,
                 RowOut& rows) {
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  int line = 0;
  size_t pos = 0;
  while (pos < data.size()) {
    ++line;
    size_t end = data.find('\n', pos);
    if (end == std::string_view::npos) end = data.size();
    std::string_view text = data.substr(pos, end - pos);
    pos = end + 1;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (text.size() > 4 * options.max_field_bytes + 1024) {
      errors.add(line, "line is " + std::to_string(text.size()) + " bytes, over the limit");
      continue;
    }
    parse_jsonl_line(text, line, options, errors, rows);
  }
  rows.dataset().has_category_column = rows.any_category();
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

DatasetFormat detect_format(std::string_view name, std::string_view data) {
  if (ends_with(name, ".jsonl") || ends_with(name, ".ndjson")) return DatasetFormat::kJsonl;
  if (ends_with(name, ".csv")) return DatasetFormat::kCsv;
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  size_t first = data.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && data[first] == '{' ? DatasetFormat::kJsonl
                                                               : DatasetFormat::kCsv;
}

namespace {

ParsedDataset parse_into(std::string_view name, std::string_view data, DatasetFormat format,
                         const ReadOptions& options, size_t chunk_rows, const RowSink* sink) {
  ParsedDataset out;
  ErrorSink errors(name, out.errors);
  std::string_view body = data.substr(0, 3) == "\xEF\xBB\xBF" ? data.substr(3) : data;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    errors.add(1, "file is empty");
    return out;
  }
  RowOut rows(out, chunk_rows, sink);
  if (format == DatasetFormat::kCsv) {
    parse_csv(data, options, errors, rows);
  } else {
    parse_jsonl(data, options, errors, rows);
  }
  rows.flush();
  return out;
}

}  // namespace

ParsedDataset parse_dataset(std::string_view name, std::string_view data, DatasetFormat format,
                            const ReadOptions& options) {
  return parse_into(name, data, format, options, 0, nullptr);
}

ParsedDataset parse_dataset_chunks(std::string_view name, std::string_view data,
                                   DatasetFormat format, const ReadOptions& options,
                                   size_t chunk_rows, const RowSink& sink) {
  return parse_into(name, data, format, options, chunk_rows, &sink);
}

Result<std::string> read_file(const std::string& path) {
  HITLOOP_ASSIGN_OR_RETURN(FileBytes bytes, FileBytes::read(path));
  return std::string(bytes.view());
}

Result<ParsedDataset> read_dataset_file(const std::string& path, const ReadOptions& options) {
  HITLOOP_ASSIGN_OR_RETURN(FileBytes bytes, FileBytes::read(path));
  std::string_view data = bytes.view();
  return parse_dataset(path, data, detect_format(path, data), options);
}

}  // namespace hitloop
