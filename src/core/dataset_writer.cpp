// Writing the export format. CSV follows the reference recipe exactly
// (model_input,model_output,good[,category]); JSONL also carries ids and
// metadata so that nothing a caller attached is lost.
#include <nlohmann/json.hpp>

#include "core/csv.h"
#include "core/dataset.h"

namespace hitloop {

void append_export_header(std::string& out, DatasetFormat format, bool with_category) {
  if (format != DatasetFormat::kCsv) return;
  out.append(with_category ? "model_input,model_output,good,category\r\n"
                           : "model_input,model_output,good\r\n");
}

void append_export_row(std::string& out, DatasetFormat format, bool with_category,
                       const ExportRow& row) {
  const Session& s = *row.session;
  if (format == DatasetFormat::kCsv) {
    std::string_view good = !row.label ? "" : (*row.label == Label::kGood ? "1" : "0");
    std::vector<std::string_view> fields{s.model_input, s.model_output, good};
    if (with_category) fields.push_back(s.category);
    append_csv_row(out, fields);
    return;
  }
  nlohmann::ordered_json obj;
  obj["model_input"] = s.model_input;
  obj["model_output"] = s.model_output;
  obj["good"] = row.label ? nlohmann::ordered_json(label_value(*row.label)) : nullptr;
  if (!s.category.empty()) obj["category"] = s.category;
  if (!s.external_id.empty()) obj["id"] = s.external_id;
  if (!s.metadata_json.empty()) obj["metadata"] = nlohmann::json::parse(s.metadata_json);
  out.append(obj.dump());
  out.push_back('\n');
}

}  // namespace hitloop
