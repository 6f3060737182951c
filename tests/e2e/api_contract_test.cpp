// What docs/api.md and the README promise, checked the way a user meets it:
// the real binary, curl-like requests, a second process sharing the store.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "run.h"
#include "server_fixture.h"
#include "server_process.h"

namespace hitloop::e2e {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

const std::string kExamples = std::string(HITLOOP_SOURCE_DIR) + "/examples/ecommerce_support.csv";

struct RawReply {
  std::string head, body;
  double seconds = 0;  // from sending to the whole reply
};

// Sends `request` byte for byte on a new connection and reads one reply
// (headers, then Content-Length bytes), giving up after `limit`.
RawReply raw_exchange(int port, const std::string& request,
                      std::chrono::milliseconds limit = std::chrono::milliseconds(8000)) {
  RawReply out;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return out;
  }
  auto start = Clock::now();
  (void)!send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string seen;
  size_t want = std::string::npos;
  while (Clock::now() - start < limit) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    seen.append(buf, static_cast<size_t>(n));
    size_t end = seen.find("\r\n\r\n");
    if (end != std::string::npos && want == std::string::npos) {
      out.head = seen.substr(0, end);
      size_t cl = out.head.find("Content-Length: ");
      want = end + 4 + (cl == std::string::npos ? 0 : std::stoul(out.head.substr(cl + 16)));
    }
    if (want != std::string::npos && seen.size() >= want) break;
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (want != std::string::npos) out.body = seen.substr(out.head.size() + 4);
  close(fd);
  return out;
}

std::string error_message(const std::string& body) {
  Json j = Json::parse(body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].value("message", "") : "";
}

class ApiContract : public ServerFixture {
 protected:
  // The login cookie ("hitloop_session=..."), or "" when the login fails.
  std::string login(const std::string& name, const std::string& password) {
    auto r = post("/v1/auth/login", {{"name", name}, {"password", password}}, {});
    if (!r || r->status != 200) return "";
    std::string cookie = r->get_header_value("Set-Cookie");
    return cookie.substr(0, cookie.find(';'));
  }
  std::string evaluated_version(const httplib::Headers& h) {
    auto r = post("/v1/evaluate", {{"input", "Where is my order?"}, {"output", "Shipped."}}, h);
    return r && r->status == 200 ? Json::parse(r->body)["model_version"].get<std::string>() : "";
  }
};

TEST_F(ApiContract, ActivationFromTheCliReachesTheServerWithinASecond) {
  ASSERT_EQ(hl({"train", "--data", kExamples}).exit_code, 0);
  ASSERT_EQ(hl({"train", "--data", kExamples, "--seed", "2"}).exit_code, 0);
  start();
  auto h = bearer(key());
  ASSERT_EQ(evaluated_version(h), "v1");
  for (std::string target : {"v2", "v1"}) {  // a change, then the rollback
    RunResult act = hl({"models", "activate", target});
    ASSERT_EQ(act.exit_code, 0) << act.err;
    auto done = Clock::now();
    std::string seen;
    while (Clock::now() - done < std::chrono::seconds(5) && seen != target) {
      seen = evaluated_version(h);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    double secs = std::chrono::duration<double>(Clock::now() - done).count();
    EXPECT_EQ(seen, target);
    EXPECT_LT(secs, 2.0) << "the server took " << secs << " s to serve " << target;
  }
}

TEST_F(ApiContract, AThreeMiBBodyIsAcceptedAsJsonAndRefusedAsAForm) {
  start();
  auto h = bearer(key());
  Json sessions = Json::array();
  for (int i = 0; i < 4; ++i) {  // fields stay under the 1 MiB field limit
    sessions.push_back({{"input", "question " + std::to_string(i)},
                        {"output", std::string(800 * 1024, static_cast<char>('a' + i))}});
  }
  std::string body = Json{{"sessions", sessions}}.dump();
  ASSERT_GT(body.size(), 3u << 20);
  auto r = client_->Post("/v1/sessions", h, body, "application/json; charset=UTF-8");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 201) << r->body.substr(0, 300);
  EXPECT_EQ(Json::parse(r->body)["created"], 4);
  // The same body the way `curl -d` sends it without the header: not the
  // 8 KB form limit's 413, a 415 that says what to do.
  auto form = client_->Post("/v1/sessions", h, body, "application/x-www-form-urlencoded");
  ASSERT_TRUE(form) << httplib::to_string(form.error());
  EXPECT_EQ(form->status, 415) << form->body.substr(0, 300);
  EXPECT_NE(error_message(form->body).find("Content-Type: application/json"), std::string::npos)
      << form->body;
}

