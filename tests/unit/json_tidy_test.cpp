#include "core/json_tidy.h"

#include <gtest/gtest.h>

namespace hitloop {
namespace {

TEST(JsonTidy, PrintsFiguresWithoutFloatNoise) {
  nlohmann::ordered_json j = {{"a", 0.1 + 0.2}, {"b", 0.14860400000000001}, {"c", -6.47e-17}};
  EXPECT_EQ(tidy_dump(j), R"({"a":0.3,"b":0.148604,"c":0})");
}

TEST(JsonTidy, KeepsKeyOrderEscapesStringsAndWritesNullsAndBooleans) {
  nlohmann::ordered_json j = {{"z", "a\"b"}, {"a", nullptr}, {"m", true}};
  EXPECT_EQ(tidy_dump(j), R"({"z":"a\"b","a":null,"m":true})");
}

TEST(JsonTidy, LeavesIntegersStringsAndLargeFiguresAlone) {
  nlohmann::json j = {{"n", 1764000000000LL}, {"s", "0.30000000000000004"}, {"big", 1.5e12 + 0.25}};
  tidy_numbers(j);
  EXPECT_EQ(j["n"].get<int64_t>(), 1764000000000LL);
  EXPECT_EQ(j["s"], "0.30000000000000004");
  EXPECT_EQ(j["big"].get<double>(), 1.5e12 + 0.25);
}

TEST(JsonTidy, ReachesNumbersNestedInArraysAndObjects) {
  nlohmann::json j = {{"rows", {{{"x", 0.1 + 0.7}}, 1e-9}}};
  EXPECT_EQ(tidy_dump(j), R"({"rows":[{"x":0.8},0]})");
}

TEST(JsonTidy, WritesScoresAtFullPrecisionInTheirShortestForm) {
  const double score = 0.7310585786300049;  // sigmoid(1)
  nlohmann::ordered_json j = {
      {"score", score}, {"auroc", 0.1 + 0.2}, {"results", {{{"score", 1.0 / 3}}}}};
  std::string text = tidy_dump(j);
  EXPECT_EQ(text,
            R"({"score":0.7310585786300049,"auroc":0.3,"results":[{"score":0.3333333333333333}]})");
  EXPECT_EQ(nlohmann::json::parse(text)["score"].get<double>(), score);
}

}  // namespace
}  // namespace hitloop
