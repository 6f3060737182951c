// The built binary, as a user runs it: `train --kind encoder --base
// ORG/NAME` fetches the checkpoint from a hub on loopback into the HF
// cache, and a second run, offline, finds it there.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "fake_hub.h"
#include "hub_test_util.h"
#include "run.h"
#include "server_fixture.h"

namespace hitloop::hub::testing {
namespace {

namespace fs = std::filesystem;
using e2e::run_hitloop;
using nlohmann::json;

std::string labeled_csv(int n) {
  std::string csv = "model_input,model_output,good\n";
  for (int i = 0; i < n; ++i) {
    csv += "Where is order " + std::to_string(i) + "?," +
           (i % 2 ? "\"Yes, it ships today.\",1\n" : "No. I cannot help.,0\n");
  }
  return csv;
}

std::vector<std::string> train_args(const fs::path& dir, const std::string& base) {
  return {"--db",
          (dir / "h.db").string(),
          "train",
          "--kind",
          "encoder",
          "--base",
          base,
          "--data",
          (dir / "data.csv").string(),
          "--epochs",
          "1",
          "--max-length",
          "32",
          "--threads",
          "1",
          "--json"};
}

TEST(HubCli, TrainsAnEncoderNamedOrgSlashNameFetchedFromTheHub) {
  FakeHub hub;
  hub.add_repo("org/tiny-distilbert", kCommit, fixture_files("tiny-distilbert"));
  fs::path dir = e2e::fresh_dir("hub_train");
  write_file(dir / "data.csv", labeled_csv(16));
  fs::path cache = dir / "hf";
  setenv("HF_ENDPOINT", hub.endpoint().c_str(), 1);
  setenv("HF_HUB_CACHE", cache.c_str(), 1);
  unsetenv("HF_HUB_OFFLINE");
  unsetenv("TRANSFORMERS_OFFLINE");
  unsetenv("HF_TOKEN");

  e2e::RunResult train = run_hitloop(train_args(dir, "org/tiny-distilbert"));
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_EQ(json::parse(train.out)["kind"], "encoder");
  EXPECT_NE(train.err.find("fetching org/tiny-distilbert from " + hub.endpoint()),
            std::string::npos)
      << train.err;
  EXPECT_NE(train.err.find("model.safetensors: 3.0 MB"), std::string::npos) << train.err;
  fs::path snapshot = cache / "models--org--tiny-distilbert" / "snapshots" / kCommit;
  EXPECT_TRUE(fs::is_symlink(snapshot / "model.safetensors"));
  json manifest = json::parse(read_file(dir / "h.models" / "v1" / "manifest.json"));
  EXPECT_NE(manifest.dump().find(snapshot.string()), std::string::npos);

  // Offline, from the cache, without a request.
  size_t requests = hub.requests().size();
  setenv("HF_HUB_OFFLINE", "1", 1);
  e2e::RunResult again = run_hitloop(train_args(dir, "org/tiny-distilbert"));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(hub.requests().size(), requests);

  e2e::RunResult absent = run_hitloop(train_args(dir, "org/absent"));
  EXPECT_EQ(absent.exit_code, 2);
  EXPECT_NE(absent.err.find("HF_HUB_OFFLINE is set and org/absent is not in the HF cache: no " +
                            (cache / "models--org--absent" / "refs" / "main").string()),
            std::string::npos)
      << absent.err;
  unsetenv("HF_HUB_OFFLINE");
  fs::remove_all(dir);
}

class HubServe : public e2e::ServerFixture {};

TEST_F(HubServe, TrainingRequestNamingAHubModelResolvesItInTheJob) {
  FakeHub hub;
  hub.add_repo("org/tiny-distilbert", kCommit, fixture_files("tiny-distilbert"));
  fs::path cache = dir_ / "hf";
  setenv("HF_ENDPOINT", hub.endpoint().c_str(), 1);  // the server inherits these
  setenv("HF_HUB_CACHE", cache.c_str(), 1);
  for (const char* v : {"HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN"}) unsetenv(v);
  write_file(dir_ / "data.csv", labeled_csv(16));
  ASSERT_EQ(hl({"import", (dir_ / "data.csv").string()}).exit_code, 0);
  start();
  httplib::Headers auth = bearer(key());
  auto post_train = [&](const std::string& body) {
    return client_->Post("/v1/train", auth, body, "application/json");
  };

  auto started = post_train(
      R"({"kind": "encoder", "base": "org/tiny-distilbert", "epochs": 1, "max_length": 32})");
  ASSERT_EQ(started->status, 202) << started->body;
  json job = wait_for_job(auth);
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["model"], "v1");
  fs::path snapshot = cache / "models--org--tiny-distilbert" / "snapshots" / kCommit;
  EXPECT_NE(job["progress"].dump().find("downloaded model.safetensors"), std::string::npos)
      << job.dump();
  EXPECT_NE(job["progress"].dump().find(snapshot.string()), std::string::npos) << job.dump();
  json manifest = json::parse(read_file(dir_ / "h.models" / "v1" / "manifest.json"));
  EXPECT_NE(manifest.dump().find(snapshot.string()), std::string::npos);

  // A model the hub does not have fails the job, not the request, saying why.
  auto absent = post_train(R"({"kind": "encoder", "base": "org/absent", "epochs": 1})");
  ASSERT_EQ(absent->status, 202) << absent->body;
  job = wait_for_job(auth);
  EXPECT_EQ(job["state"], "failed") << job.dump();
  EXPECT_NE(job["error"].get<std::string>().find("org/absent"), std::string::npos) << job.dump();
  EXPECT_EQ(json::parse(hl({"models", "list", "--json"}).out).size(), 1u);
  for (const char* v : {"HF_ENDPOINT", "HF_HUB_CACHE"}) unsetenv(v);
}

TEST(HubCli, TrainHelpNamesBothFormsOfBase) {
  e2e::RunResult help = run_hitloop({"train", "--help"});
  ASSERT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--base NAME|DIR"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace hitloop::hub::testing
