// What docs/formats.md promises about import headers and JSONL types: two
// spellings of one column, or a value of the wrong type, refuse the file
// rather than keep one of them silently.
#include <gtest/gtest.h>

#include "core/dataset.h"

namespace hitloop {
namespace {

ParsedDataset csv(std::string_view data) {
  return parse_dataset("f.csv", data, DatasetFormat::kCsv, ReadOptions{});
}

ParsedDataset jsonl(std::string_view data) {
  return parse_dataset("f.jsonl", data, DatasetFormat::kJsonl, ReadOptions{});
}

std::string only_error(const ParsedDataset& p) {
  EXPECT_EQ(p.errors.size(), 1u);
  EXPECT_TRUE(p.rows.empty());
  return p.errors.empty() ? "" : p.errors[0];
}

TEST(Import, RefusesAHeaderWithBothInputAndModelInput) {
  EXPECT_EQ(only_error(csv("input,model_input,model_output\na,b,c\n")),
            "f.csv:1: columns \"input\" and \"model_input\" are the same column; keep one");
  ParsedDataset alone = csv("input,output,label\na,b,1\n");
  ASSERT_TRUE(alone.errors.empty()) << alone.errors[0];
  EXPECT_EQ(alone.rows.at(0).model_input, "a");
}

TEST(Import, RefusesAHeaderWithBothOutputAndModelOutputOrLabelAndGood) {
  EXPECT_EQ(only_error(csv("model_input,Model_Output,output\na,b,c\n")),
            "f.csv:1: columns \"model_output\" and \"output\" are the same column; keep one");
  EXPECT_EQ(only_error(csv("model_input,model_output,good,label\na,b,1,0\n")),
            "f.csv:1: columns \"good\" and \"label\" are the same column; keep one");
}

TEST(Import, RefusesAJsonlObjectWithBothInputAndModelInput) {
  EXPECT_EQ(only_error(jsonl(R"({"model_output":"o","input":"a","model_input":"b"})")),
            "f.jsonl:1: keys \"input\" and \"model_input\" are the same field; keep one");
}

TEST(Import, RefusesAJsonlObjectWithBothOutputAndModelOutputOrLabelAndGood) {
  EXPECT_EQ(only_error(jsonl(R"({"input":"a","output":"x","model_output":"y"})")),
            "f.jsonl:1: keys \"model_output\" and \"output\" are the same field; keep one");
  EXPECT_EQ(only_error(jsonl(R"({"input":"a","output":"x","good":1,"label":0})")),
            "f.jsonl:1: keys \"good\" and \"label\" are the same field; keep one");
}

TEST(Import, RefusesAJsonlObjectWithTheSameKeyTwice) {
  EXPECT_EQ(only_error(jsonl(R"({"input":"a","output":"x","input":"b"})")),
            "f.jsonl:1: key \"input\" appears twice in one object");
}

TEST(Import, RefusesANumberAsJsonlInputInsteadOfStoringItsText) {
  EXPECT_EQ(only_error(jsonl(R"({"input":1,"output":"x"})")),
            "f.jsonl:1: field \"model_input\" must be a string, not an integer");
  EXPECT_EQ(only_error(jsonl(R"({"input":"a","model_output":true})")),
            "f.jsonl:1: field \"model_output\" must be a string, not a boolean");
}

TEST(Import, RefusesACategoryThatIsNotAString) {
  EXPECT_EQ(only_error(jsonl(R"({"input":"a","output":"x","category":7})")),
            "f.jsonl:1: field \"category\" must be a string, not an integer");
}

TEST(Import, AcceptsAStringOrIntegerIdAndRefusesOtherTypes) {
  ParsedDataset p = jsonl(R"({"input":"a","output":"x","id":"k1"})"
                          "\n"
                          R"({"input":"a","output":"x","id":18446744073709551615})");
  ASSERT_TRUE(p.errors.empty()) << p.errors[0];
  EXPECT_EQ(p.rows[0].external_id, "k1");
  EXPECT_EQ(p.rows[1].external_id, "18446744073709551615");
  EXPECT_EQ(only_error(jsonl(R"({"input":"a","output":"x","id":true})")),
            "f.jsonl:1: field \"id\" must be a string or an integer, not a boolean");
  EXPECT_EQ(only_error(jsonl(R"({"input":"a","output":"x","id":1.5})")),
            "f.jsonl:1: field \"id\" must be a string or an integer, not a number");
}

TEST(Import, RefusesMetadataThatIsNotAnObject) {
  EXPECT_EQ(only_error(jsonl(R"({"input":"a","output":"x","metadata":"k=v"})")),
            "f.jsonl:1: field \"metadata\" must be an object, not a string");
}

TEST(Import, RefusesAnUnknownKeyThatAlsoAppearsInMetadata) {
  EXPECT_EQ(only_error(jsonl(R"({"input":"a","output":"x","lang":"en","metadata":{"lang":"fr"}})")),
            "f.jsonl:1: key \"lang\" is both a field and a key of metadata");
}

}  // namespace
}  // namespace hitloop
