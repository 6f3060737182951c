#include "core/csv.h"

#include <cstring>

namespace hitloop {

CsvReader::CsvReader(std::string_view data, size_t max_field_bytes)
    : data_(data), max_field_bytes_(max_field_bytes) {
  if (data_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

void CsvReader::skip_to_next_line() {
  while (pos_ < data_.size() && data_[pos_] != '\n') ++pos_;
  if (pos_ < data_.size()) {
    ++pos_;
    ++line_;
  }
}

bool CsvReader::next(CsvRecord& out, std::string& error) {
  out.fields.clear();
  error.clear();
  if (pos_ >= data_.size()) return false;
  out.line = line_;
  const size_t n = data_.size();
  std::string field;
  while (true) {
    field.clear();
    if (pos_ < n && data_[pos_] == '"') {
      ++pos_;
      while (true) {
        // Copy the run up to the next quote in one go: fields are often long.
        const char* start = data_.data() + pos_;
        const void* q = std::memchr(start, '"', n - pos_);
        if (q == nullptr) {
          error = "unterminated quoted field (opened here)";
          pos_ = n;
          return true;
        }
        size_t len = static_cast<const char*>(q) - start;
        std::string_view run(start, len);
        for (char c : run) line_ += (c == '\n');
        field.append(run);
        pos_ += len + 1;
        if (pos_ < n && data_[pos_] == '"') {  // "" is an escaped quote
          field.push_back('"');
          ++pos_;
          continue;
        }
        break;
      }
      if (pos_ < n && data_[pos_] != ',' && data_[pos_] != '\n' && data_[pos_] != '\r') {
        error = "unexpected character after closing quote";
        skip_to_next_line();
        return true;
      }
    } else {
      size_t start = pos_;
      while (pos_ < n && data_[pos_] != ',' && data_[pos_] != '\n') {
        if (data_[pos_] == '"') {
          error = "quote inside an unquoted field (quote the whole field and double the quote)";
          skip_to_next_line();
          return true;
        }
        ++pos_;
      }
      size_t end = pos_;
      if (end > start && data_[end - 1] == '\r' && (pos_ == n || data_[pos_] == '\n')) --end;
      field.assign(data_.substr(start, end - start));
    }
    if (field.size() > max_field_bytes_) {
      error = "field " + std::to_string(out.fields.size() + 1) + " is " +
              std::to_string(field.size()) + " bytes, over the limit of " +
              std::to_string(max_field_bytes_);
      skip_to_next_line();
      return true;
    }
    out.fields.push_back(std::move(field));
    if (pos_ < n && data_[pos_] == ',') {
      ++pos_;
      continue;
    }
    // End of record: CRLF, LF or end of input.
    if (pos_ < n && data_[pos_] == '\r') ++pos_;
    if (pos_ < n && data_[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
    return true;
  }
}

void append_csv_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_csv_row(std::string& out, const std::vector<std::string_view>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_csv_field(out, fields[i]);
  }
  out.append("\r\n");
}

}  // namespace hitloop
