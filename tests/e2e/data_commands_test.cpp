// End-to-end: what docs/formats.md and --help promise about importing,
// exporting and opening the store, checked on the built binary.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "core/csv.h"
#include "run.h"
#include "server_process.h"

namespace hitloop::e2e {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::string kExamples = std::string(HITLOOP_SOURCE_DIR) + "/examples/ecommerce_support.csv";

class DataCommands : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_dir(testing::UnitTest::GetInstance()->current_test_info()->name());
    db_ = (dir_ / "h.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  RunResult hl(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--db", db_});
    return run_hitloop(args);
  }
  std::string file(const std::string& name, const std::string& content) const {
    write_text(dir_ / name, content);
    return (dir_ / name).string();
  }
  Json stats() const {
    RunResult r = hl({"stats", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Json::parse(r.out);
  }

  fs::path dir_;
  std::string db_;
};

std::vector<std::vector<std::string>> csv_records(const std::string& text) {
  std::vector<std::vector<std::string>> out;
  CsvReader reader(text, 1 << 20);
  CsvRecord rec;
  std::string error;
  while (reader.next(rec, error)) out.push_back(rec.fields);
  return out;
}

// --- Import: one column under two names, and JSON types -----------------

TEST_F(DataCommands, ImportRefusesACsvHeaderWithBothInputAndModelInput) {
  std::string f = file("both.csv", "input,model_input,model_output,good\nq,other q,a,1\n");
  RunResult r = hl({"import", f});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(f + ":1: columns \"input\" and \"model_input\" are the same column"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(stats()["sessions"], 0);
}

// Rows are written while the rest of the file is parsed: a bad row far past
// the first rows written still leaves nothing of the file in the store, and
// a good file of many chunks lands whole, in file order.
TEST_F(DataCommands, ImportOfALargeFileWithOneBadLastRowWritesNothing) {
  std::string rows = "model_input,model_output,good\n";
  for (int i = 0; i < 10000; ++i) {
    rows += "question " + std::to_string(i) + ",answer " + std::to_string(i) + ",1\n";
  }
  RunResult bad = hl({"import", file("bad.csv", rows + "last question,,1\n")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.csv:10002: "), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("nothing imported (1 problem)"), std::string::npos) << bad.err;
  EXPECT_EQ(stats()["sessions"], 0);

  RunResult good = hl({"import", file("good.csv", rows)});
  ASSERT_EQ(good.exit_code, 0) << good.err;
  EXPECT_NE(good.out.find("10000 rows: 10000 new, 0 duplicate, 10000 labeled"), std::string::npos)
      << good.out;
  RunResult exported = hl({"export", "--output", (dir_ / "out.csv").string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  auto records = csv_records(read_text(dir_ / "out.csv"));
  ASSERT_EQ(records.size(), 10001u);
  EXPECT_EQ(records[1][0], "question 0");
  EXPECT_EQ(records[10000][0], "question 9999");
}

TEST_F(DataCommands, ImportRefusesAJsonlObjectWithBothGoodAndLabel) {
  std::string f = file("both.jsonl",
                       "{\"input\":\"q1\",\"output\":\"a1\",\"good\":1}\n"
                       "{\"input\":\"q2\",\"output\":\"a2\",\"good\":1,\"label\":\"bad\"}\n");
  RunResult r = hl({"import", f});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(f + ":2: keys \"good\" and \"label\" are the same field"), std::string::npos)
      << r.err;
  EXPECT_EQ(stats()["sessions"], 0);  // the whole file is refused
}

TEST_F(DataCommands, ImportRefusesANumberWhereJsonlNeedsTheInputText) {
  std::string f = file("types.jsonl",
                       "{\"input\":\"q1\",\"output\":\"a1\"}\n"
                       "{\"input\":1,\"output\":\"a2\"}\n"
                       "{\"input\":\"q3\",\"output\":\"a3\",\"category\":false}\n");
  RunResult r = hl({"import", f});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(f + ":2: field \"model_input\" must be a string, not an integer"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(f + ":3: field \"category\" must be a string, not a boolean"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(stats()["sessions"], 0);
}

// --- Opening the store -----------------------------------------------------

TEST_F(DataCommands, ReadCommandsRefuseADbPathWithNoStoreAndCreateNothing) {
  std::string data = file("d.csv", "model_input,model_output,good\nq,a,1\n");
  const std::vector<std::vector<std::string>> reads = {{"stats"},
                                                       {"export"},
                                                       {"export", "--reviews"},
                                                       {"eval", "--data", data},
                                                       {"report"},
                                                       {"models", "list"},
                                                       {"predict", "--input", "q", "--output", "a"},
                                                       {"score", data},
                                                       {"retrain"},
                                                       {"train"},
                                                       {"users", "list"}};
  for (const auto& args : reads) {
    RunResult r = hl(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("no store at " + db_), std::string::npos) << args[0] << ": " << r.err;
    EXPECT_FALSE(fs::exists(db_)) << args[0] << " created the store";
  }
  EXPECT_EQ(hl({"import", data}).exit_code, 0);  // import may create it
  EXPECT_EQ(stats()["sessions"], 1);
}

TEST_F(DataCommands, HitloopDbAndTheDefaultPathFollowTheSameRule) {
  std::string env_db = (dir_ / "env.db").string();
  setenv("HITLOOP_DB", env_db.c_str(), 1);
  RunResult by_env = run_hitloop({"stats"});
  unsetenv("HITLOOP_DB");
  EXPECT_EQ(by_env.exit_code, 2);
  EXPECT_NE(by_env.err.find("no store at " + env_db), std::string::npos) << by_env.err;
  EXPECT_FALSE(fs::exists(env_db));

  fs::path cwd = fs::current_path();
  fs::current_path(dir_);
  RunResult by_default = run_hitloop({"report"});
  bool created = fs::exists("hitloop.db");
  fs::current_path(cwd);
  EXPECT_EQ(by_default.exit_code, 2);
  EXPECT_NE(by_default.err.find("no store at hitloop.db"), std::string::npos) << by_default.err;
  EXPECT_FALSE(created);
}

// --- Export of the review history ------------------------------------------

TEST_F(DataCommands, ExportReviewsWritesOneCsvRowPerReviewOldestFirst) {
  std::string f = file("s.csv",
                       "id,model_input,model_output,good,category\n"
                       "s1,\"Where is my order?\",\"It shipped.\",1,order_status\n"
                       "s2,Refund?,No.,0,\n");
  ASSERT_EQ(hl({"import", "--reviewer", "ann", f}).exit_code, 0);
  std::string changed = file("c.csv", "id,model_input,model_output,good\ns2,Refund?,No.,1\n");
  ASSERT_EQ(hl({"import", "--reviewer", "bob", changed}).exit_code, 0);

  std::string out = (dir_ / "reviews.csv").string();
  RunResult r = hl({"export", "--reviews", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("exported 3 reviews"), std::string::npos) << r.err;
  auto rows = csv_records(read_text(out));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{
                         "review_id", "session_id", "external_id", "category", "model_input",
                         "model_output", "reviewer", "label", "tags", "note", "kind", "created_at",
                         "created_at_ms", "model_version", "model_score", "model_decision"}));
  EXPECT_EQ(rows[1][0], "1");
  EXPECT_EQ(rows[1][2], "s1");
  EXPECT_EQ(rows[1][3], "order_status");
  EXPECT_EQ(rows[1][4], "Where is my order?");
  EXPECT_EQ(rows[1][6], "ann");
  EXPECT_EQ(rows[1][7], "good");
  EXPECT_EQ(rows[1][8], "[]");
  EXPECT_EQ(rows[1][10], "label");
  EXPECT_TRUE(
      std::regex_match(rows[1][11], std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << rows[1][11];
  EXPECT_EQ(rows[1][13], "");  // no model has judged it
  EXPECT_EQ(rows[1][14], "");
  EXPECT_EQ(rows[3][2], "s2");
  EXPECT_EQ(rows[3][6], "bob");
  EXPECT_EQ(rows[3][7], "good");
  EXPECT_LT(std::stoll(rows[2][0]), std::stoll(rows[3][0]));
}

// A reviewer labels, undoes, labels again through the API; the export shows
// the kept reviews with the session's latest verdict, and the undone id is
// not given to the next review.
TEST_F(DataCommands, ExportReviewsCarriesTheLatestVerdictAndUndoneIdsAreNotReused) {
  std::string f = file("s.csv",
                       "id,model_input,model_output,good\n"
                       "s1,Where is my order NW-123456?,It shipped today.,1\n");
  ASSERT_EQ(hl({"import", f}).exit_code, 0);
  ASSERT_EQ(hl({"train", "--data", kExamples}).exit_code, 0);
  ASSERT_EQ(hl({"users", "add", "rita", "--password", "rita-secret"}).exit_code, 0);
  RunResult key = hl({"keys", "create", "svc"});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  httplib::Headers svc = {{"Authorization", "Bearer " + key.out.substr(0, key.out.find('\n'))}};
  {
    ServerProcess server({"--db", db_}, {"--admin-password", "admin-secret"});
    httplib::Client client("127.0.0.1", server.port());
    auto post = [&](const std::string& path, const Json& body, const httplib::Headers& h) {
      return client.Post(path.c_str(), h, body.dump(), "application/json");
    };
    auto verdict = post("/v1/evaluate",
                        {{"input", "Where is my order NW-123456?"},
                         {"output", "It shipped today."},
                         {"session_id", 1}},
                        svc);
    ASSERT_TRUE(verdict);
    ASSERT_EQ(verdict->status, 200) << verdict->body;
    for (int i = 0; i < 200; ++i) {  // verdicts are written in the background
      Json s = Json::parse(client.Get("/v1/sessions/1", svc)->body);
      if (!s["verdicts"].empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    auto login = post("/v1/auth/login", {{"name", "rita"}, {"password", "rita-secret"}}, {});
    ASSERT_TRUE(login);
    std::string cookie = login->get_header_value("Set-Cookie");
    httplib::Headers rita = {{"Cookie", cookie.substr(0, cookie.find(';'))}};
    auto undone = post("/v1/sessions/1/reviews", {{"label", "good"}}, rita);
    ASSERT_EQ(undone->status, 201) << undone->body;
    int64_t undone_id = Json::parse(undone->body)["id"];
    std::string path = "/v1/reviews/" + std::to_string(undone_id);
    ASSERT_EQ(client.Delete(path.c_str(), rita)->status, 200);
    auto kept =
        post("/v1/sessions/1/reviews",
             {{"label", "bad"}, {"tags", {"tone"}}, {"note", "curt"}, {"kind", "audit"}}, rita);
    ASSERT_EQ(kept->status, 201) << kept->body;
    EXPECT_GT(Json::parse(kept->body)["id"].get<int64_t>(), undone_id);
    server.stop();
  }

  RunResult r = hl({"export", "--reviews", "--format", "jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<Json> rows;
  for (size_t pos = 0, end; (end = r.out.find('\n', pos)) != std::string::npos; pos = end + 1) {
    rows.push_back(Json::parse(r.out.substr(pos, end - pos)));
  }
  ASSERT_EQ(rows.size(), 2u) << r.out;
  EXPECT_EQ(rows[0]["reviewer"], "import");
  EXPECT_EQ(rows[1]["reviewer"], "rita");
  EXPECT_EQ(rows[1]["label"], "bad");
  EXPECT_EQ(rows[1]["tags"], Json::array({"tone"}));
  EXPECT_EQ(rows[1]["note"], "curt");
  EXPECT_EQ(rows[1]["kind"], "audit");
  EXPECT_EQ(rows[1]["external_id"], "s1");
  EXPECT_EQ(rows[1]["model_input"], "Where is my order NW-123456?");
  for (const Json& row : rows) {
    EXPECT_EQ(row["session_id"], 1);
    EXPECT_EQ(row["model_version"], "v1");
    EXPECT_GE(row["model_score"].get<double>(), 0.0);
    EXPECT_TRUE(row["model_decision"] == "pass" || row["model_decision"] == "fail") << row;
    EXPECT_TRUE(row["created_at_ms"].is_number_integer());
  }
}

// --- Help and version ----------------------------------------------------------

TEST_F(DataCommands, VersionPrintsTheProjectVersion) {
  RunResult r = run_hitloop({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(std::regex_match(r.out, std::regex("hitloop [0-9]+\\.[0-9]+\\.[0-9]+\n"))) << r.out;
}

TEST_F(DataCommands, HelpListsEveryCommandWithAWholeSentence) {
  RunResult help = run_hitloop({"help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  EXPECT_EQ(help.out, run_hitloop({"--help"}).out);
  size_t start = help.out.find("commands:\n");
  ASSERT_NE(start, std::string::npos);
  std::string list = help.out.substr(start + 10, help.out.find("\n\n", start) - start - 10);
  int commands = 0;
  for (size_t pos = 0, end; pos < list.size(); pos = end + 1) {
    end = list.find('\n', pos);
    if (end == std::string::npos) end = list.size();
    std::string line = list.substr(pos, end - pos);
    EXPECT_EQ(line.back(), '.') << "cut mid-sentence: " << line;
    ++commands;
  }
  EXPECT_GE(commands, 15);
}

TEST_F(DataCommands, HelpCommandIsTheCommandsOwnHelp) {
  RunResult help = run_hitloop({"help", "export"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_EQ(help.out, run_hitloop({"export", "--help"}).out);
  EXPECT_NE(help.out.find("--reviews"), std::string::npos);
  RunResult unknown = run_hitloop({"help", "exprot"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown command 'exprot'"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("  import "), std::string::npos) << unknown.err;
}

// --- Blank categories ----------------------------------------------------------

TEST_F(DataCommands, StatsShowsABlankCategoryAsNone) {
  std::string f = file("s.csv",
                       "model_input,model_output,good,category\n"
                       "q1,a1,1,returns\n"
                       "q2,a2,0,\n");
  ASSERT_EQ(hl({"import", f}).exit_code, 0);
  RunResult r = hl({"stats"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\n  (none)    "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  returns "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace hitloop::e2e
