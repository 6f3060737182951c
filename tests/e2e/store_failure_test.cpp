// When the store fails, the server says so (a 500, logged) instead of
// blaming the caller: a broken database is not a wrong password.
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "server_fixture.h"

namespace hitloop::e2e {
namespace {

class StoreFailure : public ServerFixture {
 protected:
  // Takes `table` away behind the server's back, as a damaged database would.
  void break_table(const std::string& table) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
    std::string sql = "ALTER TABLE " + table + " RENAME TO " + table + "_gone";
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
    sqlite3_free(err);
    sqlite3_close(db);
  }
};

TEST_F(StoreFailure, AStoreErrorAtLoginIsA500WithALogLineNotA401) {
  start();
  break_table("users");
  auto r = post("/v1/auth/login", {{"name", "admin"}, {"password", "admin-secret"}}, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500) << r->body;
  EXPECT_EQ(nlohmann::json::parse(r->body)["error"]["code"], "internal") << r->body;
  std::string log = server_log();
  EXPECT_NE(log.find("POST /v1/auth/login"), std::string::npos) << log;
  EXPECT_NE(log.find("users"), std::string::npos) << log;
}

TEST_F(StoreFailure, AStoreErrorWhileCheckingAnApiKeyIsA500NotA401) {
  std::string k = key();
  start();
  break_table("api_keys");
  auto r = client_->Get("/v1/sessions", bearer(k));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500) << r->body;
  EXPECT_NE(server_log().find("api_keys"), std::string::npos) << server_log();
}

TEST_F(StoreFailure, AMonitorRunThatFailsIsLoggedNotSilent) {
  start({"--admin-password", "admin-secret", "--monitor-seconds", "1"});
  break_table("verdicts");
  std::string log;
  for (int i = 0; i < 50 && log.find("pass-rate monitor") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    log = server_log();
  }
  EXPECT_NE(log.find("pass-rate monitor"), std::string::npos) << log;
  EXPECT_NE(log.find("verdicts"), std::string::npos) << log;
}

}  // namespace
}  // namespace hitloop::e2e
