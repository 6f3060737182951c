// The built binary, as a user runs it: train an encoder from the tiny HF
// fixture, predict with the artifact, reload it, and score with raw HF
// checkpoint directories.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "ml/encoder/encoder_model.h"
#include "run.h"

namespace hitloop::e2e {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kFixtures = std::string(HITLOOP_FIXTURES) + "/hf-encoders";

std::string easy_csv(int n) {
  std::string csv = "model_input,model_output,good\n";
  for (int i = 0; i < n; ++i) {
    csv += i % 2 ? "Where is order " + std::to_string(i) + "?,\"Yes, it ships today.\",1\n"
                 : "Where is order " + std::to_string(i) + "?,No. I cannot help.,0\n";
  }
  return csv;
}

// `model_args` go after the command; a leading "--db PATH" goes before it.
double predict_score(std::vector<std::string> model_args, const std::string& input,
                     const std::string& output) {
  std::vector<std::string> args;
  if (model_args.size() >= 2 && model_args[0] == "--db") {
    args = {model_args[0], model_args[1]};
    model_args.erase(model_args.begin(), model_args.begin() + 2);
  }
  std::vector<std::string> command = {"predict", "--input", input, "--output", output, "--json"};
  args.insert(args.end(), command.begin(), command.end());
  args.insert(args.end(), model_args.begin(), model_args.end());
  RunResult r = run_hitloop(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? json::parse(r.out)["score"].get<double>() : -1;
}

TEST(EncoderCli, TrainPredictAndReloadTheArtifact) {
  fs::path dir = fresh_dir("encoder_train");
  write_text(dir / "data.csv", easy_csv(20));
  const std::string db = (dir / "h.db").string();
  RunResult train = run_hitloop({"--db", db, "train", "--kind", "encoder", "--base",
                                 kFixtures + "/tiny-distilbert", "--data",
                                 (dir / "data.csv").string(), "--epochs", "1", "--lr", "1e-3",
                                 "--max-length", "32", "--threads", "1", "--json"});
  ASSERT_EQ(train.exit_code, 0) << train.err;
  json result = json::parse(train.out);
  EXPECT_EQ(result["kind"], "encoder");
  EXPECT_EQ(result["validation"], "80/20 split by model_input, best epoch");
  EXPECT_NE(train.err.find("epoch 1/1 step"), std::string::npos) << train.err;
  EXPECT_NE(train.err.find("ex/s"), std::string::npos);

  fs::path artifact = dir / "h.models" / "v1";
  for (const char* f : {"manifest.json", "config.json", "model.safetensors", "vocab.txt"}) {
    EXPECT_TRUE(fs::exists(artifact / f)) << f;
  }
  json config = json::parse(read_text(artifact / "config.json"));
  EXPECT_EQ(config["id2label"]["1"], "good");

  // The registry version and the directory give the same verdict.
  const std::string in = "Where is order 3?", out = "Yes, it ships today.";
  double by_version = predict_score({"--db", db, "--model", "v1"}, in, out);
  double by_dir = predict_score({"--model", artifact.string()}, in, out);
  EXPECT_EQ(by_version, by_dir);

  // Without the manifest it is a plain HF checkpoint: P(label 1) of the
  // reloaded weights, identical to the library's logits for the artifact.
  fs::path hf = dir / "hf";
  fs::create_directories(hf);
  for (const auto& e : fs::directory_iterator(artifact)) {
    if (e.path().filename() != "manifest.json") fs::copy_file(e.path(), hf / e.path().filename());
  }
  double raw = predict_score({"--model", hf.string()}, in, out);
  auto model = ml::encoder::EncoderModel::load(artifact.string(), ml::LoadOptions{});
  ASSERT_TRUE(model.ok()) << model.status().message();
  std::vector<ml::TextPair> pairs = {{in, out}};
  auto logits = (*model)->logits(pairs);
  ASSERT_TRUE(logits.ok());
  double p1 = 1.0 / (1.0 + std::exp((*logits)[0][0] - (*logits)[0][1]));
  EXPECT_NEAR(raw, p1, 5e-5);

  RunResult eval = run_hitloop(
      {"eval", "--model", artifact.string(), "--data", (dir / "data.csv").string(), "--json"});
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_EQ(json::parse(eval.out)["n"], 20);
}

TEST(EncoderCli, HfCheckpointDirectoryScoresAsHfWithMaxLength) {
  // goldens.json: the first case's probability of label 1 at max_length 16.
  json goldens = json::parse(read_text(kFixtures + "/goldens.json"));
  const json* pair_case = nullptr;
  for (const json& c : goldens["cases"]) {
    if (c["kind"] == "pair" && c["encodings"][0]["truncated"] == true) pair_case = &c;
  }
  ASSERT_NE(pair_case, nullptr);
  const json& enc = (*pair_case)["encodings"][0];
  ASSERT_EQ(enc["max_length"], 16);
  double score = predict_score({"--model", kFixtures + "/tiny-bert", "--max-length", "16"},
                               (*pair_case)["text_a"], (*pair_case)["text_b"]);
  EXPECT_NEAR(score, enc["bert"]["probs"][1].get<double>(), 5e-5);
}

TEST(EncoderCli, ScoreWritesScoresWithAHfDirectory) {
  fs::path dir = fresh_dir("encoder_score");
  write_text(dir / "data.csv", easy_csv(4));
  RunResult r = run_hitloop(
      {"score", (dir / "data.csv").string(), "--model", kFixtures + "/tiny-distilbert"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("score,predicted_good"), std::string::npos);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 5);
}

TEST(EncoderCli, UnsupportedCheckpointIsABadInputError) {
  fs::path dir = fresh_dir("encoder_bad");
  for (const auto& e : fs::directory_iterator(kFixtures + "/tiny-distilbert")) {
    fs::copy_file(e.path(), dir / e.path().filename());
  }
  std::string config = read_text(dir / "config.json");
  config.replace(config.find("\"distilbert\""), 12, "\"roberta\"");
  write_text(dir / "config.json", config);
  RunResult r = run_hitloop({"predict", "--model", dir.string(), "--input", "a", "--output", "b"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("supported: distilbert, bert"), std::string::npos) << r.err;
  RunResult no_base = run_hitloop(
      {"--db", (dir / "h.db").string(), "train", "--kind", "encoder", "--data", "x.csv"});
  EXPECT_EQ(no_base.exit_code, 2);
  EXPECT_NE(no_base.err.find("--base NAME|DIR"), std::string::npos) << no_base.err;
}

// Labeled rows with ids, enough for a frozen holdout (1 in 5) with both labels.
std::string labeled_csv(int from, int to) {
  std::string csv = "id,model_input,model_output,good\n";
  for (int i = from; i < to; ++i) {
    csv += "s" + std::to_string(i) + ",Where is order " + std::to_string(i) + "?," +
           (i % 2 ? "\"Yes, it ships today.\",1\n" : "No. I cannot help.,0\n");
  }
  return csv;
}

TEST(EncoderCli, RetrainContinuesFromTheActiveEncodersBaseAndRecipe) {
  fs::path dir = fresh_dir("encoder_retrain");
  const std::string db = (dir / "h.db").string();
  write_text(dir / "a.csv", labeled_csv(0, 80));
  ASSERT_EQ(run_hitloop({"--db", db, "import", (dir / "a.csv").string()}).exit_code, 0);
  RunResult train = run_hitloop({"--db",
                                 db,
                                 "train",
                                 "--kind",
                                 "encoder",
                                 "--base",
                                 kFixtures + "/tiny-distilbert",
                                 "--epochs",
                                 "1",
                                 "--lr",
                                 "1e-3",
                                 "--max-length",
                                 "24",
                                 "--batch-size",
                                 "16",
                                 "--seed",
                                 "3",
                                 "--threads",
                                 "1",
                                 "--activate"});
  ASSERT_EQ(train.exit_code, 0) << train.err;
  json v1 = json::parse(read_text(dir / "h.models" / "v1" / "manifest.json"));
  EXPECT_EQ(v1["recipe"]["kind"], "encoder");
  EXPECT_EQ(v1["recipe"]["epochs"], 1);
  EXPECT_EQ(v1["recipe"]["max_length"], 24);
  EXPECT_TRUE(fs::path(v1["recipe"]["base"].get<std::string>()).is_absolute());

  // No new labels: nothing to do, and no --base needed to find that out.
  RunResult same = run_hitloop({"--db", db, "retrain", "--threads", "1"});
  EXPECT_EQ(same.exit_code, 0) << same.err;
  EXPECT_NE(same.out.find("no new labels"), std::string::npos) << same.out;

  write_text(dir / "b.csv", labeled_csv(80, 120));
  ASSERT_EQ(run_hitloop({"--db", db, "import", (dir / "b.csv").string()}).exit_code, 0);
  RunResult retrain = run_hitloop({"--db", db, "retrain", "--threads", "1"});
  ASSERT_EQ(retrain.exit_code, 0) << retrain.err;
  EXPECT_NE(retrain.err.find("epoch 1/1"), std::string::npos) << retrain.err;
  json v2 = json::parse(read_text(dir / "h.models" / "v2" / "manifest.json"));
  EXPECT_EQ(v2["kind"], "encoder");
  EXPECT_EQ(v2["recipe"], v1["recipe"]);
  EXPECT_TRUE(v2["gate"].is_object());
  EXPECT_EQ(v2["gate"]["active"]["model"], "v1");
}

// The other half of tests/e2e/torch_module_test.cpp: an encoder command
// loads the module from beside the binary, and libtorch with it.
TEST(EncoderCli, AnEncoderCommandLoadsTheTorchModuleFromBesideTheBinary) {
  RunResult r = run_hitloop_env({"LD_DEBUG=files"},
                                {"predict", "--model", kFixtures + "/tiny-distilbert", "--input",
                                 "Where is my order?", "--output", "It shipped.", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err.substr(r.err.size() > 2000 ? r.err.size() - 2000 : 0);
  std::string module = (fs::path(HITLOOP_BIN).parent_path() / "hitloop_torch.so").string();
  EXPECT_NE(r.err.find("file=" + module), std::string::npos);
  EXPECT_NE(r.err.find("libtorch_cpu.so"), std::string::npos);
}

}  // namespace
}  // namespace hitloop::e2e
