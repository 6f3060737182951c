// End-to-end: the built binary on real files, as a user runs it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/dataset.h"
#include "run.h"

namespace hitloop::e2e {
namespace {

namespace fs = std::filesystem;

const std::string kExamples = std::string(HITLOOP_SOURCE_DIR) + "/examples/ecommerce_support.csv";

class Cli : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_dir(testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string db(const std::string& name = "h.db") const { return (dir_ / name).string(); }
  fs::path file(const std::string& name, const std::string& content) const {
    write_text(dir_ / name, content);
    return dir_ / name;
  }
  nlohmann::json stats(const std::string& db_path) const {
    RunResult r = run_hitloop({"--db", db_path, "stats", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }

  fs::path dir_;
};

TEST_F(Cli, DemoImportsTheBundledDataAndPrintsStats) {
  RunResult r = run_hitloop({"--db", db(), "demo", "--no-serve"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("400 rows: 400 new"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("returns"), std::string::npos);
  EXPECT_EQ(stats(db())["labeled"], 400);
  EXPECT_EQ(stats(db())["sessions"], 460);  // plus the unlabeled review queue
  EXPECT_NE(r.out.find("saved model v1 (active)"), std::string::npos);
  EXPECT_NE(r.out.find("verdict: "), std::string::npos);
  EXPECT_NE(r.out.find("why:"), std::string::npos);
}

TEST_F(Cli, ImportStatsAndReimportOnTheBundledData) {
  RunResult r = run_hitloop({"--db", db(), "import", kExamples});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json s = stats(db());
  EXPECT_EQ(s["sessions"], 400);
  EXPECT_EQ(s["labeled"], 400);
  EXPECT_EQ(s["good"].get<int>() + s["bad"].get<int>(), 400);
  EXPECT_GE(s["categories"].size(), 4u);
  RunResult again = run_hitloop({"--db", db(), "import", kExamples});
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("0 new, 400 duplicate, 0 labeled"), std::string::npos) << again.out;
  EXPECT_EQ(stats(db())["sessions"], 400);
}

void expect_round_trip(const std::string& format, const std::string& source, const fs::path& dir) {
  std::string db1 = (dir / ("a_" + format + ".db")).string();
  std::string db2 = (dir / ("b_" + format + ".db")).string();
  std::string out1 = (dir / ("one." + format)).string();
  std::string out2 = (dir / ("two." + format)).string();
  ASSERT_EQ(run_hitloop({"--db", db1, "import", source}).exit_code, 0);
  RunResult e1 = run_hitloop({"--db", db1, "export", "--format", format, "-o", out1});
  ASSERT_EQ(e1.exit_code, 0) << e1.err;
  RunResult i2 = run_hitloop({"--db", db2, "import", out1});
  ASSERT_EQ(i2.exit_code, 0) << i2.err;
  ASSERT_EQ(run_hitloop({"--db", db2, "export", "--format", format, "-o", out2}).exit_code, 0);
  EXPECT_EQ(read_text(out1), read_text(out2));
  EXPECT_FALSE(read_text(out1).empty());
}

TEST_F(Cli, CsvExportImportExportIsByteIdentical) { expect_round_trip("csv", kExamples, dir_); }

TEST_F(Cli, JsonlExportImportExportIsByteIdentical) { expect_round_trip("jsonl", kExamples, dir_); }

TEST_F(Cli, ExportLabeledGivesBackTheImportedRowsOfTheSharedDataSets) {
  fs::path shared = fs::path(HITLOOP_SOURCE_DIR) / ".." / "shared" / "data";
  if (!fs::exists(shared)) GTEST_SKIP() << "no ../shared/data next to the checkout; skipped";
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(shared)) {
    if (entry.path().extension() != ".csv") continue;
    std::string name = entry.path().stem().string();
    std::string dbp = db(name + ".db");
    RunResult imp = run_hitloop({"--db", dbp, "import", entry.path().string()});
    ASSERT_EQ(imp.exit_code, 0) << imp.err;
    RunResult exp = run_hitloop({"--db", dbp, "export", "--labeled"});
    ASSERT_EQ(exp.exit_code, 0) << exp.err;
    ParsedDataset original = parse_dataset(name, read_text(entry.path()), DatasetFormat::kCsv, {});
    ParsedDataset exported = parse_dataset(name, exp.out, DatasetFormat::kCsv, {});
    ASSERT_TRUE(original.errors.empty());
    ASSERT_TRUE(exported.errors.empty());
    ASSERT_EQ(original.rows.size(), exported.rows.size()) << name;
    for (size_t i = 0; i < original.rows.size(); ++i) {
      const ImportRow& a = original.rows[i];
      const ImportRow& b = exported.rows[i];
      ASSERT_EQ(a.model_input, b.model_input) << name << " row " << i;
      ASSERT_EQ(a.model_output, b.model_output) << name << " row " << i;
      ASSERT_EQ(a.label, b.label) << name << " row " << i;
      ASSERT_EQ(a.category, b.category) << name << " row " << i;
    }
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST_F(Cli, OneBadRowAmongGoodOnesImportsNothingAndNamesTheLine) {
  fs::path f = file("mixed.csv",
                    "model_input,model_output,good\nq1,a1,1\nq2,a2,0\nq3,a3,perhaps\nq4,a4,1\n");
  RunResult r = run_hitloop({"--db", db(), "import", f.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(f.string() + ":4: unrecognised label \"perhaps\""), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("nothing imported"), std::string::npos);
  EXPECT_EQ(stats(db())["sessions"], 0);
}

TEST_F(Cli, ShowsTheFirstTwentyProblemsThenACount) {
  std::string content = "model_input,model_output,good\n";
  for (int i = 0; i < 25; ++i) content += "q,a,nope\n";
  RunResult r = run_hitloop({"--db", db(), "import", file("many.csv", content).string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("many.csv:21:"), std::string::npos);
  EXPECT_EQ(r.err.find("many.csv:22:"), std::string::npos);
  EXPECT_NE(r.err.find("... and 5 more problems"), std::string::npos) << r.err;
}

struct BadInput {
  const char* name;
  std::string content;
  std::vector<std::string> extra_args;
  std::string expected;  // appears in stderr after the file name
};

TEST_F(Cli, RejectsEachKindOfBadFileWithFileLineAndReason) {
  const std::vector<BadInput> cases = {
      {"utf8.csv", "model_input,model_output\nok \xff here,x\n", {}, ":2: invalid UTF-8"},
      {"cols.csv", "model_input,answer\nq,a\n", {}, ":1: missing column \"model_output\""},
      {"empty_out.csv", "model_input,model_output\nq,\n", {}, ":2: empty model_output"},
      {"empty_in.jsonl", "{\"input\":\"\",\"output\":\"a\"}\n", {}, ":1: empty model_input"},
      {"label.jsonl",
       "{\"input\":\"q\",\"output\":\"a\",\"good\":7}\n",
       {},
       ":1: unrecognised label"},
      {"big.csv",
       "model_input,model_output\nq,0123456789abcdef\n",
       {"--max-field-bytes", "8"},
       ":2: field 2 is 16 bytes, over the limit of 8"},
      {"empty.csv", "", {}, ":1: file is empty"},
  };
  for (const BadInput& c : cases) {
    fs::path f = file(c.name, c.content);
    std::vector<std::string> args = {"--db", db(), "import"};
    args.insert(args.end(), c.extra_args.begin(), c.extra_args.end());
    args.push_back(f.string());
    RunResult r = run_hitloop(args);
    EXPECT_EQ(r.exit_code, 2) << c.name;
    EXPECT_NE(r.err.find(f.string() + c.expected), std::string::npos) << c.name << ": " << r.err;
  }
  EXPECT_EQ(stats(db())["sessions"], 0);
}

TEST_F(Cli, RejectsAMissingFileAndADirectory) {
  RunResult missing = run_hitloop({"--db", db(), "import", (dir_ / "nope.csv").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.csv: No such file or directory"), std::string::npos);
  RunResult directory = run_hitloop({"--db", db(), "import", dir_.string()});
  EXPECT_EQ(directory.exit_code, 2);
  EXPECT_NE(directory.err.find("is a directory"), std::string::npos);
}

TEST_F(Cli, RefusesADatabaseThatIsNotSqlite) {
  fs::path notes = file("notes.db", "just some text, definitely not SQLite\n");
  RunResult r = run_hitloop({"--db", notes.string(), "stats"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a hitloop database"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(notes), "just some text, definitely not SQLite\n");
}

TEST_F(Cli, RefusesADatabaseItCannotOpen) {
  RunResult r = run_hitloop({"--db", (dir_ / "missing-dir" / "h.db").string(), "stats"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot open database"), std::string::npos) << r.err;
}

TEST_F(Cli, ImportsJsonlAndExportsIdsAndMetadata) {
  fs::path f = file("s.jsonl",
                    "{\"id\":\"s1\",\"input\":\"hi\",\"output\":\"hello\",\"good\":1,"
                    "\"metadata\":{\"channel\":\"web\"}}\n");
  ASSERT_EQ(run_hitloop({"--db", db(), "import", "--reviewer", "ann", f.string()}).exit_code, 0);
  RunResult e = run_hitloop({"--db", db(), "export", "--format", "jsonl"});
  EXPECT_EQ(e.out,
            "{\"model_input\":\"hi\",\"model_output\":\"hello\",\"good\":1,\"id\":\"s1\","
            "\"metadata\":{\"channel\":\"web\"}}\n");
  EXPECT_EQ(stats(db())["reviewers"]["ann"], 1);
}

TEST_F(Cli, StatsReportKappaBetweenTwoReviewers) {
  fs::path ann = file("ann.csv", "model_input,model_output,good\nq1,a,1\nq2,a,1\nq3,a,0\nq4,a,0\n");
  fs::path bob = file("bob.csv", "model_input,model_output,good\nq1,a,1\nq2,a,0\nq3,a,0\nq4,a,0\n");
  ASSERT_EQ(run_hitloop({"--db", db(), "import", "--reviewer", "ann", ann.string()}).exit_code, 0);
  ASSERT_EQ(run_hitloop({"--db", db(), "import", "--reviewer", "bob", bob.string()}).exit_code, 0);
  nlohmann::json s = stats(db());
  ASSERT_EQ(s["agreement"].size(), 1u);
  EXPECT_EQ(s["agreement"][0]["overlap"], 4);
  // po = 0.75; ann 50% good, bob 25% good: pe = 0.125 + 0.375 = 0.5; kappa = 0.5.
  EXPECT_NEAR(s["agreement"][0]["kappa"].get<double>(), 0.5, 1e-9);
}

TEST_F(Cli, UnknownCommandsAndOptionsAreUsageErrors) {
  EXPECT_EQ(run_hitloop({"frobnicate"}).exit_code, 2);
  RunResult r = run_hitloop({"--db", db(), "export", "--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown option --bogus"), std::string::npos);
  RunResult help = run_hitloop({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("import"), std::string::npos);
  EXPECT_NE(run_hitloop({"import", "--help"}).out.find("--reviewer"), std::string::npos);
}

}  // namespace
}  // namespace hitloop::e2e
