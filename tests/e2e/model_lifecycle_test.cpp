// A model's life as a user meets it with the built binary: train, retrain
// (or not), see why a challenger was not promoted, evaluate honestly, report.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "core/csv.h"
#include "run.h"
#include "server_fixture.h"
#include "server_process.h"

namespace hitloop::e2e {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::string kExamples = std::string(HITLOOP_SOURCE_DIR) + "/examples/ecommerce_support.csv";

// Records [from, to) of the bundled data, with its header.
std::string example_rows(int from, int to) {
  const std::string all = read_text(kExamples);
  CsvReader reader(all, 1 << 20);
  CsvRecord rec;
  std::string error, out;
  for (int i = -1; reader.next(rec, error) && i < to; ++i) {
    if (i >= 0 && i < from) continue;
    std::vector<std::string_view> fields(rec.fields.begin(), rec.fields.end());
    append_csv_row(out, fields);
  }
  return out;
}

class Lifecycle : public ServerFixture {
 protected:
  Json models() {
    RunResult r = hl({"models", "list", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? Json::parse(r.out) : Json::array();
  }
  // The server, and an API key for it in auth_.
  void start() {
    ServerFixture::start();
    auth_ = bearer(key());
  }
  using ServerFixture::post;
  httplib::Result post(const std::string& path, const std::string& body) {
    return client_->Post(path.c_str(), auth_, body, "application/json");
  }
  Json wait_for_job() { return ServerFixture::wait_for_job(auth_); }

  httplib::Headers auth_;
};

TEST_F(Lifecycle, RetrainWithoutNewLabelsSaysSoAndAddsNoVersion) {
  ASSERT_EQ(hl({"import", kExamples}).exit_code, 0);
  ASSERT_EQ(hl({"train"}).exit_code, 0);
  RunResult same = hl({"retrain"});
  EXPECT_EQ(same.exit_code, 0) << same.err;
  EXPECT_NE(same.out.find("no new labels since the active model v1"), std::string::npos)
      << same.out;
  EXPECT_EQ(models().size(), 1u);
  RunResult forced = hl({"retrain", "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(models().size(), 2u);
}

TEST_F(Lifecycle, RetrainPrintsItsPrefixOnceAndHonestCounts) {
  ASSERT_EQ(hl({"import", kExamples}).exit_code, 0);
  ASSERT_EQ(hl({"train"}).exit_code, 0);
  RunResult r = hl({"retrain", "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("retrain: retrain:"), std::string::npos) << r.err;
  // No verdicts were ever logged, so no session can be an eval-failure.
  EXPECT_NE(r.err.find("0 of them eval-failures"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("oversampled), "), std::string::npos) << r.err;
}

TEST_F(Lifecycle, RetrainRefusesANegativeToleranceBeforeTraining) {
  ASSERT_EQ(hl({"import", kExamples}).exit_code, 0);
  ASSERT_EQ(hl({"train"}).exit_code, 0);
  RunResult r = hl({"retrain", "--tolerance", "-0.5", "--force"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--tolerance must be"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("retrain:"), std::string::npos) << "it trained first: " << r.err;
  EXPECT_EQ(models().size(), 1u);
}

TEST_F(Lifecycle, ModelsListAndShowSayWhyTheGateDecidedAsItDid) {
  ASSERT_EQ(hl({"import", kExamples}).exit_code, 0);
  ASSERT_EQ(hl({"train"}).exit_code, 0);
  RunResult r = hl({"retrain", "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json list = models();
  ASSERT_EQ(list.size(), 2u);
  const Json& v2 = list[1]["model"] == "v2" ? list[1] : list[0];
  ASSERT_TRUE(v2["gate"].is_object()) << v2.dump();
  EXPECT_FALSE(v2["note"].get<std::string>().empty());
  EXPECT_EQ(v2["gate"]["active"]["model"], "v1");
  EXPECT_TRUE(v2["gate"]["challenger"]["accuracy"].is_number());
  EXPECT_TRUE(v2["gate"]["active"]["accuracy"].is_number());

  RunResult text = hl({"models", "list"});
  EXPECT_NE(text.out.find("why: " + v2["note"].get<std::string>()), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("frozen holdout"), std::string::npos) << text.out;
  RunResult show = hl({"models", "show", "v2"});
  EXPECT_NE(show.out.find("active v1 accuracy"), std::string::npos) << show.out;
  RunResult show_json = hl({"models", "show", "v2", "--json"});
  EXPECT_EQ(Json::parse(show_json.out)["gate"]["reason"], v2["note"]);

  start();
  Json served = Json::parse(client_->Get("/v1/models", auth_)->body);
  bool found = false;
  for (const Json& m : served["models"]) {
    if (m["model"] != "v2") continue;
    found = true;
    EXPECT_EQ(m["note"], v2["note"]);
    EXPECT_EQ(m["gate"], v2["gate"]);
  }
  EXPECT_TRUE(found) << served.dump();
}

TEST_F(Lifecycle, EvalHoldoutReproducesTheGatesFigures) {
  ASSERT_EQ(hl({"import", kExamples}).exit_code, 0);
  ASSERT_EQ(hl({"train"}).exit_code, 0);
  ASSERT_EQ(hl({"retrain", "--force"}).exit_code, 0);
  Json gate = Json::parse(hl({"models", "show", "v2", "--json"}).out)["gate"];
  RunResult challenger = hl({"eval", "--holdout", "--model", "v2", "--json"});
  ASSERT_EQ(challenger.exit_code, 0) << challenger.err;
  RunResult active = hl({"eval", "--holdout", "--model", "v1", "--json"});
  ASSERT_EQ(active.exit_code, 0) << active.err;
  Json c = Json::parse(challenger.out), a = Json::parse(active.out);
  EXPECT_EQ(c["n"], gate["holdout_n"]);
  EXPECT_DOUBLE_EQ(c["accuracy"].get<double>(), gate["challenger"]["accuracy"].get<double>());
  EXPECT_DOUBLE_EQ(c["auroc"].get<double>(), gate["challenger"]["auroc"].get<double>());
  EXPECT_DOUBLE_EQ(a["accuracy"].get<double>(), gate["active"]["accuracy"].get<double>());
  EXPECT_DOUBLE_EQ(a["auroc"].get<double>(), gate["active"]["auroc"].get<double>());
  // The holdout is never trained on: no overlap warning.
  EXPECT_EQ(challenger.err.find("training data"), std::string::npos) << challenger.err;
}

TEST_F(Lifecycle, EvalOnTrainingRowsWarnsAndCountsThem) {
  write_text(dir_ / "train.csv", example_rows(0, 300));
  write_text(dir_ / "rest.csv", example_rows(300, 400));
  ASSERT_EQ(hl({"train", "--data", (dir_ / "train.csv").string()}).exit_code, 0);
  RunResult own = hl({"eval", "--data", (dir_ / "train.csv").string()});
  ASSERT_EQ(own.exit_code, 0) << own.err;
  EXPECT_NE(own.err.find("300 of 300 rows are in the training data of model v1"), std::string::npos)
      << own.err;
  RunResult fresh = hl({"eval", "--data", (dir_ / "rest.csv").string()});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_EQ(fresh.err.find("training data"), std::string::npos) << fresh.err;
  // The row identities are part of the artifact and covered by its checksums.
  fs::path rows = dir_ / "h.models" / "v1" / "training_rows.bin";
  ASSERT_TRUE(fs::exists(rows));
  Json manifest = Json::parse(read_text(dir_ / "h.models" / "v1" / "manifest.json"));
  EXPECT_TRUE(manifest["checksums"].contains("training_rows.bin"));
}

TEST_F(Lifecycle, EvalSkipsUnlabeledRowsWithACount) {
  write_text(dir_ / "train.csv", example_rows(0, 200));
  ASSERT_EQ(hl({"train", "--data", (dir_ / "train.csv").string()}).exit_code, 0);
  write_text(dir_ / "mixed.csv",
             "model_input,model_output,good\n"
             "Where is my order?,It shipped today.,1\n"
             "Can I return this?,No.,0\n"
             "Do you ship abroad?,Yes we do.,\n");
  RunResult r = hl({"eval", "--data", (dir_ / "mixed.csv").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["n"], 2);
  EXPECT_NE(r.err.find("1 unlabeled rows skipped"), std::string::npos) << r.err;
}

TEST_F(Lifecycle, TrainingRequestsWithAnUnknownKindOrNoBaseAreRefusedAtOnce) {
  ASSERT_EQ(hl({"import", kExamples}).exit_code, 0);
  start();
  auto unknown = post("/v1/train", R"({"kind": "gpt"})");
  EXPECT_EQ(unknown->status, 400) << unknown->body;
  // Whether or not this build has the encoder, this cannot start a job.
  auto no_base = post("/v1/train", R"({"kind": "encoder"})");
  EXPECT_EQ(no_base->status, 400) << no_base->body;
  auto typo = post("/v1/retrain", R"({"epoch": 2})");
  EXPECT_EQ(typo->status, 400) << typo->body;
  EXPECT_EQ(Json::parse(client_->Get("/v1/train", auth_)->body)["state"], "idle");
}

TEST_F(Lifecycle, RetrainOverHttpUsesTheActiveModelsRecipeAndSkipsWithoutNewLabels) {
  ASSERT_EQ(hl({"import", kExamples}).exit_code, 0);
  ASSERT_EQ(hl({"train", "--seed", "7"}).exit_code, 0);
  start();
  auto skipped = post("/v1/retrain", "");
  ASSERT_EQ(skipped->status, 202) << skipped->body;
  Json job = wait_for_job();
  EXPECT_EQ(job["state"], "done") << job.dump();
  EXPECT_TRUE(job["model"].is_null()) << job.dump();
  EXPECT_NE(job["progress"].back().get<std::string>().find("no new labels"), std::string::npos);
  auto forced = post("/v1/retrain", R"({"force": true})");
  ASSERT_EQ(forced->status, 202) << forced->body;
  job = wait_for_job();
  EXPECT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["model"], "v2");
  Json manifest = Json::parse(read_text(dir_ / "h.models" / "v2" / "manifest.json"));
  EXPECT_EQ(manifest["recipe"]["seed"], 7);
}

TEST_F(Lifecycle, ReportJsonCarriesEverythingTheTextShows) {
  ASSERT_EQ(hl({"import", kExamples}).exit_code, 0);
  ASSERT_EQ(hl({"train"}).exit_code, 0);
  start();
  // Two verdicts logged through the API, one without a category, then reviewed.
  auto ev1 =
      post("/v1/evaluate", R"({"input": "Zebra crossing question 4711?", "output": "No idea."})");
  ASSERT_EQ(ev1->status, 200) << ev1->body;
  auto ev2 = post("/v1/evaluate", R"({"input": "Refund please", "output": "Done, refunded.",
                                      "category": "returns"})");
  ASSERT_EQ(ev2->status, 200) << ev2->body;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the verdict writer
  Json page = Json::parse(client_->Get("/v1/sessions", auth_)->body);
  int64_t id = 0;
  for (const Json& s : page["sessions"]) {
    if (s["model_input"] == "Zebra crossing question 4711?") id = s["id"];
  }
  ASSERT_NE(id, 0) << page.dump();
  auto review = post("/v1/sessions/" + std::to_string(id) + "/reviews",
                     R"({"label": "bad", "tags": ["unhelpful"]})");
  ASSERT_EQ(review->status, 201) << review->body;
  // Weeks start on Monday.
  Json weeks = Json::parse(client_->Get("/v1/metrics/agreement?by=week", auth_)->body);
  ASSERT_FALSE(weeks["groups"].empty()) << weeks.dump();
  for (const Json& g : weeks["groups"]) {
    int64_t day = g["key"].get<int64_t>() / (24LL * 3600 * 1000);
    EXPECT_EQ((day + 3) % 7, 0) << "bucket day " << day << " is not a Monday";
  }
  server_.reset();

  RunResult text = hl({"report"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("(none)"), std::string::npos) << text.out;
  RunResult r = hl({"report", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_TRUE(j["agreement"].contains("false_pass_rate")) << j.dump();
  EXPECT_TRUE(j["agreement"].contains("false_fail_rate"));
  EXPECT_TRUE(j["agreement_by_model_version"]["v1"].contains("false_pass_rate"));
  EXPECT_TRUE(j["agreement_by_category"].contains("")) << j.dump();
  EXPECT_TRUE(j["automation"].is_object());
  EXPECT_TRUE(j["failures_by_tag"].is_array());
  EXPECT_TRUE(j["alerts"].is_array());
}

}  // namespace
}  // namespace hitloop::e2e

namespace hitloop::e2e {
namespace {

// A model flagged worse than chance (its manifest says so) may still be
// activated by hand, but both the CLI and the API say what it is.
TEST_F(Lifecycle, ActivatingAModelWorseThanChanceByHandWarns) {
  ASSERT_EQ(hl({"train", "--data", kExamples}).exit_code, 0);
  ASSERT_EQ(hl({"train", "--data", kExamples, "--seed", "2"}).exit_code, 0);
  Json v2 = Json::parse(hl({"models", "show", "v2", "--json"}).out);
  fs::path manifest = fs::path(v2["path"].get<std::string>()) / "manifest.json";
  Json m = Json::parse(read_text(manifest));
  m["worse_than_chance"] = true;
  write_text(manifest, m.dump());

  RunResult cli = hl({"models", "activate", "v2"});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.err.find("worse than chance"), std::string::npos) << cli.err;
  ASSERT_EQ(hl({"models", "activate", "v1"}).exit_code, 0);

  start();
  auto r = post("/v1/models/v2/activate", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  Json answer = Json::parse(r->body);
  EXPECT_EQ(answer["active"], "v2");
  EXPECT_NE(answer.value("warning", "").find("worse than chance"), std::string::npos) << r->body;
}

}  // namespace
}  // namespace hitloop::e2e
