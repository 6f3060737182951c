// Reading dataset files. Both formats share one validation step
// (`finish_row`) so that CSV and JSONL accept and reject the same things.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/csv.h"
#include "core/dataset.h"
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

void parse_csv(std::string_view data, const ReadOptions& options, ErrorSink& errors,
               ParsedDataset& out) {
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
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      return errors.add(rec.line, "duplicate column \"" + name + "\" in header");
    }
    names.push_back(name);
    roles.push_back(role_of(name));
  }
  for (auto [role, name] :
       {std::pair{Role::kInput, "model_input"}, std::pair{Role::kOutput, "model_output"}}) {
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
      errors.add(rec.line, std::string("missing column \"") + name +
                               "\" (the header needs model_input,model_output[,good])");
    }
  }
  if (errors.count() > 0) return;
  out.has_category_column = std::find(roles.begin(), roles.end(), Role::kCategory) != roles.end();

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
    json extra = json::object();
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
          } else {
            extra[names[i]] = std::move(f);
          }
          break;
      }
    }
    if (!extra.empty()) row.metadata_json = extra.dump();
    if (finish_row(row, options, errors) && ok) out.rows.push_back(std::move(row));
  }
}

// A JSON scalar as text: ids may be numbers, labels may be bools.
bool scalar_text(const json& v, std::string& out) {
  if (v.is_string()) return out = v.get<std::string>(), true;
  if (v.is_number_integer()) return out = std::to_string(v.get<int64_t>()), true;
  if (v.is_boolean()) return out = v.get<bool>() ? "true" : "false", true;
  return false;
}

void parse_jsonl_line(std::string_view text, int line, const ReadOptions& options,
                      ErrorSink& errors, ParsedDataset& out) {
  if (size_t bad = find_invalid_utf8(text); bad != std::string::npos) {
    return errors.add(line, "invalid UTF-8 at byte " + std::to_string(bad));
  }
  json obj;
  try {
    obj = json::parse(text);
  } catch (const json::parse_error& e) {
    return errors.add(line, "invalid JSON at column " + std::to_string(e.byte));
  }
  if (!obj.is_object()) return errors.add(line, "expected a JSON object");
  ImportRow row;
  row.line = line;
  json metadata = json::object();
  bool ok = true;
  auto string_field = [&](const char* key, const json& v, std::string& dest) {
    if (!v.is_null() && !scalar_text(v, dest)) {
      errors.add(line, std::string("field \"") + key + "\" must be a string");
      ok = false;
    }
  };
  for (auto& [key, v] : obj.items()) {
    if (key == "input" || key == "model_input")
      string_field("model_input", v, row.model_input);
    else if (key == "output" || key == "model_output")
      string_field("model_output", v, row.model_output);
    else if (key == "category")
      string_field("category", v, row.category);
    else if (key == "id")
      string_field("id", v, row.external_id);
    else if (key == "good" || key == "label") {
      std::string text;
      if (v.is_null()) continue;
      if (!scalar_text(v, text) || !(row.label = parse_label(text))) {
        errors.add(line, bad_label_message(v.dump()));
        ok = false;
      }
    } else if (key == "metadata") {
      if (v.is_null()) continue;
      if (!v.is_object()) {
        errors.add(line, "field \"metadata\" must be an object");
        ok = false;
      } else {
        metadata.update(v);
      }
    } else {
      metadata[key] = v;  // unknown fields are kept, like extra CSV columns
    }
  }
  if (!metadata.empty()) row.metadata_json = metadata.dump();
  // A field of the wrong type already explains the row; don't add "empty".
  if (ok && finish_row(row, options, errors)) out.rows.push_back(std::move(row));
}

void parse_jsonl(std::string_view data, const ReadOptions& options, ErrorSink& errors,
                 ParsedDataset& out) {
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
    parse_jsonl_line(text, line, options, errors, out);
  }
  out.has_category_column = std::any_of(out.rows.begin(), out.rows.end(),
                                        [](const ImportRow& r) { return !r.category.empty(); });
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

ParsedDataset parse_dataset(std::string_view name, std::string_view data, DatasetFormat format,
                            const ReadOptions& options) {
  ParsedDataset out;
  ErrorSink errors(name, out.errors);
  std::string_view body = data.substr(0, 3) == "\xEF\xBB\xBF" ? data.substr(3) : data;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    errors.add(1, "file is empty");
    return out;
  }
  if (format == DatasetFormat::kCsv) {
    parse_csv(data, options, errors, out);
  } else {
    parse_jsonl(data, options, errors, out);
  }
  return out;
}

Result<std::string> read_file(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return InvalidArgument(path + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) return InvalidArgument(path + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(path + ": cannot open: " + std::strerror(errno));
  std::string data;
  data.resize(static_cast<size_t>(st.st_size));
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (!in && !in.eof()) return IoError(path + ": read failed");
  data.resize(static_cast<size_t>(in.gcount()));
  return data;
}

Result<ParsedDataset> read_dataset_file(const std::string& path, const ReadOptions& options) {
  HITLOOP_ASSIGN_OR_RETURN(std::string data, read_file(path));
  return parse_dataset(path, data, detect_format(path, data), options);
}

}  // namespace hitloop