TEST_F(ApiContract, AJsonBodySentAsAFormGets415NamingTheHeader) {
  start();
  auto h = bearer(key());
  std::string big = Json{{"input", "q"}, {"output", std::string(3 << 20, 'x')}}.dump();
  std::string small = R"({"input": "Where is my order?", "output": "It shipped."})";
  for (const std::string* body : {&big, &small}) {
    // What `curl -d` sends without -H 'Content-Type: application/json'.
    auto r = client_->Post("/v1/evaluate", h, *body, "application/x-www-form-urlencoded");
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    EXPECT_EQ(r->status, 415) << r->body;
    EXPECT_EQ(Json::parse(r->body)["error"]["code"], "unsupported_media_type");
    EXPECT_NE(error_message(r->body).find("Content-Type: application/json"), std::string::npos)
        << r->body;
  }
  auto text = client_->Post("/v1/auth/login", {}, R"({"name":"admin","password":"admin-secret"})",
                            "text/plain");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->status, 415);
  // curl asks "Expect: 100-continue" before a large body: refused before
  // the body is sent.
  RawReply expect = raw_exchange(server_->port(),
                                 "POST /v1/evaluate HTTP/1.1\r\nHost: x\r\n"
                                 "Content-Type: application/x-www-form-urlencoded\r\n"
                                 "Content-Length: 3145728\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(expect.head.substr(0, 12), "HTTP/1.1 415") << expect.head;
  EXPECT_NE(expect.head.find("Connection: close"), std::string::npos) << expect.head;
  EXPECT_NE(error_message(expect.body).find("Content-Type: application/json"), std::string::npos);
  EXPECT_EQ(client_->Get("/healthz")->status, 200);
}

TEST_F(ApiContract, APostWithoutABodyIsAnsweredAtOnce) {
  ASSERT_EQ(hl({"users", "add", "rita", "--password", "rita-secret"}).exit_code, 0);
  start();
  std::string rita = login("rita", "rita-secret");
  ASSERT_FALSE(rita.empty());
  // `curl -X POST URL`: neither Content-Length nor Transfer-Encoding.
  RawReply denied = raw_exchange(
      server_->port(),
      "POST /v1/models/v2/activate HTTP/1.1\r\nHost: x\r\nCookie: " + rita + "\r\n\r\n");
  EXPECT_EQ(denied.head.substr(0, 12), "HTTP/1.1 403") << denied.head << "\n" << denied.body;
  EXPECT_LT(denied.seconds, 2.0);  // not the 5 s read timeout
  RawReply ingest = raw_exchange(
      server_->port(), "POST /v1/sessions HTTP/1.1\r\nHost: x\r\nCookie: " + rita + "\r\n\r\n");
  EXPECT_EQ(ingest.head.substr(0, 12), "HTTP/1.1 400") << ingest.head;
  EXPECT_NE(error_message(ingest.body).find("empty body"), std::string::npos) << ingest.body;
  EXPECT_LT(ingest.seconds, 2.0);
  RawReply logout = raw_exchange(
      server_->port(), "POST /v1/auth/logout HTTP/1.1\r\nHost: x\r\nCookie: " + rita + "\r\n\r\n");
  EXPECT_EQ(logout.head.substr(0, 12), "HTTP/1.1 200") << logout.head << "\n" << logout.body;
  EXPECT_NE(logout.head.find("Max-Age=0"), std::string::npos) << logout.head;
  EXPECT_EQ(client_->Get("/v1/auth/me", {{"Cookie", rita}})->status, 401);
}

TEST_F(ApiContract, ErrorsHttplibRaisesSayWhatWentWrong) {
  start();
  RawReply garbage = raw_exchange(server_->port(), "NONSENSE\r\n\r\n");
  EXPECT_EQ(garbage.head.substr(0, 12), "HTTP/1.1 400") << garbage.head;
  EXPECT_EQ(error_message(garbage.body).find("no such route"), std::string::npos) << garbage.body;
  EXPECT_FALSE(error_message(garbage.body).empty()) << garbage.body;
  auto nowhere = client_->Get("/v1/nowhere");
  EXPECT_EQ(nowhere->status, 404);
  EXPECT_NE(error_message(nowhere->body).find("no such route"), std::string::npos);
  auto huge = client_->Post("/v1/evaluate", std::string(5 << 20, 'x'), "application/json");
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
  EXPECT_EQ(Json::parse(huge->body)["error"]["code"], "too_large");
}

