// Runs every command example of README.md and docs/*.md against the built
// binary, page by page, each page in a fresh directory with the files its
// examples name (sessions.csv, holdout.csv, a checkpoint folder...). A
// command must exit as the page implies (0 unless a directive says
// otherwise), and where the page shows a JSON answer, the real answer must
// carry the same fields.
#include "doc_examples.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace hitloop::docs {
namespace {

namespace fs = std::filesystem;
const fs::path kSource = HITLOOP_SOURCE_DIR;

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> pages() {
  std::vector<std::string> out = {"README.md"};
  std::vector<std::string> docs;
  for (const auto& e : fs::directory_iterator(kSource / "docs")) {
    if (e.path().extension() == ".md") docs.push_back("docs/" + e.path().filename().string());
  }
  std::sort(docs.begin(), docs.end());
  out.insert(out.end(), docs.begin(), docs.end());
  return out;
}

// The files the examples refer to, as a reader would have them.
void prepare(const fs::path& dir) {
  fs::create_directories(dir / "home");
  fs::path examples = kSource / "examples" / "ecommerce_support.csv";
  fs::copy_file(examples, dir / "sessions.csv");
  fs::copy_file(examples, dir / "labels.csv");
  fs::path checkpoint = kSource / "tests/fixtures/hf-encoders/tiny-distilbert";
  for (const char* name : {"distilbert-base-uncased", "any-hf-2-label-checkpoint"}) {
    fs::copy(checkpoint, dir / name, fs::copy_options::recursive);
  }
}

// One bash script for the page: commands run in order in one shell, so
// that `KEY=$(hitloop keys create ...)` carries to the next command.
std::string script(const Page& page, const fs::path& dir) {
  std::string bin_dir = fs::path(HITLOOP_BIN).parent_path().string();
  std::string s =
      "cd '" + dir.string() + "' || exit 97\n" + "export PATH='" + bin_dir + "':\"$PATH\" HOME='" +
      (dir / "home").string() +
      "'\n"
      "unset HITLOOP_DB HITLOOP_ADMIN_PASSWORD HF_HOME HF_HUB_CACHE\n"
      "hitloop example-data --sessions 120 --seed 99 -o holdout.csv >/dev/null 2>&1 || exit 98\n"
      "servers=()\n"
      "trap 'for p in \"${servers[@]}\"; do kill -TERM \"$p\" 2>/dev/null; done; wait' EXIT\n";
  for (const Example& e : page.examples) {
    std::string n = std::to_string(e.line);
    s += "CMD=$(cat <<'HITLOOP_DOC_EOF'\n" + rewrite_for_test(e.command, e.serves) +
         "\nHITLOOP_DOC_EOF\n)\n";
    if (!e.serves) {
      s += "eval \"$CMD\" >out." + n + " 2>err." + n + " </dev/null; echo $? >rc." + n + "\n";
      continue;
    }
    // A server runs in the background until the page ends; later commands
    // reach it on DOC_PORT.
    s += "eval \"exec $CMD\" >out." + n + " 2>err." + n + " </dev/null &\n" +
         "servers+=($!); port=''\n"
         "for i in $(seq 1 1800); do\n"
         "  port=$(grep -o 'serving on http://[^ ]*:[0-9]*/' out." +
         n +
         " | grep -o '[0-9]*/$' | tr -d /)\n"
         "  [ -n \"$port\" ] && break; kill -0 $! 2>/dev/null || break; sleep 0.1\n"
         "done\n"
         "if [ -n \"$port\" ]; then DOC_PORT=$port; echo 0 >rc." +
         n + "; else echo 'never served' >>err." + n + "; echo 99 >rc." + n + "; fi\n";
  }
  return s;
}

std::set<std::string> keys_of(const nlohmann::json& j) {
  std::set<std::string> out;
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) out.insert(k);
  }
  return out;
}

class DocExamples : public testing::TestWithParam<std::string> {};

