// End-to-end: train -> eval -> predict -> score with the built binary.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/csv.h"
#include "run.h"

namespace hitloop::e2e {
namespace {

namespace fs = std::filesystem;

const std::string kExamples = std::string(HITLOOP_SOURCE_DIR) + "/examples/ecommerce_support.csv";

class Models : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_dir(testing::UnitTest::GetInstance()->current_test_info()->name());
    db_ = (dir_ / "h.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  RunResult hl(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_});
    return run_hitloop(args);
  }
  fs::path dir_;
  std::string db_;
};

TEST_F(Models, TrainEvalPredictAndScoreWorkOnTheBundledData) {
  ASSERT_EQ(hl({"import", kExamples}).exit_code, 0);
  RunResult train = hl({"train", "--json"});
  ASSERT_EQ(train.exit_code, 0) << train.err;
  auto t = nlohmann::json::parse(train.out);
  EXPECT_EQ(t["model"], "v1");
  EXPECT_EQ(t["active"], true);
  EXPECT_GT(t["metrics"]["auroc"].get<double>(), 0.6);
  EXPECT_NE(train.err.find("validation: fold 5/5"), std::string::npos);  // progress on stderr

  RunResult predict = hl({"predict", "--input", "Where is my order NW-123456?", "--output",
                          "I'm sorry, I can't help with that.", "--json"});
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  auto p = nlohmann::json::parse(predict.out);
  EXPECT_EQ(p["model"], "v1");
  EXPECT_TRUE(p["good"] == 0 || p["good"] == 1);
  EXPECT_GE(p["score"].get<double>(), 0.0);
  EXPECT_LE(p["score"].get<double>(), 1.0);

  RunResult explained =
      hl({"predict", "--input", "hi", "--output", "hello", "--explain", "--top", "3"});
  ASSERT_EQ(explained.exit_code, 0);
  EXPECT_NE(explained.out.find("why"), std::string::npos);

  RunResult eval = hl({"eval", "--model", "v1", "--data", kExamples, "--json"});
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  auto e = nlohmann::json::parse(eval.out);
  EXPECT_EQ(e["n"], 400);
  EXPECT_GT(e["auroc"].get<double>(), 0.8);  // it was trained on these rows
  EXPECT_TRUE(e["by_category"].contains("returns"));

  std::string scored = (dir_ / "scored.csv").string();
  RunResult score = hl({"score", kExamples, "-o", scored});
  ASSERT_EQ(score.exit_code, 0) << score.err;
  CsvReader reader(read_text(scored), 1 << 20);
  CsvRecord rec;
  std::string error;
  ASSERT_TRUE(reader.next(rec, error));
  ASSERT_GE(rec.fields.size(), 2u);
  EXPECT_EQ(rec.fields[rec.fields.size() - 2], "score");
  EXPECT_EQ(rec.fields.back(), "predicted_good");
  int rows = 0;
  while (reader.next(rec, error)) {
    ++rows;
    double s = std::stod(rec.fields[rec.fields.size() - 2]);
    EXPECT_TRUE(s >= 0 && s <= 1);
  }
  EXPECT_EQ(rows, 400);
}

TEST_F(Models, PredictFromADirectoryAndFromAVersionAgree) {
  ASSERT_EQ(hl({"train", "--data", kExamples, "--models-dir", (dir_ / "m").string()}).exit_code, 0);
  RunResult by_version = hl({"predict", "--input", "a", "--output", "b", "--json"});
  RunResult by_dir = run_hitloop({"predict", "--model", (dir_ / "m" / "v1").string(), "--input",
                                  "a", "--output", "b", "--json"});
  ASSERT_EQ(by_version.exit_code, 0) << by_version.err;
  ASSERT_EQ(by_dir.exit_code, 0) << by_dir.err;
  EXPECT_EQ(nlohmann::json::parse(by_version.out)["score"],
            nlohmann::json::parse(by_dir.out)["score"]);
}

TEST_F(Models, PredictAndScoreGiveTheSameScoreAtFullPrecision) {
  ASSERT_EQ(hl({"train", "--data", kExamples}).exit_code, 0);
  RunResult predict = hl({"predict", "--input", "Where is my order NW-123456?", "--output",
                          "It ships tomorrow.", "--json"});
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  const double p = nlohmann::json::parse(predict.out)["score"].get<double>();
  // Rounded output (4 or 6 decimals) would lose what a calibration or
  // parity check downstream needs.
  EXPECT_NE(p, std::round(p * 1e6) / 1e6) << predict.out;

  const std::string rows = (dir_ / "rows.jsonl").string();
  std::ofstream(rows) << R"({"model_input":"Where is my order NW-123456?",)"
                      << R"("model_output":"It ships tomorrow.","good":1})"
                      << "\n";
  const std::string csv = (dir_ / "rows.csv").string();
  std::ofstream(csv) << "model_input,model_output,good\n"
                     << "Where is my order NW-123456?,It ships tomorrow.,1\n";
  RunResult jsonl = hl({"score", rows, "-o", rows + ".scored"});
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  EXPECT_EQ(nlohmann::json::parse(read_text(rows + ".scored"))["score"].get<double>(), p);

  RunResult table = hl({"score", csv, "-o", csv + ".scored"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  CsvReader reader(read_text(csv + ".scored"), 1 << 20);
  CsvRecord rec;
  std::string error;
  ASSERT_TRUE(reader.next(rec, error));  // the header
  ASSERT_TRUE(reader.next(rec, error)) << error;
  EXPECT_EQ(std::stod(std::string(rec.fields[rec.fields.size() - 2])), p);
}

TEST_F(Models, SameSeedAndDataGiveTheSameHeldOutMetrics) {
  RunResult a = hl({"train", "--data", kExamples, "--seed", "3", "--json"});
  RunResult b = hl({"train", "--data", kExamples, "--seed", "3", "--json"});
  ASSERT_EQ(a.exit_code, 0);
  ASSERT_EQ(b.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(a.out)["metrics"], nlohmann::json::parse(b.out)["metrics"]);
  EXPECT_EQ(nlohmann::json::parse(b.out)["active"], false);  // only the first is activated
  RunResult list = hl({"models", "list", "--json"});
  auto models = nlohmann::json::parse(list.out);
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[1]["parent"], "v1");
  ASSERT_EQ(hl({"models", "activate", "v2"}).exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(hl({"models", "list", "--json"}).out)[1]["status"], "active");
  EXPECT_EQ(hl({"models", "show", "v2"}).exit_code, 0);
}

TEST_F(Models, RefusesTooFewLabelsAndASingleClass) {
  write_text(dir_ / "few.csv", "model_input,model_output,good\na,b,1\nc,d,0\n");
  RunResult few = hl({"train", "--data", (dir_ / "few.csv").string()});
  EXPECT_EQ(few.exit_code, 2);
  EXPECT_NE(few.err.find("need at least 10 labeled sessions"), std::string::npos) << few.err;
  std::string one = "model_input,model_output,good\n";
  for (int i = 0; i < 12; ++i) one += "q" + std::to_string(i) + ",a,1\n";
  write_text(dir_ / "one.csv", one);
  RunResult single = hl({"train", "--data", (dir_ / "one.csv").string()});
  EXPECT_EQ(single.exit_code, 2);
  EXPECT_NE(single.err.find("training needs both classes"), std::string::npos) << single.err;
  RunResult empty_store = hl({"train"});
  EXPECT_EQ(empty_store.exit_code, 2);
}

TEST_F(Models, NamesAnUnknownVersionAndAMissingActiveModel) {
  RunResult no_store = hl({"predict", "--input", "a", "--output", "b"});
  EXPECT_EQ(no_store.exit_code, 2);
  EXPECT_NE(no_store.err.find("no store at"), std::string::npos) << no_store.err;
  ASSERT_EQ(hl({"import", kExamples}).exit_code, 0);
  RunResult none = hl({"predict", "--input", "a", "--output", "b"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no active model"), std::string::npos) << none.err;
  ASSERT_EQ(hl({"train", "--data", kExamples}).exit_code, 0);
  RunResult unknown = hl({"predict", "--model", "v9", "--input", "a", "--output", "b"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no model v9"), std::string::npos) << unknown.err;
}

TEST_F(Models, TruncatesAnOverlongTextWithAWarning) {
  ASSERT_EQ(hl({"train", "--data", kExamples}).exit_code, 0);
  RunResult r = hl({"predict", "--input", "a", "--output", std::string(100000, 'x'), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: --output is 100000 bytes"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace hitloop::e2e
