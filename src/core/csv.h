// RFC 4180 CSV: a streaming reader over an in-memory buffer that reports the
// line each record starts on, and a writer with minimal quoting.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hitloop {

struct CsvRecord {
  std::vector<std::string> fields;
  int line = 0;  // 1-based line where the record starts
};

class CsvReader {
 public:
  // `data` must outlive the reader. A leading UTF-8 BOM is skipped; records
  // may end in LF or CRLF; quoted fields may hold separators, quotes ("")
  // and line breaks.
  CsvReader(std::string_view data, size_t max_field_bytes);

  // Reads the next record into `out`. Returns false at end of input. When
  // the record is malformed, returns true with `error` set (and `out.line`
  // naming the line); the reader then resumes at the next line.
  bool next(CsvRecord& out, std::string& error);

  void set_max_field_bytes(size_t n) { max_field_bytes_ = n; }

 private:
  void skip_to_next_line();

  std::string_view data_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t max_field_bytes_;
};

// Appends `field`, quoted only when it holds a comma, quote, CR or LF.
void append_csv_field(std::string& out, std::string_view field);
// Appends the fields separated by commas and a CRLF terminator.
void append_csv_row(std::string& out, const std::vector<std::string_view>& fields);

}  // namespace hitloop
