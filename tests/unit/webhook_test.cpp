// The alert webhook against a real HTTP receiver on loopback.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "http/app.h"

namespace hitloop::http {
namespace {

class Receiver {
 public:
  explicit Receiver(int status) {
    server_.Post("/hook", [this, status](const httplib::Request& req, httplib::Response& res) {
      body_ = req.body;
      content_type_ = req.get_header_value("Content-Type");
      res.status = status;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // The socket listens once bound: a connection waits for the accept loop.
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::string body_, content_type_;

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

AlertRecord drop_alert() {
  AlertRecord a;
  a.id = 7;
  a.created_at_ms = 1700000000000;
  a.bucket_start_ms = 1699999200000;
  a.bucket_ms = 3600000;
  a.direction = AlertDirection::kDrop;
  a.baseline = 0.9;
  a.observed = 0.1 + 0.2;  // float noise must not reach the receiver
  a.statistic = 12.5;
  a.category = "returns";
  a.model_version = 3;
  return a;
}

TEST(AlertWebhook, PostsTheAlertAsJsonInTheApisShapeWithItsType) {
  Receiver receiver(200);
  ASSERT_TRUE(post_webhook(receiver.url(), drop_alert()).ok());
  EXPECT_EQ(receiver.content_type_, "application/json");
  EXPECT_NE(receiver.body_.find("\"observed\":0.3,"), std::string::npos) << receiver.body_;
  auto j = nlohmann::json::parse(receiver.body_);
  EXPECT_EQ(j["type"], "hitloop.pass_rate_alert");
  EXPECT_EQ(j["id"], 7);
  EXPECT_EQ(j["direction"], "drop");
  EXPECT_EQ(j["category"], "returns");
  EXPECT_EQ(j["model_version"], "v3");
  EXPECT_EQ(j["bucket_start"], 1699999200000);
}

TEST(AlertWebhook, AReceiverThatFailsIsAnErrorNamingItsStatus) {
  Receiver receiver(500);
  Status st = post_webhook(receiver.url(), drop_alert());
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("500"), std::string::npos) << st.message();
}

TEST(AlertWebhook, OnlyPlainHttpUrlsAreAccepted) {
  Status st = post_webhook("ftp://127.0.0.1/hook", drop_alert());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hitloop::http