TEST_P(DocExamples, EveryCommandOfThePageRunsAsShown) {
  const std::string name = GetParam();
  Page page = parse_page(read_file(kSource / name));
  if (page.examples.empty()) GTEST_SKIP() << name << " has no command examples";
  std::string slug = name;
  std::replace(slug.begin(), slug.end(), '/', '_');
  fs::path dir =
      fs::temp_directory_path() / ("hitloop_docs_" + slug + "_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  prepare(dir);
  std::ofstream(dir / "examples.sh") << script(page, dir);
  int status = std::system(("bash '" + (dir / "examples.sh").string() + "'").c_str());
  ASSERT_TRUE(WIFEXITED(status)) << "the example script was killed";
  ASSERT_LT(WEXITSTATUS(status), 97) << "the example script could not set up " << dir;

  for (const Example& e : page.examples) {
    std::string n = std::to_string(e.line);
    std::string where = name + ":" + n + ": " + e.command;
    std::string rc = read_file(dir / ("rc." + n));
    ASSERT_FALSE(rc.empty()) << where << "\nnever ran";
    std::string out = read_file(dir / ("out." + n));
    std::string err = read_file(dir / ("err." + n));
    EXPECT_EQ(std::stoi(rc), e.expected_exit) << where << "\nstdout:\n"
                                              << out << "stderr:\n"
                                              << err;
    bool curl = e.command.find("curl ") != std::string::npos;
    if (curl && e.expected_exit == 0) {
      // curl exits 0 on HTTP errors: an error body is a failure too.
      auto body = nlohmann::json::parse(out, nullptr, false);
      EXPECT_FALSE(body.is_object() && body.contains("error")) << where << "\nanswered " << out;
    }
    if (e.shown.empty() || e.shown[0] != '{' || e.serves) continue;
    // The page shows a JSON answer: the real one has the same fields.
    auto shown = nlohmann::json::parse(e.shown, nullptr, false);
    if (shown.is_discarded()) continue;
    auto real = nlohmann::json::parse(out, nullptr, false);
    ASSERT_FALSE(real.is_discarded()) << where << "\nanswered with no JSON:\n" << out;
    EXPECT_EQ(keys_of(real), keys_of(shown))
        << where << "\nshown:  " << e.shown << "real:   " << out;
  }
  if (!HasFailure()) fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Pages, DocExamples, testing::ValuesIn(pages()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string n;
                           for (char c : info.param) n += std::isalnum(c) ? c : '_';
                           return n;
                         });

// The parser itself, on a page written for the purpose.
TEST(DocParser, FindsCommandsContinuationsShownOutputAndDirectives) {
  Page page = parse_page(
      "Text `hitloop stats` inline is not an example.\n"
      "```\n"
      "hitloop import sessions.csv   # comment\n"
      "curl -s http://127.0.0.1:8080/v1/evaluate \\\n"
      "  -d '{}'\n"
      "{\"score\": 0.7}\n"
      "```\n"
      "<!-- doc-test: exit 2 -->\n"
      "```sh\n"
      "$ hitloop import missing.csv\n"
      "```\n"
      "<!-- doc-test: skip needs a GPU -->\n"
      "```\n"
      "hitloop train --kind encoder\n"
      "```\n"
      "```json\n"
      "hitloop not-a-shell-block\n"
      "```\n");
  ASSERT_EQ(page.examples.size(), 3u);
  EXPECT_EQ(page.examples[0].line, 3);
  EXPECT_EQ(page.examples[1].command, "curl -s http://127.0.0.1:8080/v1/evaluate \\\n  -d '{}'");
  EXPECT_EQ(page.examples[1].shown, "{\"score\": 0.7}\n");
  EXPECT_EQ(page.examples[2].expected_exit, 2);
  EXPECT_EQ(page.examples[0].expected_exit, 0);
  ASSERT_EQ(page.skipped.size(), 1u);
  EXPECT_EQ(page.skipped[0], "13: needs a GPU");
}

TEST(DocParser, RunsDocumentedServersOnAFreePortAndPointsUrlsAtIt) {
  EXPECT_TRUE(is_serving("hitloop serve --port 8080"));
  EXPECT_TRUE(is_serving("hitloop demo"));
  EXPECT_FALSE(is_serving("hitloop demo --loop --no-serve"));
  EXPECT_FALSE(is_serving("hitloop stats"));
  EXPECT_EQ(rewrite_for_test("hitloop serve --port 8080   # ui", true),
            "hitloop serve --port 0   # ui");
  EXPECT_EQ(rewrite_for_test("hitloop demo   # bundled", true),
            "hitloop demo --port 0   # bundled");
  EXPECT_EQ(rewrite_for_test("curl http://127.0.0.1:8080/healthz", false),
            "curl http://127.0.0.1:${DOC_PORT}/healthz");
}

}  // namespace
}  // namespace hitloop::docs
