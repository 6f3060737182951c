// The embed kind through the built binary: train on a sentence-transformers
// fixture, predict, score, eval, and retrain from the recorded recipe; a
// second process reads the first one's embedding cache.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "run.h"
#include "server_fixture.h"

namespace hitloop::e2e {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kBase = std::string(HITLOOP_FIXTURES) + "/embed/bert-mean-normalize";
const std::string kExamples = std::string(HITLOOP_SOURCE_DIR) + "/examples/ecommerce_support.csv";

std::string toy_csv(int n) {
  std::string csv = "model_input,model_output,good\n";
  for (int i = 0; i < n; ++i) {
    csv += "Where is order " + std::to_string(i) + "?," +
           (i % 2 ? "\"Yes, it ships today by express.\",1\n" : "No. I cannot help!!!,0\n");
  }
  return csv;
}

class EmbedCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_dir("embed_cli");
    ::setenv("HITLOOP_EMBED_CACHE", (dir_ / "cache").c_str(), 1);
    db_ = (dir_ / "h.db").string();
  }
  void TearDown() override { ::unsetenv("HITLOOP_EMBED_CACHE"); }
  RunResult hl(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_});
    return run_hitloop(args);
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(EmbedCli, TrainPredictScoreAndEvalWithTheArtifact) {
  write_text(dir_ / "data.csv", toy_csv(40));
  const std::string data = (dir_ / "data.csv").string();
  RunResult train =
      hl({"train", "--kind", "embed", "--base", kBase, "--data", data, "--threads", "1", "--json"});
  ASSERT_EQ(train.exit_code, 0) << train.err;
  json result = json::parse(train.out);
  EXPECT_EQ(result["kind"], "embed");
  EXPECT_NE(train.err.find("0 from the cache"), std::string::npos) << train.err;
  EXPECT_NE(train.err.find("embed: head C="), std::string::npos) << train.err;

  const fs::path artifact = dir_ / "h.models" / "v1";
  for (const char* f : {"manifest.json", "embed.json", "config.json", "model.safetensors"}) {
    EXPECT_TRUE(fs::exists(artifact / f)) << f;
  }
  json manifest = json::parse(read_text(artifact / "manifest.json"));
  EXPECT_EQ(manifest["recipe"]["kind"], "embed");
  EXPECT_EQ(manifest["recipe"]["base"], fs::absolute(kBase).lexically_normal().string());

  RunResult good = hl({"predict", "--input", "Where is order 3?", "--output",
                       "Yes, it ships today by express.", "--json", "--explain"});
  ASSERT_EQ(good.exit_code, 0) << good.err;
  RunResult bad =
      hl({"predict", "--input", "Where is order 3?", "--output", "No. I cannot help!!!", "--json"});
  ASSERT_EQ(bad.exit_code, 0) << bad.err;
  EXPECT_GT(json::parse(good.out)["score"].get<double>(),
            json::parse(bad.out)["score"].get<double>());
  RunResult by_dir = hl({"predict", "--model", artifact.string(), "--input", "Where is order 3?",
                         "--output", "Yes, it ships today by express.", "--json"});
  ASSERT_EQ(by_dir.exit_code, 0) << by_dir.err;
  EXPECT_EQ(json::parse(by_dir.out)["score"], json::parse(good.out)["score"]);

  RunResult score = hl({"score", data, "-o", (dir_ / "scored.csv").string()});
  ASSERT_EQ(score.exit_code, 0) << score.err;
  EXPECT_NE(read_text(dir_ / "scored.csv").find("score"), std::string::npos);
  RunResult eval = hl({"eval", "--data", data, "--json"});
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_GT(json::parse(eval.out)["auroc"].get<double>(), 0.9) << eval.out;

  // Another process, the same texts: every embedding comes from the cache.
  RunResult again = hl({"train", "--kind", "embed", "--base", kBase, "--data", data});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("42 from the cache, 0 embedded"), std::string::npos) << again.err;
}

