#include "core/dataset.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/csv.h"
#include "core/file_bytes.h"

namespace hitloop {
namespace {

ParsedDataset parse_csv(std::string_view data, size_t limit = 1 << 20) {
  ReadOptions o;
  o.max_field_bytes = limit;
  return parse_dataset("f.csv", data, DatasetFormat::kCsv, o);
}

ParsedDataset parse_jsonl(std::string_view data) {
  return parse_dataset("f.jsonl", data, DatasetFormat::kJsonl, ReadOptions{});
}

TEST(Dataset, ReadsLabelsCategoriesIdsAndExtraColumnsAsMetadata) {
  auto p = parse_csv(
      "id,model_input,model_output,good,category,channel\n"
      "a1,hi,hello,1,greeting,web\n"
      "a2,where?,no idea,bad,,app\n"
      "a3,q,r,,,\n");
  ASSERT_TRUE(p.errors.empty()) << p.errors[0];
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_EQ(p.rows[0].external_id, "a1");
  EXPECT_EQ(p.rows[0].category, "greeting");
  EXPECT_EQ(p.rows[0].label, Label::kGood);
  EXPECT_EQ(p.rows[0].metadata_json, R"({"channel":"web"})");
  EXPECT_EQ(p.rows[1].label, Label::kBad);
  EXPECT_FALSE(p.rows[2].label.has_value());
  EXPECT_TRUE(p.has_category_column);
}

TEST(Dataset, StreamingHandsOverTheSameRowsInFileOrderAndChunks) {
  for (DatasetFormat format : {DatasetFormat::kCsv, DatasetFormat::kJsonl}) {
    std::string data =
        format == DatasetFormat::kCsv ? "model_input,model_output,good,category\n" : "";
    for (int i = 0; i < 7; ++i) {
      std::string in = "q" + std::to_string(i), out = i == 4 ? "" : "a" + std::to_string(i);
      data += format == DatasetFormat::kCsv
                  ? in + "," + out + ",1," + (i == 2 ? "c" : "") + "\n"
                  : R"({"input":")" + in + R"(","output":")" + out + R"(","good":1)" +
                        (i == 2 ? R"(,"category":"c")" : "") + "}\n";
    }
    ParsedDataset whole = parse_dataset("f", data, format, ReadOptions{});
    std::vector<size_t> sizes;
    std::vector<ImportRow> streamed;
    ParsedDataset rest = parse_dataset_chunks("f", data, format, ReadOptions{}, 2,
                                              [&](std::vector<ImportRow>&& rows) {
                                                sizes.push_back(rows.size());
                                                for (ImportRow& r : rows) streamed.push_back(r);
                                              });
    EXPECT_TRUE(rest.rows.empty());
    EXPECT_EQ(rest.errors, whole.errors);  // row 5's empty output, named once
    ASSERT_EQ(whole.errors.size(), 1u);
    EXPECT_TRUE(rest.has_category_column);
    EXPECT_EQ(sizes, (std::vector<size_t>{2, 2, 2}));  // 6 good rows of 7
    ASSERT_EQ(streamed.size(), whole.rows.size());
    for (size_t i = 0; i < streamed.size(); ++i) {
      EXPECT_EQ(streamed[i].line, whole.rows[i].line);
      EXPECT_EQ(streamed[i].model_input, whole.rows[i].model_input);
      EXPECT_EQ(streamed[i].category, whole.rows[i].category);
    }
  }
}

TEST(Dataset, AcceptsEveryDocumentedLabelSpelling) {
  auto p = parse_csv("model_input,model_output,good\na,b,TRUE\na,b,false\na,b,Good\na,b,0\n");
  ASSERT_TRUE(p.errors.empty());
  ASSERT_EQ(p.rows.size(), 4u);
  EXPECT_EQ(p.rows[0].label, Label::kGood);
  EXPECT_EQ(p.rows[1].label, Label::kBad);
  EXPECT_EQ(p.rows[2].label, Label::kGood);
  EXPECT_EQ(p.rows[3].label, Label::kBad);
}

TEST(Dataset, NamesTheLineOfAnUnrecognisedLabel) {
  auto p = parse_csv("model_input,model_output,good\na,b,1\n\"multi\nline\",b,maybe\n");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].rfind("f.csv:3: unrecognised label \"maybe\"", 0), 0u) << p.errors[0];
}

