// The server's verdict writer: bounded, and it says what it drops.
#include "service/verdict_recorder.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "service/shared_store.h"

namespace hitloop::service {
namespace {

namespace fs = std::filesystem;

LoggedVerdict verdict(int i) {
  LoggedVerdict v;
  v.session.model_input = "question " + std::to_string(i);
  v.session.model_output = "answer " + std::to_string(i);
  v.verdict.model_version = 1;
  v.verdict.score = 0.7;
  v.verdict.good = true;
  v.verdict.decision = "pass";
  v.verdict.created_at_ms = 1000 + i;
  return v;
}

TEST(VerdictRecorder, DropsBeyondItsBoundWhileTheStoreIsBusyAndCountsWhatItDropped) {
  fs::path dir = fs::path(testing::TempDir()) / "verdict_log_bound";
  fs::remove_all(dir);
  fs::create_directories(dir);
  SharedStore store(std::move(open_store((dir / "h.db").string())).value());
  std::vector<std::string> said;
  std::mutex said_mu;
  VerdictRecorderLimits limits;
  limits.max_items = 5;
  const int n = 500;
  int accepted = 0;
  {
    VerdictRecorder log(
        store,
        [&](const std::string& line) {
          std::lock_guard lock(said_mu);
          said.push_back(line);
        },
        limits);
    // While the store is held (a long write elsewhere), the writer cannot
    // drain: at most the queue and the one batch it took can be accepted.
    store.with([&](Store&) {
      for (int i = 0; i < n; ++i) accepted += log.add(verdict(i));
      return 0;
    });
    log.flush();
    EXPECT_LE(accepted, 2 * static_cast<int>(limits.max_items));
    EXPECT_GE(accepted, static_cast<int>(limits.max_items));
    EXPECT_EQ(log.dropped(), n - accepted);
  }
  auto stored = store.with([](Store& s) { return s.verdicts_since(0); });
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(static_cast<int>(stored->size()), accepted);  // what was accepted is written
  ASSERT_FALSE(said.empty());
  EXPECT_NE(said.front().find("queue full"), std::string::npos) << said.front();
  fs::remove_all(dir);
}

TEST(VerdictRecorder, BoundsTheQueuedTextInBytesToo) {
  fs::path dir = fs::path(testing::TempDir()) / "verdict_log_bytes";
  fs::remove_all(dir);
  fs::create_directories(dir);
  SharedStore store(std::move(open_store((dir / "h.db").string())).value());
  VerdictRecorderLimits limits;
  limits.max_bytes = 4096;
  VerdictRecorder log(
      store, [](const std::string&) {}, limits);
  LoggedVerdict big = verdict(1);
  big.session.model_output.assign(5000, 'x');  // alone over the bound
  EXPECT_FALSE(log.add(big));
  EXPECT_TRUE(log.add(verdict(2)));
  log.flush();
  EXPECT_EQ(log.dropped(), 1);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hitloop::service
