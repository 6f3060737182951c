#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <type_traits>

#include "core/embedded.h"
#include "store/dataset_queries.h"
#include "temp_store.h"

namespace hitloop::migrations {
const std::vector<EmbeddedFile>& embedded_files();
}

namespace hitloop {
namespace {

namespace fs = std::filesystem;

class StoreTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) /
           ("store_" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Store> open() {
    auto s = open_store((dir_ / "h.db").string());
    EXPECT_TRUE(s.ok()) << s.status().message();
    return std::move(s).value();
  }

  static ImportRow row(std::string in, std::string out, std::optional<Label> label,
                       std::string id = "", std::string category = "") {
    return testing_support::import_row(std::move(in), std::move(out), label, std::move(id),
                                       std::move(category));
  }
  static ImportOptions by(std::string reviewer) {
    return testing_support::imported_by(std::move(reviewer));
  }

  fs::path dir_;
};

TEST_F(StoreTest, AppliesMigrationsAndRecordsTheSchemaVersion) {
  auto store = open();
  EXPECT_GE(store->schema_version(), 1);
  store.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "h.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM schema_migrations", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_GE(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

int64_t page_size(const fs::path& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, nullptr);
  EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
  int64_t size = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return size;
}

TEST_F(StoreTest, ANewStoreHas16KiBPagesAndAnOldOneKeepsItsOwn) {
  open().reset();
  EXPECT_EQ(page_size(dir_ / "h.db"), 16384);
  const fs::path old = dir_ / "old.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(old.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA page_size=4096; CREATE TABLE t(x)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto store = open_store(old.string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  ASSERT_TRUE((*store)->import_rows({row("a", "b", Label::kGood)}, by("r")).ok());
  store->reset();
  EXPECT_EQ(page_size(old), 4096);
}

TEST_F(StoreTest, RefusesADatabaseFromANewerSchema) {
  open().reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "h.db").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA user_version=999", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto s = open_store((dir_ / "h.db").string());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("schema version 999 is newer"), std::string::npos);
}

TEST_F(StoreTest, RefusesAFileThatIsNotSqlite) {
  std::ofstream(dir_ / "notes.txt") << "these are my notes, not a database\n";
  auto s = open_store((dir_ / "notes.txt").string());
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.status().is_invalid_argument());
  EXPECT_NE(s.status().message().find("not a hitloop database"), std::string::npos);
}

TEST_F(StoreTest, RefusesADirectoryOrAnUnreachablePath) {
  auto d = open_store(dir_.string());
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("is a directory"), std::string::npos);
  auto u = open_store((dir_ / "no" / "such" / "dir.db").string());
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.status().message().find("cannot open database"), std::string::npos);
}

TEST_F(StoreTest, ReimportingTheSameRowsIsANoOp) {
  auto store = open();
  std::vector<ImportRow> rows = {row("a", "b", Label::kGood), row("c", "d", std::nullopt, "x1"),
                                 row("a", "b", Label::kGood, "", "other-category")};
  auto first = store->import_rows(rows, by("import"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->added, 3);
  EXPECT_EQ(first->labeled, 2);
  auto second = store->import_rows(rows, by("import"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->added, 0);
  EXPECT_EQ(second->duplicates, 3);
  EXPECT_EQ(second->labeled, 0);
  auto all = collect_sessions(*store, false);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
}

TEST_F(StoreTest, MatchesByExternalIdEvenWhenTheTextChanged) {
  auto store = open();
  ASSERT_TRUE(store->import_rows({row("a", "b", std::nullopt, "id-1")}, by("r")).ok());
  auto again = store->import_rows({row("a", "edited", std::nullopt, "id-1")}, by("r"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->duplicates, 1);
}

TEST_F(StoreTest, AChangedLabelFromTheSameReviewerIsANewReview) {
  auto store = open();
  ASSERT_TRUE(store->import_rows({row("a", "b", Label::kGood)}, by("ann")).ok());
  auto changed = store->import_rows({row("a", "b", Label::kBad)}, by("ann"));
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->labeled, 1);
  auto all = collect_sessions(*store, true);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].label, Label::kBad);  // the reviewer's latest counts
}