TEST_F(EmbedCli, RetrainRepeatsTheEmbedRecipe) {
  ASSERT_EQ(hl({"import", kExamples}).exit_code, 0);
  RunResult train = hl({"train", "--kind", "embed", "--base", kBase});
  ASSERT_EQ(train.exit_code, 0) << train.err;
  RunResult same = hl({"retrain"});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_NE(same.out.find("no new labels since the active model v1"), std::string::npos)
      << same.out;
  RunResult forced = hl({"retrain", "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(forced.err.find("embed: "), std::string::npos) << forced.err;
  json v2 = json::parse(read_text(dir_ / "h.models" / "v2" / "manifest.json"));
  EXPECT_EQ(v2["kind"], "embed");
  EXPECT_EQ(v2["recipe"]["base"], fs::absolute(kBase).lexically_normal().string());
}

TEST_F(EmbedCli, TrainWithoutABaseSaysWhatItNeeds) {
  write_text(dir_ / "data.csv", toy_csv(20));
  RunResult r = hl({"train", "--kind", "embed", "--data", (dir_ / "data.csv").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("kind embed needs --base NAME|DIR"), std::string::npos) << r.err;
}

TEST_F(EmbedCli, MaxLengthIsRefusedRatherThanIgnored) {
  write_text(dir_ / "data.csv", toy_csv(20));
  RunResult r = hl({"train", "--kind", "embed", "--base", kBase, "--max-length", "16", "--data",
                    (dir_ / "data.csv").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--max-length applies to --kind encoder"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "h.models" / "v1"));
}

// Served: POST /v1/evaluate answers with the embed model's own score (the
// one `predict` gives, to the last bit), and the recorded verdict is on the
// session the review UI lists.
class EmbedServe : public ServerFixture {};

TEST_F(EmbedServe, TheServerEvaluatesWithAnEmbedModelAndRecordsItsVerdicts) {
  ::setenv("HITLOOP_EMBED_CACHE", (dir_ / "cache").c_str(), 1);
  std::ofstream(dir_ / "data.csv") << toy_csv(40);
  ASSERT_EQ(hl({"train", "--kind", "embed", "--base", kBase, "--data", (dir_ / "data.csv").string(),
                "--threads", "1"})
                .exit_code,
            0);
  RunResult predicted = hl({"predict", "--input", "Where is order 77?", "--output",
                            "Yes, it ships today by express.", "--json"});
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  start();
  httplib::Headers h = bearer(key());
  auto r = post("/v1/evaluate",
                {{"input", "Where is order 77?"},
                 {"output", "Yes, it ships today by express."},
                 {"category", "orders"}},
                h);
  ASSERT_EQ(r->status, 200) << r->body;
  json verdict = json::parse(r->body);
  EXPECT_EQ(verdict["model_version"], "v1");
  EXPECT_EQ(verdict["score"], json::parse(predicted.out)["score"]);
  json page;
  for (int i = 0; i < 100; ++i) {  // verdicts are written in the background
    page = json::parse(client_->Get("/v1/sessions?q=77", h)->body);
    if (page["total"] == 1 && !page["sessions"][0]["verdict"].is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(page["total"], 1) << page.dump();
  EXPECT_EQ(page["sessions"][0]["verdict"]["model_version"], "v1");
  EXPECT_EQ(page["sessions"][0]["verdict"]["score"], verdict["score"]);

  // Training requests: the embed kind over HTTP, and what it refuses.
  auto capped = post("/v1/train", {{"kind", "embed"}, {"base", kBase}, {"max_length", 16}}, h);
  EXPECT_EQ(capped->status, 400) << capped->body;
  EXPECT_NE(capped->body.find("max_length"), std::string::npos) << capped->body;
  ::unsetenv("HITLOOP_EMBED_CACHE");
}

}  // namespace
}  // namespace hitloop::e2e
