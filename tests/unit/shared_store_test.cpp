// The server's shared store: writes take one lock; reads run on pooled
// connections of their own, so they neither wait for a writer nor miss
// what it committed.
#include "service/shared_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "temp_store.h"

namespace hitloop::service {
namespace {

class SharedStoreTest : public testing_support::TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    shared_ = std::make_unique<SharedStore>(std::move(store_), (dir_ / "h.db").string());
  }
  void TearDown() override {
    shared_.reset();
    TempStoreTest::TearDown();
  }
  Status import_one(const std::string& input) {
    return shared_->with([&](Store& s) -> Status {
      ImportRow row;
      row.model_input = input;
      row.model_output = "an answer";
      return s.import_rows({row}, ImportOptions{}).status();
    });
  }
  Result<int64_t> count_sessions() {
    return shared_->read_with([](Store& s) -> Result<int64_t> {
      HITLOOP_ASSIGN_OR_RETURN(SessionPage page, s.list_sessions(SessionFilter{}));
      return page.total;
    });
  }
  std::unique_ptr<SharedStore> shared_;
};

TEST_F(SharedStoreTest, AReadRunsWhileAWriterHoldsTheLock) {
  ASSERT_TRUE(import_one("q1").ok());
  std::promise<void> read_done;
  std::future<void> done = read_done.get_future();
  std::promise<bool> writer_saw_read;
  std::thread writer([&] {
    Status st = shared_->with([&](Store&) -> Status {
      // Holds the writer's lock until the read finished (or 10 s passed:
      // then the read was waiting for this lock).
      writer_saw_read.set_value(done.wait_for(std::chrono::seconds(10)) ==
                                std::future_status::ready);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok());
  });
  // Let the writer take the lock first.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Result<int64_t> n = count_sessions();
  read_done.set_value();
  writer.join();
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(*n, 1);
  EXPECT_TRUE(writer_saw_read.get_future().get());
}

TEST_F(SharedStoreTest, AReadSeesWhatTheWriterCommittedJustBefore) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(import_one("q" + std::to_string(i)).ok());
    Result<int64_t> n = count_sessions();
    ASSERT_TRUE(n.ok()) << n.status().message();
    EXPECT_EQ(*n, i + 1);
  }
}

TEST_F(SharedStoreTest, ReadsReuseAPooledConnectionInsteadOfOpeningOneEachTime) {
  EXPECT_EQ(shared_->idle_readers(), 0u);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(count_sessions().ok());
  EXPECT_EQ(shared_->idle_readers(), 1u);
  // Two reads at once need two connections; both go back to the pool.
  std::promise<void> inside;
  std::promise<void> release;
  std::thread other([&] {
    Status st = shared_->read([&](Store&) -> Status {
      inside.set_value();
      release.get_future().wait();
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok());
  });
  inside.get_future().wait();
  EXPECT_TRUE(count_sessions().ok());
  release.set_value();
  other.join();
  EXPECT_EQ(shared_->idle_readers(), 2u);
}

TEST(SharedStoreInMemory, ReadsShareTheWritersConnection) {
  auto opened = open_store(":memory:");
  ASSERT_TRUE(opened.ok());
  SharedStore shared(std::move(opened).value(), ":memory:");
  ASSERT_TRUE(shared
                  .with([](Store& s) -> Status {
                    ImportRow row;
                    row.model_input = "q";
                    row.model_output = "a";
                    return s.import_rows({row}, ImportOptions{}).status();
                  })
                  .ok());
  // A second connection to ":memory:" would be another, empty database.
  Result<int64_t> n = shared.read_with([](Store& s) -> Result<int64_t> {
    HITLOOP_ASSIGN_OR_RETURN(SessionPage page, s.list_sessions(SessionFilter{}));
    return page.total;
  });
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(shared.idle_readers(), 0u);
}

}  // namespace
}  // namespace hitloop::service
