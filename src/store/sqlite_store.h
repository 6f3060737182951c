// The SQLite Store, declared here so that its parts can live in separate
// files (sessions and reviews in sqlite_store.cpp, models in
// sqlite_models.cpp). Private to src/store/.
#pragma once

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
  Status scan_sessions(const ScanOptions& options, const SessionVisitor& visit) override;
  int schema_version() const override { return version_; }

  Result<int> max_model_version() override;
  Status add_model(const ModelRecord& record, bool activate) override;
  Result<std::vector<ModelRecord>> list_models() override;
  Result<ModelRecord> get_model(int version) override;
  Result<ModelRecord> active_model() override;
  Status activate_model(int version) override;

 private:
  Status migrate();
  Status import_one(const ImportRow& row, const ImportOptions& options, ImportSummary& summary);

  sqlite3* db_;
  std::string path_;
  int version_ = 0;
  sqlite::Stmt find_by_id_, find_by_hash_, insert_session_, latest_review_, insert_review_;
};

}  // namespace hitloop
