#include "core/csv.h"

#include <gtest/gtest.h>

namespace hitloop {
namespace {

std::vector<CsvRecord> read_all(std::string_view data, std::vector<std::string>* errors = nullptr) {
  CsvReader reader(data, 1 << 20);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  std::string error;
  while (reader.next(rec, error)) {
    if (!error.empty()) {
      if (errors) errors->push_back(std::to_string(rec.line) + ": " + error);
      continue;
    }
    out.push_back(rec);
  }
  return out;
}

TEST(Csv, ReadsQuotedNewlinesAndCountsLinesFromTheRecordStart) {
  auto recs = read_all("a,b\n\"line1\nline2\",x\nlast,y\n");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[1].fields[0], "line1\nline2");
  EXPECT_EQ(recs[1].line, 2);
  EXPECT_EQ(recs[2].line, 4);
}

TEST(Csv, UnescapesDoubledQuotes) {
  auto recs = read_all("\"she said \"\"hi\"\"\",\"\"\n");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].fields[0], "she said \"hi\"");
  EXPECT_EQ(recs[0].fields[1], "");
}

TEST(Csv, SkipsTheByteOrderMark) {
  auto recs = read_all("\xEF\xBB\xBFmodel_input,good\n");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].fields[0], "model_input");
}

TEST(Csv, AcceptsCrlfAndKeepsCrInsideQuotes) {
  auto recs = read_all("a,b\r\n\"x\r\ny\",z\r\n");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].fields[1], "b");
  EXPECT_EQ(recs[1].fields[0], "x\r\ny");
  EXPECT_EQ(recs[1].fields[1], "z");
}

TEST(Csv, ReadsALastRecordWithoutNewline) {
  auto recs = read_all("a,b\nc,d");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].fields[1], "d");
}

TEST(Csv, ReportsAnUnterminatedQuoteAtTheLineItOpens) {
  std::vector<std::string> errors;
  read_all("a,b\nc,\"open\nmore\n", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].substr(0, 3), "2: ");
  EXPECT_NE(errors[0].find("unterminated"), std::string::npos);
}

TEST(Csv, ReportsTextAfterAClosingQuoteAndResumesOnTheNextLine) {
  std::vector<std::string> errors;
  auto recs = read_all("\"a\"x,b\nc,d\n", &errors);
  ASSERT_EQ(errors.size(), 1u);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].fields[0], "c");
  EXPECT_EQ(recs[0].line, 2);
}

TEST(Csv, RejectsAFieldOverTheSizeLimit) {
  CsvReader reader("short,0123456789\n", 5);
  CsvRecord rec;
  std::string error;
  ASSERT_TRUE(reader.next(rec, error));
  EXPECT_NE(error.find("over the limit of 5"), std::string::npos);
}

TEST(Csv, WriterQuotesOnlyWhenNeededAndRoundTrips) {
  std::string out;
  append_csv_row(out, {"plain", "a,b", "say \"x\"", "two\nlines"});
  EXPECT_EQ(out, "plain,\"a,b\",\"say \"\"x\"\"\",\"two\nlines\"\r\n");
  auto recs = read_all(out);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].fields, (std::vector<std::string>{"plain", "a,b", "say \"x\"", "two\nlines"}));
}

}  // namespace
}  // namespace hitloop