TEST_F(StoreTest, ARepeatedRowSeesTheLabelsOfItsFileWhateverTheirBatch) {
  // More labels than one statement writes, and rows that repeat earlier ones
  // whose labels are written in the same batch as theirs would be.
  auto store = open();
  std::vector<ImportRow> rows;
  for (int i = 0; i < 100; ++i) rows.push_back(row("q" + std::to_string(i), "a", Label::kGood));
  rows.push_back(row("q70", "a", Label::kGood));  // the same label: no new review
  rows.push_back(row("q71", "a", Label::kBad));   // a changed one: a new review
  rows.push_back(row("q99", "a", Label::kGood));
  auto imported = store->import_rows(rows, by("ann"));
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  EXPECT_EQ(imported->added, 100);
  EXPECT_EQ(imported->duplicates, 3);
  EXPECT_EQ(imported->labeled, 101);
  std::vector<Review> history;
  ASSERT_TRUE(store
                  ->scan_review_history([&](const ReviewHistoryRow& r) {
                    history.push_back(r.review);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(history.size(), 101u);
  for (size_t i = 0; i < 100; ++i) {
    EXPECT_EQ(history[i].session_id, imported->session_ids[i]);
    EXPECT_EQ(history[i].label, Label::kGood);
  }
  EXPECT_EQ(history[100].session_id, imported->session_ids[71]);
  EXPECT_EQ(history[100].label, Label::kBad);
}

TEST_F(StoreTest, MajorityOfReviewersDecidesAndTiesGoToTheLatest) {
  auto store = open();
  ASSERT_TRUE(
      store->import_rows({row("q1", "a1", Label::kGood), row("q2", "a2", Label::kGood)}, by("ann"))
          .ok());
  ASSERT_TRUE(
      store->import_rows({row("q1", "a1", Label::kBad), row("q2", "a2", Label::kBad)}, by("bob"))
          .ok());
  ASSERT_TRUE(store->import_rows({row("q1", "a1", Label::kBad)}, by("cat")).ok());
  auto all = collect_sessions(*store, true);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].label, Label::kBad);  // 2 bad vs 1 good
  EXPECT_EQ((*all)[1].label, Label::kBad);  // 1-1 tie: bob's review is the latest
}

TEST_F(StoreTest, AFailedImportRollsBackEveryRow) {
  auto store = open();
  // Rows that reach the store are already validated, so the failure comes
  // from the database itself: a trigger that rejects the batch's third row.
  ASSERT_TRUE(store->import_rows({row("kept", "x", Label::kGood)}, by("r")).ok());
  store.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "h.db").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db,
               "CREATE TRIGGER reject BEFORE INSERT ON sessions WHEN NEW.model_input = 'poison' "
               "BEGIN SELECT RAISE(ABORT, 'rejected'); END",
               nullptr, nullptr, nullptr);
  sqlite3_close(db);
  store = open();
  auto result = store->import_rows({row("one", "x", Label::kGood), row("two", "y", Label::kBad),
                                    row("poison", "z", std::nullopt)},
                                   by("r"));
  ASSERT_FALSE(result.ok());
  auto all = collect_sessions(*store, false);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].session.model_input, "kept");
}

TEST_F(StoreTest, ChunkedImportWritesEveryChunkOrNothing) {
  auto store = open();
  int calls = 0;
  // Three chunks, in order, with a duplicate across chunks.
  auto three = [&](std::vector<ImportRow>& chunk) -> Result<bool> {
    ++calls;
    if (calls == 1) chunk = {row("a", "x", Label::kGood), row("b", "y", Label::kBad)};
    if (calls == 2) chunk = {row("c", "z", std::nullopt)};
    if (calls == 3) chunk = {row("a", "x", Label::kGood)};
    return calls <= 3;
  };
  auto imported = store->import_chunks(three, 0, by("r"));
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  EXPECT_EQ(imported->rows, 4);
  EXPECT_EQ(imported->added, 3);
  EXPECT_EQ(imported->duplicates, 1);
  EXPECT_EQ(imported->labeled, 2);

  // A source that fails after a chunk was written takes that chunk back.
  calls = 0;
  auto failing = [&](std::vector<ImportRow>& chunk) -> Result<bool> {
    if (++calls == 1) {
      chunk = {row("d", "w", Label::kGood)};
      return true;
    }
    return InvalidArgument("the file has problems");
  };
  auto refused = store->import_chunks(failing, 0, by("r"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "the file has problems");
  auto all = collect_sessions(*store, false);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
}

TEST_F(StoreTest, KeepsMetadataAndCategory) {
  auto store = open();
  ImportRow r = row("in", "out", std::nullopt, "e1", "returns");
  r.metadata_json = R"({"channel":"web"})";
  ASSERT_TRUE(store->import_rows({r}, by("r")).ok());
  auto all = collect_sessions(*store, false);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].session.metadata_json, R"({"channel":"web"})");
  EXPECT_EQ((*all)[0].session.category, "returns");
  EXPECT_EQ((*all)[0].session.external_id, "e1");
  EXPECT_FALSE((*all)[0].label.has_value());
}