TEST_F(ApiContract, AnAdminIsCreatedWhenReviewersWereAddedFirst) {
  // The README's order: people first, then the server.
  ASSERT_EQ(hl({"users", "add", "ana", "--password", "ana-secret"}).exit_code, 0);
  start();
  EXPECT_FALSE(login("admin", "admin-secret").empty());
  EXPECT_FALSE(login("ana", "ana-secret").empty());
  server_.reset();
  // A second start with another password says it is ignored.
  RunResult again =
      hl({"serve", "--host", "192.0.2.1", "--port", "0", "--admin-password", "other-pw-1"});
  EXPECT_NE(again.err.find("--admin-password is ignored"), std::string::npos) << again.err;
}

TEST_F(ApiContract, TheAdminPasswordCanComeFromAFile) {
  write_text(dir_ / "admin.pw", "from-a-file-1\n");
  start({"--admin-password-file", (dir_ / "admin.pw").string()});
  EXPECT_FALSE(login("admin", "from-a-file-1").empty());
}

TEST_F(ApiContract, UsersAddTakesThePasswordFromAFileOrTheEnvironment) {
  write_text(dir_ / "ana.pw", "ana-from-file\r\n");
  RunResult from_file = hl({"users", "add", "ana", "--password-file", (dir_ / "ana.pw").string()});
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_EQ(from_file.out.find("with password"), std::string::npos) << from_file.out;
  setenv("HITLOOP_PASSWORD", "bo-from-env", 1);
  RunResult from_env = hl({"users", "add", "bo"});
  unsetenv("HITLOOP_PASSWORD");
  ASSERT_EQ(from_env.exit_code, 0) << from_env.err;
  start();
  EXPECT_FALSE(login("ana", "ana-from-file").empty());
  EXPECT_FALSE(login("bo", "bo-from-env").empty());
}

TEST_F(ApiContract, AReviewOfAnUnknownKindIsRefused) {
  start();
  auto h = bearer(key());
  auto created = post("/v1/sessions", {{"input", "q"}, {"output", "a"}}, h);
  int64_t id = Json::parse(created->body)["sessions"][0]["id"];
  std::string path = "/v1/sessions/" + std::to_string(id) + "/reviews";
  for (Json kind : {Json("other"), Json(5), Json(nullptr)}) {
    auto r = post(path, {{"label", "good"}, {"kind", kind}}, h);
    EXPECT_EQ(r->status, 400) << kind << " " << r->body;
  }
  auto plain = post(path, {{"label", "good"}}, h);
  ASSERT_EQ(plain->status, 201) << plain->body;
  EXPECT_EQ(Json::parse(plain->body)["kind"], "label");  // nothing to audit here
}

TEST_F(ApiContract, AnAuditTheQueueServedIsStoredAsAnAudit) {
  ASSERT_EQ(hl({"train", "--data", kExamples}).exit_code, 0);
  start({"--admin-password", "admin-secret", "--audit-rate", "1", "--uncertainty-band", "0"});
  auto h = bearer(key());
  ASSERT_EQ(
      post("/v1/evaluate", {{"input", "Where is my order?"}, {"output", "Shipped."}}, h)->status,
      200);
  Json next;
  for (int i = 0; i < 100; ++i) {  // the verdict is written in the background
    next = Json::parse(client_->Get("/v1/queue/next", h)->body);
    if (!next["session"].is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(next["session"].is_null());
  ASSERT_EQ(next["session"]["reason"], "audit");
  int64_t id = next["session"]["id"];
  // A client that does not say why it reviews (only the web UI does).
  auto r = post("/v1/sessions/" + std::to_string(id) + "/reviews", {{"label", "bad"}}, h);
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(Json::parse(r->body)["kind"], "audit");
  Json detail = Json::parse(client_->Get(("/v1/sessions/" + std::to_string(id)).c_str(), h)->body);
  EXPECT_EQ(detail["reviews"][0]["kind"], "audit");
}

}  // namespace
}  // namespace hitloop::e2e