TEST(Dataset, RejectsAHeaderWithoutModelOutput) {
  auto p = parse_csv("model_input,good\na,1\n");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_NE(p.errors[0].find("f.csv:1: missing column \"model_output\""), std::string::npos);
}

TEST(Dataset, RejectsEmptyInputOrOutput) {
  auto p = parse_csv("model_input,model_output\n,x\ny,\n");
  ASSERT_EQ(p.errors.size(), 2u);
  EXPECT_EQ(p.errors[0], "f.csv:2: empty model_input");
  EXPECT_EQ(p.errors[1], "f.csv:3: empty model_output");
}

TEST(Dataset, RejectsInvalidUtf8WithItsLine) {
  auto p = parse_csv("model_input,model_output\nok,fine\nbad \xC3\x28 bytes,x\n");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].rfind("f.csv:3: invalid UTF-8 in model_input", 0), 0u) << p.errors[0];
}

TEST(Dataset, RejectsARowWithTheWrongNumberOfFields) {
  auto p = parse_csv("model_input,model_output\na,b,c\n");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0], "f.csv:2: expected 2 fields, found 3");
}

TEST(Dataset, RejectsAFieldOverTheConfiguredLimit) {
  auto p = parse_csv("model_input,model_output\nshort,this output is long\n", 10);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_NE(p.errors[0].find("f.csv:2:"), std::string::npos);
  EXPECT_NE(p.errors[0].find("over the limit of 10"), std::string::npos);
}

TEST(Dataset, RejectsAnEmptyFile) {
  auto p = parse_csv("");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0], "f.csv:1: file is empty");
  EXPECT_EQ(parse_jsonl("\xEF\xBB\xBF\n").errors.size(), 1u);
}

TEST(Dataset, SkipsBlankLines) {
  auto p = parse_csv("model_input,model_output\n\na,b\n\n");
  ASSERT_TRUE(p.errors.empty());
  EXPECT_EQ(p.rows.size(), 1u);
}

TEST(Dataset, ReadsJsonlWithBothKeySpellingsAndKeepsUnknownKeys) {
  auto p = parse_jsonl(R"({"input":"hi","output":"hello","good":true,"id":7,"lang":"en"})"
                       "\n\n"
                       R"({"model_input":"a","model_output":"b","good":"bad","metadata":{"k":1}})"
                       "\r\n");
  ASSERT_TRUE(p.errors.empty()) << p.errors[0];
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].external_id, "7");
  EXPECT_EQ(p.rows[0].label, Label::kGood);
  EXPECT_EQ(p.rows[0].metadata_json, R"({"lang":"en"})");
  EXPECT_EQ(p.rows[1].line, 3);
  EXPECT_EQ(p.rows[1].label, Label::kBad);
  EXPECT_EQ(p.rows[1].metadata_json, R"({"k":1})");
}

TEST(Dataset, ReportsMalformedJsonAndWrongTypesByLine) {
  auto p = parse_jsonl(
      "{\"input\":\"a\",\"output\":\"b\"}\n{\"input\": \n[1]\n"
      "{\"input\":5.5,\"output\":\"b\"}\n");
  ASSERT_EQ(p.errors.size(), 3u);
  EXPECT_EQ(p.errors[0].rfind("f.jsonl:2: invalid JSON", 0), 0u);
  EXPECT_EQ(p.errors[1], "f.jsonl:3: expected a JSON object");
  EXPECT_EQ(p.errors[2].rfind("f.jsonl:4: field \"model_input\" must be a string", 0), 0u);
}