Review review_of(int64_t session_id, std::string reviewer, Label label) {
  Review r;
  r.session_id = session_id;
  r.reviewer = std::move(reviewer);
  r.label = label;
  r.created_at_ms = 2000;
  return r;
}

TEST_F(StoreTest, TheReviewAfterAnUndoGetsANewIdNotTheDeletedOnes) {
  auto store = open();
  auto imported = store->import_rows({row("a", "b", std::nullopt)}, by("import"));
  ASSERT_TRUE(imported.ok());
  int64_t session = imported->session_ids[0];
  auto first = store->add_review(review_of(session, "ann", Label::kGood));
  auto undone = store->add_review(review_of(session, "ann", Label::kBad));
  ASSERT_TRUE(first.ok() && undone.ok());
  ASSERT_TRUE(store->delete_review(undone->id, "ann").ok());
  auto next = store->add_review(review_of(session, "ann", Label::kBad));
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next->id, undone->id);
}

VerdictRecord verdict_of(int64_t session_id, int model_version, double score, bool good,
                         double threshold, bool audit, std::string decision, int64_t latency_us,
                         int64_t created_at_ms) {
  VerdictRecord v;
  v.session_id = session_id;
  v.model_version = model_version;
  v.score = score;
  v.good = good;
  v.threshold = threshold;
  v.audit = audit;
  v.decision = std::move(decision);
  v.latency_us = latency_us;
  v.created_at_ms = created_at_ms;
  return v;
}

// Every column as stored; the id as the store gave it (get_session's list).
void expect_same_verdict(const VerdictRecord& got, const VerdictRecord& want, int64_t want_id) {
  EXPECT_EQ(got.id, want_id);
  EXPECT_EQ(got.session_id, want.session_id);
  EXPECT_EQ(got.model_version, want.model_version);
  EXPECT_DOUBLE_EQ(got.score, want.score);
  EXPECT_EQ(got.good, want.good);
  EXPECT_DOUBLE_EQ(got.threshold, want.threshold);
  EXPECT_EQ(got.audit, want.audit);
  EXPECT_EQ(got.decision, want.decision);
  EXPECT_EQ(got.latency_us, want.latency_us);
  EXPECT_EQ(got.created_at_ms, want.created_at_ms);
}

