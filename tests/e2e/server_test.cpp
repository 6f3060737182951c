// The HTTP API against the real binary on a free port with a temp store.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "run.h"
#include "server_fixture.h"
#include "server_process.h"

namespace hitloop::e2e {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::string kExamples = std::string(HITLOOP_SOURCE_DIR) + "/examples/ecommerce_support.csv";

class Server : public ServerFixture {};

TEST_F(Server, IngestsSessionsIdempotentlyByExternalId) {
  start();
  auto h = bearer(key());
  Json batch = {{"sessions",
                 {{{"id", "a1"}, {"input", "Where is my order?"}, {"output", "It shipped."}},
                  {{"id", "a2"},
                   {"input", "Refund?"},
                   {"output", "Within 30 days."},
                   {"category", "returns"}}}}};
  auto first = post("/v1/sessions", batch, h);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 201) << first->body;
  Json a = Json::parse(first->body);
  EXPECT_EQ(a["created"], 2);
  auto again = post("/v1/sessions", batch, h);
  Json b = Json::parse(again->body);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(b["created"], 0);
  EXPECT_EQ(b["duplicates"], 2);
  EXPECT_EQ(a["sessions"][1]["id"], b["sessions"][1]["id"]);
  auto one = post("/v1/sessions", {{"input", "hi"}, {"output", "hello"}}, h);
  EXPECT_EQ(one->status, 201);
  auto list = client_->Get("/v1/sessions?category=returns", h);
  EXPECT_EQ(Json::parse(list->body)["total"], 1);
}

TEST_F(Server, RejectsBadInputWithAJsonError) {
  start();
  auto h = bearer(key());
  auto bad_json = client_->Post("/v1/sessions", h, "{\"input\": ", "application/json");
  EXPECT_EQ(bad_json->status, 400);
  EXPECT_NE(Json::parse(bad_json->body)["error"]["message"].get<std::string>().find(
                "invalid JSON at byte"),
            std::string::npos);
  auto empty_output = post("/v1/sessions", {{"input", "q"}, {"output", ""}}, h);
  EXPECT_EQ(empty_output->status, 400);
  EXPECT_NE(empty_output->body.find("sessions[0]: empty model_output"), std::string::npos)
      << empty_output->body;
  auto huge = client_->Post("/v1/evaluate", h, std::string(5 << 20, 'x'), "application/json");
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
  auto missing = client_->Get("/v1/sessions/999", h);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Json::parse(missing->body)["error"]["code"], "not_found");
}

TEST_F(Server, RefusesCallersWithoutValidCredentialsOrTheRightRole) {
  ASSERT_EQ(
      hl({"users", "add", "rita", "--role", "reviewer", "--password", "rita-secret"}).exit_code, 0);
  start();
  EXPECT_EQ(client_->Get("/v1/sessions")->status, 401);
  EXPECT_EQ(client_->Get("/v1/sessions", bearer("hl_wrong"))->status, 401);
  EXPECT_EQ(client_->Get("/healthz")->status, 200);
  auto bad_login = post("/v1/auth/login", {{"name", "rita"}, {"password", "nope-nope"}}, {});
  EXPECT_EQ(bad_login->status, 401);
  auto login = post("/v1/auth/login", {{"name", "rita"}, {"password", "rita-secret"}}, {});
  ASSERT_EQ(login->status, 200);
  std::string cookie = login->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  httplib::Headers as_rita = {{"Cookie", cookie.substr(0, cookie.find(';'))}};
  EXPECT_EQ(client_->Get("/v1/auth/me", as_rita)->status, 200);
  EXPECT_EQ(client_->Get("/v1/users", as_rita)->status, 403);
  EXPECT_EQ(post("/v1/keys", {{"name", "x"}}, as_rita)->status, 403);
  EXPECT_EQ(client_->Post("/v1/models/v1/activate", as_rita, "", "application/json")->status, 403);
}

