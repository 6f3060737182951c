// A test with its own directory and store, the CLI on that store, and the
// real server started on it on demand.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "run.h"
#include "server_process.h"

namespace hitloop::e2e {

class ServerFixture : public testing::Test {
 protected:
  void SetUp() override {
    // httplib's client writes without MSG_NOSIGNAL; a server that answers
    // before reading a body may close while it is still being sent.
    signal(SIGPIPE, SIG_IGN);
    dir_ = fresh_dir(std::string(testing::UnitTest::GetInstance()->current_test_suite()->name()) +
                     "_" + testing::UnitTest::GetInstance()->current_test_info()->name());
    db_ = (dir_ / "h.db").string();
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }
  // `hitloop --db <this test's store> ARGS...`
  RunResult hl(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_});
    return run_hitloop(args);
  }
  void start(std::vector<std::string> serve_args = {"--admin-password", "admin-secret"}) {
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{"--db", db_}, serve_args,
                                              log_path());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }
  // Where the running server's log (stderr) goes.
  std::string log_path() const { return (dir_ / "server.log").string(); }
  std::string server_log() const {
    std::ifstream f(log_path());
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
  // A new API key.
  std::string key() {
    RunResult r = hl({"keys", "create", "svc"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }
  httplib::Headers bearer(const std::string& k) { return {{"Authorization", "Bearer " + k}}; }
  // GET /v1/train until the job is no longer running (at most a minute).
  nlohmann::json wait_for_job(const httplib::Headers& h) {
    nlohmann::json job;
    for (int i = 0; i < 600; ++i) {
      job = nlohmann::json::parse(client_->Get("/v1/train", h)->body);
      if (job["state"] != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return job;
  }
  httplib::Result post(const std::string& path, const nlohmann::json& body,
                       const httplib::Headers& h) {
    return client_->Post(path.c_str(), h, body.dump(), "application/json");
  }

  std::filesystem::path dir_;
  std::string db_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace hitloop::e2e
