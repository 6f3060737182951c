// What --json prints is read by people and scripts: figures without float
// noise (0.683077, not 0.683076923076923; 0, not -6.47e-17). A model's
// score is data, not a figure: it keeps full precision.
#include <gtest/gtest.h>

#include <regex>

#include "run.h"

namespace hitloop::e2e {
namespace {

namespace fs = std::filesystem;

// Numbers with more than six decimals, or in exponent form (strings, such
// as checksums, and scores left out).
std::string noisy_numbers(const std::string& text) {
  static const std::regex scores(R"("score":-?[0-9.eE+-]+)");
  static const std::regex strings(R"("([^"\\]|\\.)*")");
  static const std::regex noisy(R"((-?\d+\.\d{7,}|-?\d(\.\d+)?[eE][-+]?\d+))");
  std::string json = std::regex_replace(std::regex_replace(text, scores, ""), strings, "\"\"");
  std::string found;
  for (std::sregex_iterator it(json.begin(), json.end(), noisy), end; it != end; ++it) {
    found += it->str() + " ";
  }
  return found;
}

TEST(JsonOutput, CommandsPrintFiguresWithAtMostSixDecimals) {
  fs::path dir = fresh_dir("json_output");
  std::string db = (dir / "h.db").string();
  std::string data = std::string(HITLOOP_SOURCE_DIR) + "/examples/ecommerce_support.csv";
  ASSERT_EQ(run_hitloop({"--db", db, "import", data}).exit_code, 0);
  std::vector<std::vector<std::string>> commands = {
      {"train", "--json"},
      {"models", "list", "--json"},
      {"models", "show", "v1", "--json"},
      {"stats", "--json"},
      {"eval", "--data", data, "--json"},
      {"predict", "--input", "Where is my order?", "--output", "It shipped today.", "--json"},
      {"report", "--json"}};
  for (auto args : commands) {
    args.insert(args.begin(), {"--db", db});
    RunResult r = run_hitloop(args);
    ASSERT_EQ(r.exit_code, 0) << args[2] << ": " << r.err;
    ASSERT_FALSE(r.out.empty()) << args[2];
    EXPECT_EQ(noisy_numbers(r.out), "") << args[2] << " printed " << r.out;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hitloop::e2e