TEST_F(StoreTest, EveryMethodThatReturnsVerdictsReturnsEveryStoredColumn) {
  auto store = open();
  auto imported = store->import_rows({row("in", "out", std::nullopt, "", "returns")}, by("import"));
  ASSERT_TRUE(imported.ok());
  const int64_t session = imported->session_ids[0];
  // Thresholds other than the column's default (0.5), and every other
  // column set, so that a reader that skips one gets it wrong.
  const VerdictRecord older = verdict_of(session, 3, 0.41, true, 0.35, true, "audit", 1234, 1500);
  const VerdictRecord latest = verdict_of(session, 4, 0.66, false, 0.72, false, "fail", 77, 1600);
  ASSERT_TRUE(store->add_verdicts({older, latest}).ok());
  ASSERT_TRUE(store->add_review(review_of(session, "ann", Label::kGood)).ok());  // at 2000

  auto detail = store->get_session(session);
  ASSERT_TRUE(detail.ok()) << detail.status().message();
  ASSERT_EQ(detail->verdicts.size(), 2u);
  const int64_t older_id = detail->verdicts[0].id, latest_id = detail->verdicts[1].id;
  EXPECT_GT(older_id, 0);
  EXPECT_GT(latest_id, older_id);
  {
    SCOPED_TRACE("get_session: verdicts");
    expect_same_verdict(detail->verdicts[0], older, older_id);
    expect_same_verdict(detail->verdicts[1], latest, latest_id);
  }
  {
    SCOPED_TRACE("get_session: latest verdict");
    ASSERT_TRUE(detail->summary.verdict.has_value());
    expect_same_verdict(*detail->summary.verdict, latest, latest_id);
  }
  {
    SCOPED_TRACE("list_sessions");
    auto page = store->list_sessions({});
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->sessions.size(), 1u);
    ASSERT_TRUE(page->sessions[0].verdict.has_value());
    expect_same_verdict(*page->sessions[0].verdict, latest, latest_id);
  }
  {
    SCOPED_TRACE("next_for_review");
    auto item = store->next_for_review("bob", {});
    ASSERT_TRUE(item.ok());
    ASSERT_TRUE(item->next && item->next->verdict);
    expect_same_verdict(*item->next->verdict, latest, latest_id);
  }
  {
    SCOPED_TRACE("queue_candidates");
    auto candidates = store->queue_candidates("bob", {}, 10);
    ASSERT_TRUE(candidates.ok());
    ASSERT_EQ(candidates->size(), 1u);
    ASSERT_TRUE((*candidates)[0].verdict.has_value());
    expect_same_verdict(*(*candidates)[0].verdict, latest, latest_id);
  }
  {
    SCOPED_TRACE("verdicts_since");
    auto since = store->verdicts_since(1550);
    ASSERT_TRUE(since.ok());
    ASSERT_EQ(since->size(), 1u);
    expect_same_verdict((*since)[0].first, latest, latest_id);
    EXPECT_EQ((*since)[0].second, "returns");
  }
  {
    SCOPED_TRACE("audit_pairs");
    auto pairs = store->audit_pairs();
    ASSERT_TRUE(pairs.ok());
    ASSERT_EQ(pairs->size(), 1u);
    expect_same_verdict((*pairs)[0].verdict, latest, latest_id);
    EXPECT_EQ((*pairs)[0].category, "returns");
    EXPECT_EQ((*pairs)[0].human, Label::kGood);
  }
  {
    SCOPED_TRACE("scan_review_history");
    std::vector<ReviewHistoryRow> rows;
    ASSERT_TRUE(store
                    ->scan_review_history([&](const ReviewHistoryRow& r) {
                      rows.push_back(r);
                      return Status::Ok();
                    })
                    .ok());
    ASSERT_EQ(rows.size(), 1u);
    ASSERT_TRUE(rows[0].verdict.has_value());
    expect_same_verdict(*rows[0].verdict, latest, latest_id);
    EXPECT_EQ(rows[0].session.category, "returns");
    EXPECT_EQ(rows[0].review.reviewer, "ann");
  }
}

