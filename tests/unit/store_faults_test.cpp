// Writes that fail half-way: each write is made to fail at its 1st, 2nd, ...
// statement (sqlite::testing::fail_statement_after) until it completes, and
// every failure must leave the committed data as it was and the store usable.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <string>

#include "store/sqlite_db.h"
#include "store/store.h"
#include "temp_store.h"

namespace hitloop {
namespace {

namespace fs = std::filesystem;
namespace faults = sqlite::testing;

// What another connection sees: only committed rows.
struct Counts {
  int64_t sessions = 0, reviews = 0, verdicts = 0, models = 0, active = 0, alerts = 0, users = 0;
  bool operator==(const Counts&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Counts& c) {
  return os << "{sessions " << c.sessions << ", reviews " << c.reviews << ", verdicts "
            << c.verdicts << ", models " << c.models << " (active " << c.active << "), alerts "
            << c.alerts << ", users " << c.users << "}";
}

class StoreFaultTest : public testing::Test {
 protected:
  using Setup = std::function<void(Store&)>;
  using Write = std::function<Status(Store&)>;

  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) /
           ("faults_" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    faults::clear_statement_faults();
    fs::remove_all(dir_);
  }

  Counts counts(const fs::path& db_path) {
    sqlite3* db = nullptr;
    Counts c;
    EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    auto count = [&](const char* sql) {
      sqlite3_stmt* st = nullptr;
      EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK) << sql;
      EXPECT_EQ(sqlite3_step(st), SQLITE_ROW) << sql;
      int64_t n = sqlite3_column_int64(st, 0);
      sqlite3_finalize(st);
      return n;
    };
    c.sessions = count("SELECT COUNT(*) FROM sessions");
    c.reviews = count("SELECT COUNT(*) FROM reviews");
    c.verdicts = count("SELECT COUNT(*) FROM verdicts");
    c.models = count("SELECT COUNT(*) FROM models");
    c.active = count("SELECT COALESCE(MAX(version), 0) FROM models WHERE status = 'active'");
    c.alerts = count("SELECT COUNT(*) FROM alerts");
    c.users = count("SELECT COUNT(*) FROM users");
    sqlite3_close(db);
    return c;
  }

  // Runs `write` on a fresh store prepared by `setup`, failing its n-th
  // statement for n = 1, 2, ... until it completes without reaching the
  // fault. Each failed run must report the error, change no committed row,
  // and leave the store able to run the same write to completion. Returns
  // how many statements the write executes.
  int fail_at_every_statement(const Setup& setup, const Write& write) {
    for (int n = 1; n <= 200; ++n) {
      SCOPED_TRACE("the write's statement " + std::to_string(n) + " fails");
      const fs::path path = dir_ / ("h" + std::to_string(n) + ".db");
      auto opened = open_store(path.string());
      EXPECT_TRUE(opened.ok()) << opened.status().message();
      if (!opened.ok()) return 0;
      std::unique_ptr<Store> store = std::move(opened).value();
      setup(*store);
      const Counts before = counts(path);

      const int64_t fired = faults::injected_faults();
      faults::fail_statement_after(n);
      Status st = write(*store);
      faults::clear_statement_faults();
      if (faults::injected_faults() == fired) {  // the write has fewer statements
        EXPECT_TRUE(st.ok()) << st.message();
        EXPECT_NE(counts(path), before);
        return n - 1;
      }
      EXPECT_FALSE(st.ok()) << "a statement failed but the write reported success";
      EXPECT_NE(st.message().find("injected"), std::string::npos) << st.message();
      EXPECT_EQ(counts(path), before);

      Status again = write(*store);
      EXPECT_TRUE(again.ok()) << "the store is unusable after the failure: " << again.message();
      EXPECT_NE(counts(path), before);
    }
    ADD_FAILURE() << "the write never completed";
    return 0;
  }

  static ImportRow row(std::string in, std::optional<Label> label, std::string id = "") {
    return testing_support::import_row(std::move(in), "out", label, std::move(id));
  }
  static ImportOptions by(std::string reviewer) {
    return testing_support::imported_by(std::move(reviewer));
  }

  static ModelRecord model(int version) {
    ModelRecord m;
    m.version = version;
    m.kind = "ngram";
    m.path = "v" + std::to_string(version);
    return m;
  }