TEST_F(Server, ReviewersLabelFromTheQueueAndCanUndo) {
  ASSERT_EQ(
      hl({"users", "add", "rita", "--role", "reviewer", "--password", "rita-secret"}).exit_code, 0);
  start();
  auto h = bearer(key());
  post("/v1/sessions",
       {{"sessions", {{{"input", "q1"}, {"output", "a1"}}, {{"input", "q2"}, {"output", "a2"}}}}},
       h);
  auto login = post("/v1/auth/login", {{"name", "rita"}, {"password", "rita-secret"}}, {});
  std::string cookie = login->get_header_value("Set-Cookie");
  httplib::Headers rita = {{"Cookie", cookie.substr(0, cookie.find(';'))}};
  Json next = Json::parse(client_->Get("/v1/queue/next", rita)->body);
  EXPECT_EQ(next["remaining"], 2);
  int64_t id = next["session"]["id"];
  auto review = post("/v1/sessions/" + std::to_string(id) + "/reviews",
                     {{"label", "bad"}, {"tags", {"refusal"}}, {"note", "too short"}}, rita);
  ASSERT_EQ(review->status, 201) << review->body;
  Json after = Json::parse(client_->Get("/v1/queue/next", rita)->body);
  EXPECT_EQ(after["remaining"], 1);
  EXPECT_NE(after["session"]["id"], id);
  Json detail =
      Json::parse(client_->Get(("/v1/sessions/" + std::to_string(id)).c_str(), rita)->body);
  EXPECT_EQ(detail["label"], "bad");
  EXPECT_EQ(detail["reviews"][0]["tags"][0], "refusal");
  EXPECT_EQ(detail["reviews"][0]["reviewer"], "rita");
  int64_t review_id = Json::parse(review->body)["id"];
  EXPECT_EQ(client_->Delete(("/v1/reviews/" + std::to_string(review_id)).c_str(), rita)->status,
            200);
  EXPECT_EQ(Json::parse(client_->Get("/v1/queue/next", rita)->body)["remaining"], 2);
  auto bad_label =
      post("/v1/sessions/" + std::to_string(id) + "/reviews", {{"label", "meh"}}, rita);
  EXPECT_EQ(bad_label->status, 400);
}

TEST_F(Server, EvaluatesWithTheActiveModel) {
  start();
  auto h = bearer(key());
  auto none = post("/v1/evaluate", {{"input", "a"}, {"output", "b"}}, h);
  EXPECT_EQ(none->status, 503);
  server_.reset();
  ASSERT_EQ(hl({"train", "--data", kExamples}).exit_code, 0);
  start();
  auto r =
      post("/v1/evaluate", {{"input", "Where is my order?"}, {"output", "It shipped today."}}, h);
  ASSERT_EQ(r->status, 200) << r->body;
  Json j = Json::parse(r->body);
  EXPECT_EQ(j["model_version"], "v1");
  EXPECT_GE(j["score"].get<double>(), 0.0);
  EXPECT_LE(j["score"].get<double>(), 1.0);
  EXPECT_EQ(j["decision"], j["good"].get<bool>() ? "pass" : "fail");
  auto batch =
      post("/v1/evaluate/batch",
           {{"items", {{{"input", "a"}, {"output", "b"}}, {{"input", "c"}, {"output", "d"}}}}}, h);
  EXPECT_EQ(Json::parse(batch->body)["results"].size(), 2u);
  auto missing = post("/v1/evaluate", {{"input", "a"}}, h);
  EXPECT_EQ(missing->status, 400);
}