TEST_F(StoreTest, EveryMethodThatReturnsSessionsReadsTheSameColumns) {
  auto store = open();
  ImportRow r = row("in", "out", Label::kBad, "e7", "returns");
  r.metadata_json = R"({"channel":"web"})";
  ASSERT_TRUE(store->import_rows({r}, by("ann")).ok());
  std::vector<Session> seen;
  auto all = collect_sessions(*store, false);
  ASSERT_TRUE(all.ok() && all->size() == 1u);
  seen.push_back((*all)[0].session);
  auto page = store->list_sessions({});
  ASSERT_TRUE(page.ok() && page->sessions.size() == 1u);
  seen.push_back(page->sessions[0].session);
  auto detail = store->get_session(seen[0].id);
  ASSERT_TRUE(detail.ok());
  seen.push_back(detail->summary.session);
  ASSERT_TRUE(store
                  ->scan_review_history([&](const ReviewHistoryRow& h) {
                    seen.push_back(h.session);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(seen.size(), 4u);
  for (const Session& s : seen) {
    EXPECT_EQ(s.id, seen[0].id);
    EXPECT_EQ(s.external_id, "e7");
    EXPECT_EQ(s.category, "returns");
    EXPECT_EQ(s.model_input, "in");
    EXPECT_EQ(s.model_output, "out");
    EXPECT_EQ(s.metadata_json, R"({"channel":"web"})");
    EXPECT_EQ(s.created_at_ms, 1000);
  }
}

// Components take only the interface of the concern they use.
int64_t count_verdicts(VerdictStore& verdicts) {
  auto since = verdicts.verdicts_since(0);
  return since.ok() ? static_cast<int64_t>(since->size()) : -1;
}

TEST_F(StoreTest, EachConcernIsReachableThroughItsOwnInterface) {
  static_assert(std::is_base_of_v<SessionStore, Store> && std::is_base_of_v<ModelCatalog, Store> &&
                std::is_base_of_v<VerdictStore, Store> && std::is_base_of_v<UserStore, Store>);
  auto store = open();
  SessionStore& sessions = *store;
  ModelCatalog& models = *store;
  VerdictStore& verdicts = *store;
  UserStore& users = *store;
  auto imported = sessions.import_rows({row("in", "out", Label::kGood)}, by("ann"));
  ASSERT_TRUE(imported.ok());
  VerdictRecord v;
  v.session_id = imported->session_ids[0];
  v.model_version = 1;
  ASSERT_TRUE(verdicts.add_verdicts({v}).ok());
  EXPECT_EQ(count_verdicts(*store), 1);
  ModelRecord m;
  m.version = 1;
  m.kind = "ngram";
  ASSERT_TRUE(models.add_model(m, /*activate=*/true).ok());
  EXPECT_EQ(store->active_model()->version, 1);
  ASSERT_TRUE(users.add_user({0, "ann", "admin", "hash"}).ok());
  EXPECT_EQ(store->find_user("ann")->role, "admin");
}

// A store as hitloop wrote it before migration 005: schema 4, reviews
// without AUTOINCREMENT.
void make_schema4_store(const fs::path& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string sql =
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at INTEGER NOT NULL DEFAULT (unixepoch()));";
  for (const EmbeddedFile& f : migrations::embedded_files()) {
    int number = std::atoi(std::string(f.name).c_str());
    if (number > 4) continue;
    sql += std::string(f.data) + ";INSERT INTO schema_migrations(version, name) VALUES(" +
           std::to_string(number) + ", '" + std::string(f.name) + "');";
  }
  sql +=
      "PRAGMA user_version=4;"
      "INSERT INTO sessions(id, content_hash, created_at, category, model_input, model_output) "
      "VALUES (1, x'01', 1, 'c', 'in 1', 'out 1'), (2, x'02', 1, '', 'in 2', 'out 2');"
      "INSERT INTO reviews(id, session_id, reviewer, label, tags, note, created_at, kind) VALUES "
      "(1, 1, 'ann', 'good', '[\"tone\"]', 'fine', 10, 'label'),"
      "(2, 1, 'bob', 'bad', '[]', '', 11, 'audit'),"
      "(5, 2, 'ann', 'bad', '[]', 'wrong', 12, 'label');"
      "INSERT INTO verdicts(session_id, model_version, score, label, created_at) "
      "VALUES (1, 1, 0.8, 'good', 5);";
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
  sqlite3_close(db);
}

TEST_F(StoreTest, MigratingASchema4StoreKeepsEveryReviewAndNeverReusesItsIds) {
  make_schema4_store(dir_ / "h.db");
  auto store = open();
  EXPECT_GE(store->schema_version(), 5);
  auto one = store->get_session(1);
  ASSERT_TRUE(one.ok()) << one.status().message();
  ASSERT_EQ(one->reviews.size(), 2u);
  EXPECT_EQ(one->reviews[0].id, 1);
  EXPECT_EQ(one->reviews[0].tags, std::vector<std::string>{"tone"});
  EXPECT_EQ(one->reviews[0].note, "fine");
  EXPECT_EQ(one->reviews[1].kind, ReviewKind::kAudit);
  EXPECT_EQ(one->summary.label, Label::kBad);  // the view still decides: a tie, latest wins
  auto two = store->get_session(2);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->reviews.size(), 1u);
  EXPECT_EQ(two->reviews[0].id, 5);

  // The highest id, deleted, is not handed out again.
  ASSERT_TRUE(store->delete_review(5, "").ok());
  auto next = store->add_review(review_of(2, "ann", Label::kGood));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->id, 6);
  store.reset();

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "h.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(
      db,
      "SELECT (SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master "
      "WHERE type = 'index' AND tbl_name = 'reviews' ORDER BY name)), "
      "(SELECT \"table\" || ':' || on_delete FROM pragma_foreign_key_list('reviews'))",
      -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
               "reviews_session,reviews_session_reviewer");
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)), "sessions:CASCADE");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

}  // namespace
}  // namespace hitloop