  fs::path dir_;
};

void one_labeled_session(Store& store) {
  ImportOptions o;
  o.reviewer = "ann";
  ImportRow r;
  r.model_input = "kept";
  r.model_output = "out";
  r.label = Label::kGood;
  r.external_id = "e1";
  ASSERT_TRUE(store.import_rows({r}, o).ok());
}

TEST_F(StoreFaultTest, AnImportThatFailsAtAnyStatementLeavesNoRowBehind) {
  // New sessions, a new label on a stored session (found by external id and
  // by content) and an unchanged one: every kind of statement the import runs.
  int statements = fail_at_every_statement(one_labeled_session, [](Store& store) {
    return store
        .import_rows({row("one", Label::kGood), row("kept", Label::kBad, "e1"),
                      row("two", std::nullopt, "e2"), row("one", Label::kGood)},
                     by("ann"))
        .status();
  });
  EXPECT_GE(statements, 6);
}

TEST_F(StoreFaultTest, AReviewThatFailsIsNotSaved) {
  int statements = fail_at_every_statement(one_labeled_session, [](Store& store) {
    Review r;
    r.session_id = 1;  // the only session
    r.reviewer = "bob";
    r.label = Label::kBad;
    r.tags = {"tone"};
    return store.add_review(r).status();
  });
  EXPECT_EQ(statements, 1);
}

TEST_F(StoreFaultTest, ABatchOfVerdictsThatFailsAtAnyStatementStoresNoneOfThem) {
  int statements = fail_at_every_statement(one_labeled_session, [](Store& store) {
    std::vector<VerdictRecord> batch(3);
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i].session_id = 1;  // the only session
      batch[i].model_version = 1;
      batch[i].score = 0.2 * static_cast<double>(i + 1);
      batch[i].threshold = 0.4;
      batch[i].created_at_ms = 1000 + static_cast<int64_t>(i);
    }
    return store.add_verdicts(batch);
  });
  EXPECT_GE(statements, 5);  // BEGIN, three inserts, COMMIT
}

TEST_F(StoreFaultTest, AlertsThatFailAtAnyStatementAreNotStored) {
  int statements = fail_at_every_statement([](Store&) {},
                                           [](Store& store) {
                                             std::vector<AlertRecord> alerts(2);
                                             alerts[0].direction = AlertDirection::kDrop;
                                             alerts[0].bucket_start_ms = 1000;
                                             alerts[1].direction = AlertDirection::kRise;
                                             alerts[1].bucket_start_ms = 2000;
                                             return store.add_alerts(alerts).status();
                                           });
  EXPECT_GE(statements, 4);
}

TEST_F(StoreFaultTest, AModelThatFailsToRegisterLeavesTheActiveModelActive) {
  auto one_active_model = [](Store& store) {
    ASSERT_TRUE(store.add_model(model(1), /*activate=*/true).ok());
  };
  // Retiring v1 and inserting v2 are two statements: neither may stay alone.
  int statements = fail_at_every_statement(
      one_active_model, [](Store& store) { return store.add_model(model(2), true); });
  EXPECT_GE(statements, 4);  // BEGIN, retire, insert, COMMIT
}

TEST_F(StoreFaultTest, AnActivationThatFailsLeavesThePreviousModelActive) {
  auto two_models = [](Store& store) {
    ASSERT_TRUE(store.add_model(model(1), /*activate=*/true).ok());
    ASSERT_TRUE(store.add_model(model(2), /*activate=*/false).ok());
  };
  int statements =
      fail_at_every_statement(two_models, [](Store& store) { return store.activate_model(2); });
  EXPECT_GE(statements, 5);  // the lookup, BEGIN, retire, activate, COMMIT
}

TEST_F(StoreFaultTest, AFaultArmedForOtherStatementsLetsTheOthersRun) {
  auto store = open_store((dir_ / "h.db").string());
  ASSERT_TRUE(store.ok());
  one_labeled_session(**store);
  User u;
  u.name = "ann";
  u.role = "admin";
  u.password_hash = "x";
  ASSERT_TRUE((*store)->add_user(u).ok());
  faults::fail_statement_after(1, "FROM users");
  EXPECT_TRUE((*store)->list_sessions({}).ok());  // not a users statement: runs
  auto found = (*store)->find_user("ann");
  ASSERT_FALSE(found.ok());
  EXPECT_NE(found.status().code(), StatusCode::kNotFound) << "an I/O error is not an absence";
  EXPECT_TRUE((*store)->find_user("ann").ok());  // the fault fired once
}

}  // namespace
}  // namespace hitloop