TEST_F(Server, RecordsEachVerdictUnlessLogIsFalse) {
  ASSERT_EQ(hl({"train", "--data", kExamples}).exit_code, 0);
  start();
  auto h = bearer(key());
  auto logged =
      post("/v1/evaluate",
           {{"input", "Where is NW-1?"}, {"output", "Shipped."}, {"category", "order_status"}}, h);
  ASSERT_EQ(logged->status, 200) << logged->body;
  auto quiet =
      post("/v1/evaluate", {{"input", "secret"}, {"output", "do not store"}, {"log", false}}, h);
  ASSERT_EQ(quiet->status, 200);
  Json page;
  for (int i = 0; i < 100; ++i) {  // the log is written in the background
    page = Json::parse(client_->Get("/v1/sessions?q=NW-1", h)->body);
    if (page["total"] == 1 && !page["sessions"][0]["verdict"].is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(page["total"], 1);
  EXPECT_EQ(page["sessions"][0]["category"], "order_status");
  EXPECT_EQ(page["sessions"][0]["verdict"]["model_version"], "v1");
  EXPECT_NEAR(page["sessions"][0]["verdict"]["score"].get<double>(),
              Json::parse(logged->body)["score"].get<double>(), 1e-6);
  EXPECT_EQ(Json::parse(client_->Get("/v1/sessions?q=secret", h)->body)["total"], 0);
  auto unknown = post("/v1/evaluate", {{"input", "a"}, {"output", "b"}, {"session_id", 424242}}, h);
  EXPECT_EQ(unknown->status, 404);
}

TEST_F(Server, ActivationDuringLoadDropsNoRequest) {
  ASSERT_EQ(hl({"train", "--data", kExamples}).exit_code, 0);
  ASSERT_EQ(hl({"train", "--data", kExamples, "--seed", "2"}).exit_code, 0);
  start();
  auto h = bearer(key());
  std::atomic<bool> done{false};
  std::atomic<int> ok{0}, failed{0}, v2{0};
  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t) {
    load.emplace_back([&] {
      httplib::Client c("127.0.0.1", server_->port());
      while (!done) {
        auto r = c.Post("/v1/evaluate", h, R"({"input":"Where is my order?","output":"Shipped."})",
                        "application/json");
        if (r && r->status == 200) {
          ok++;
          if (Json::parse(r->body)["model_version"] == "v2") v2++;
        } else {
          if (failed++ == 0) {
            ADD_FAILURE() << "first failure: "
                          << (r ? std::to_string(r->status) + " " + r->body
                                : httplib::to_string(r.error()));
          }
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto act = client_->Post("/v1/models/v2/activate", h, "", "application/json");
  EXPECT_EQ(act->status, 200) << act->body;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  done = true;
  for (auto& t : load) t.join();
  EXPECT_EQ(failed, 0);
  EXPECT_GT(ok, 100);
  EXPECT_GT(v2, 0);
  EXPECT_EQ(server_->stop(), 0);  // SIGTERM: a clean exit
}

TEST_F(Server, TrainsInTheBackgroundAndServesMetrics) {
  ASSERT_EQ(hl({"import", kExamples}).exit_code, 0);
  start();
  auto h = bearer(key());
  auto started = client_->Post("/v1/train", h, "{}", "application/json");
  ASSERT_EQ(started->status, 202) << started->body;
  Json job;
  for (int i = 0; i < 200; ++i) {
    job = Json::parse(client_->Get("/v1/train", h)->body);
    if (job["state"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["model"], "v1");
  Json models = Json::parse(client_->Get("/v1/models", h)->body);
  EXPECT_EQ(models["models"][0]["status"], "candidate");
  auto metrics = client_->Get("/metrics", h);
  EXPECT_NE(
      metrics->body.find("hitloop_http_requests_total{route=\"POST /v1/train\",code=\"2xx\"} 1"),
      std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("hitloop_http_request_duration_seconds_bucket"), std::string::npos);
}

TEST_F(Server, NoAuthIsRefusedOnANonLoopbackHost) {
  RunResult r = hl({"serve", "--no-auth", "--host", "0.0.0.0", "--port", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("only allowed on a loopback host"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace hitloop::e2e
