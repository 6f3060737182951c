#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "core/dataset.h"
#include "demo/ecommerce_data.h"

namespace hitloop {
namespace {

TEST(ExampleData, TheBundledFileIsWhatTheGeneratorProduces) {
  std::ifstream f(std::string(HITLOOP_SOURCE_DIR) + "/examples/ecommerce_support.csv",
                  std::ios::binary);
  ASSERT_TRUE(f) << "examples/ecommerce_support.csv is missing";
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_EQ(ss.str(), demo::to_csv(demo::generate_ecommerce_sessions(400, 7)))
      << "regenerate with: hitloop example-data -o examples/ecommerce_support.csv";
}

TEST(ExampleData, IsDeterministicAndParsesCleanly) {
  std::string a = demo::to_csv(demo::generate_ecommerce_sessions(300, 11));
  EXPECT_EQ(a, demo::to_csv(demo::generate_ecommerce_sessions(300, 11)));
  EXPECT_NE(a, demo::to_csv(demo::generate_ecommerce_sessions(300, 12)));
  ParsedDataset p = parse_dataset("gen.csv", a, DatasetFormat::kCsv, ReadOptions{});
  ASSERT_TRUE(p.errors.empty()) << p.errors[0];
  ASSERT_EQ(p.rows.size(), 300u);
}

TEST(ExampleData, HasBothClassesInEveryCategoryAndFailuresOnlyOnBadRows) {
  auto sessions = demo::generate_ecommerce_sessions(400, 7);
  std::map<std::string, std::pair<int, int>> per_category;  // good, bad
  for (const auto& s : sessions) {
    (s.good ? per_category[s.category].first : per_category[s.category].second)++;
    EXPECT_EQ(s.good, s.failure.empty()) << s.id;
  }
  EXPECT_GE(per_category.size(), 4u);
  for (const auto& [cat, counts] : per_category) {
    EXPECT_GT(counts.first, 0) << cat;
    EXPECT_GT(counts.second, 0) << cat;
  }
}

}  // namespace
}  // namespace hitloop
