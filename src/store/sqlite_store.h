// The SQLite Store, declared here so that its parts can live in separate
// files (sessions and reviews in sqlite_store.cpp, models in
// sqlite_models.cpp). Private to src/store/.
#pragma once

#include <functional>
#include <string>

#include "store/sqlite_db.h"
#include "store/store.h"

namespace hitloop {

class SqliteStore final : public Store {
 public:
  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteStore() override { sqlite3_close_v2(db_); }

  Status init();

  Result<ImportSummary> import_rows(const std::vector<ImportRow>& rows,
                                    const ImportOptions& options) override;
  Result<ImportSummary> import_chunks(const RowChunkSource& next, int64_t text_bytes,
                                      const ImportOptions& options) override;
  Status scan_sessions(const ScanOptions& options, const SessionVisitor& visit) override;
  int schema_version() const override { return version_; }

  Result<int> max_model_version() override;
  Status add_model(const ModelRecord& record, bool activate) override;
  Result<std::vector<ModelRecord>> list_models() override;
  Result<ModelRecord> get_model(int version) override;
  Result<ModelRecord> active_model() override;
  Status activate_model(int version) override;

  Result<SessionPage> list_sessions(const SessionFilter& filter) override;
  Result<SessionDetail> get_session(int64_t id) override;
  Result<Review> add_review(const Review& review) override;
  Status delete_review(int64_t review_id, const std::string& reviewer) override;
  Result<QueueItem> next_for_review(const std::string& reviewer,
                                    const std::vector<int64_t>& skip) override;
  Status add_verdicts(const std::vector<VerdictRecord>& verdicts) override;
  Status scan_review_history(const ReviewVisitor& visit) override;

  Result<std::vector<AuditPair>> audit_pairs() override;
  Result<std::vector<std::pair<VerdictRecord, std::string>>> verdicts_since(
      int64_t since_ms) override;
  Result<std::vector<QueueCandidate>> queue_candidates(const std::string& reviewer,
                                                       const std::vector<int64_t>& skip,
                                                       int limit) override;
  Result<std::vector<AlertRecord>> add_alerts(const std::vector<AlertRecord>& alerts) override;
  Result<std::vector<AlertRecord>> list_alerts() override;
  Result<AlertRecord> get_alert(int64_t id) override;

  Status add_user(const User& user) override;
  Result<User> find_user(const std::string& name) override;
  Result<std::vector<User>> list_users() override;
  Status add_api_key(const std::string& name, const std::string& key_hash, int64_t now_ms) override;
  Result<std::string> find_api_key(const std::string& key_hash) override;
  Status add_login(const std::string& token_hash, int64_t user_id, int64_t expires_at_ms) override;
  Result<User> find_login(const std::string& token_hash, int64_t now_ms) override;
  Status delete_login(const std::string& token_hash) override;
  Result<std::optional<std::string>> get_setting(const std::string& key) override;
  Status set_setting(const std::string& key, const std::string& value) override;

 private:
  Status migrate();
  Status transaction(const std::function<Status()>& body) { return sqlite::transaction(db_, body); }
  // An import's labels are written kReviewBatch to a statement: one
  // INSERT per review cost a third of a 100k-row import (each also reads
  // and writes sqlite_sequence, reviews being AUTOINCREMENT).
  static constexpr int kReviewBatch = 64;
  struct PendingReview {
    int64_t session_id;
    std::string_view label;  // label_name(): static storage
  };
  // Both imports: `next` points `chunk` at the next rows (true) or says
  // the end (false); the rows stay the caller's.
  Result<ImportSummary> import_chunk_refs(
      const std::function<Result<bool>(const std::vector<ImportRow>*& chunk)>& next,
      int64_t text_bytes, const ImportOptions& options);
  Status import_one(const ImportRow& row, const ImportOptions& options, ImportSummary& summary,
                    std::vector<PendingReview>& pending);
  // Writes the pending reviews, in order, once there are `at_least`.
  Status write_reviews(std::vector<PendingReview>& pending, const ImportOptions& options,
                       size_t at_least);

  sqlite3* db_;
  std::string path_;
  int version_ = 0;
  sqlite::Stmt find_by_id_, find_by_hash_, insert_session_, latest_review_, insert_review_,
      insert_reviews_;
};

}  // namespace hitloop