TEST(Dataset, DetectsTheFormatFromTheNameThenTheContent) {
  EXPECT_EQ(detect_format("x.jsonl", "a,b"), DatasetFormat::kJsonl);
  EXPECT_EQ(detect_format("x.csv", "{"), DatasetFormat::kCsv);
  EXPECT_EQ(detect_format("x.txt", "\n  {\"a\":1}"), DatasetFormat::kJsonl);
  EXPECT_EQ(detect_format("x.txt", "model_input"), DatasetFormat::kCsv);
}

TEST(Dataset, ReadFileRejectsAMissingPathAndADirectory) {
  auto missing = read_dataset_file("/nonexistent/file.csv", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("No such file"), std::string::npos);
  auto dir = read_dataset_file(testing::TempDir(), {});
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.status().message().find("is a directory"), std::string::npos);
}

TEST(Dataset, CsvMetadataIsTheJsonObjectThatNlohmannWritesForTheExtraColumns) {
  // Every byte JSON escapes, and some it does not (DEL, UTF-8).
  std::string tricky = "q\" b\\ \b\f\n\r\t \x01\x1f\x7f caf\xC3\xA9 \xF0\x9F\x98\x80";
  std::string csv = "model_input,zeta,model_output,Alpha,\"b\"\"k\"\r\nin,";
  append_csv_field(csv, tricky);
  csv += ",out,,x\r\n";
  ParsedDataset p = parse_csv(csv);
  ASSERT_TRUE(p.errors.empty()) << p.errors[0];
  ASSERT_EQ(p.rows.size(), 1u);
  nlohmann::json expected = {{"zeta", tricky}, {"alpha", ""}, {"b\"k", "x"}};
  EXPECT_EQ(p.rows[0].metadata_json, expected.dump());
}

TEST(Dataset, RefusesAColumnNameThatIsNotUtf8) {
  ParsedDataset p = parse_csv("model_input,model_output,caf\xC3\r\na,b,c\r\n");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0], "f.csv:1: invalid UTF-8 in the name of column 3 of the header");
  EXPECT_TRUE(p.rows.empty());
}

TEST(Dataset, FileBytesHoldsEveryByteOfTheFileAndNothingMore) {
  const std::string path = testing::TempDir() + "/file_bytes.csv";
  const std::string content("a,b\r\nx\0y,\"z\"\n", 13);
  std::ofstream(path, std::ios::binary) << content;
  auto bytes = FileBytes::read(path);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  EXPECT_EQ(bytes->view(), content);
  FileBytes moved = std::move(bytes).value();
  EXPECT_EQ(moved.view(), content);

  std::ofstream(path, std::ios::binary | std::ios::trunc).flush();
  auto empty = FileBytes::read(path);
  ASSERT_TRUE(empty.ok()) << empty.status().message();
  EXPECT_TRUE(empty->view().empty());
  auto missing = FileBytes::read("/nonexistent/file.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().is_invalid_argument());
}

TEST(Dataset, ExportedCsvParsesBackToTheSameRows) {
  Session s;
  s.model_input = "say \"hi\", please";
  s.model_output = "line one\nline two";
  s.category = "greeting";
  std::string out;
  append_export_header(out, DatasetFormat::kCsv, true);
  append_export_row(out, DatasetFormat::kCsv, true, {&s, Label::kGood});
  EXPECT_EQ(out,
            "model_input,model_output,good,category\r\n"
            "\"say \"\"hi\"\", please\",\"line one\nline two\",1,greeting\r\n");
  auto p = parse_csv(out);
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].model_input, s.model_input);
  EXPECT_EQ(p.rows[0].model_output, s.model_output);
  EXPECT_EQ(p.rows[0].label, Label::kGood);
}

}  // namespace
}  // namespace hitloop
