// The embedded SQLite store: WAL mode, foreign keys on, numbered migrations
// (embedded from src/store/migrations/) applied at open.
#include "store/sqlite_store.h"

#include <sys/stat.h>

#include <algorithm>

#include "core/digest.h"
#include "core/embedded.h"
#include "store/sqlite_rows.h"

namespace hitloop::migrations {
const std::vector<EmbeddedFile>& embedded_files();
}

namespace hitloop {
namespace {

using sqlite::Stmt;

int migration_number(std::string_view name) { return std::atoi(std::string(name).c_str()); }

// The page cache of a connection, in KiB, outside bulk imports.
constexpr int64_t kCacheKiB = 64 << 10;
// The most a bulk import may grow it to.
constexpr int64_t kImportCacheMaxKiB = 512 << 10;

Status set_cache_kib(sqlite3* db, int64_t kib) {
  return sqlite::exec(db, "PRAGMA cache_size=-" + std::to_string(kib));
}

// An import writes every page it touches. When those outgrow the page
// cache, SQLite spills dirty pages to the WAL mid-transaction and writes the
// index pages it touches again later: a fifth of a 100k-row import's time.
// Its pages take about three times its text (rows, indexes, page slack).
int64_t text_bytes_of(const std::vector<ImportRow>& rows) {
  int64_t bytes = 0;
  for (const ImportRow& r : rows) {
    bytes += static_cast<int64_t>(r.model_input.size() + r.model_output.size() + r.category.size() +
                                  r.external_id.size() + r.metadata_json.size());
  }
  return bytes;
}

int64_t import_cache_kib(int64_t text_bytes) {
  return std::clamp(text_bytes * 3 / 1024, kCacheKiB, kImportCacheMaxKiB);
}

int latest_known_version() {
  int v = 0;
  for (const EmbeddedFile& f : migrations::embedded_files())
    v = std::max(v, migration_number(f.name));
  return v;
}

}  // namespace

Status SqliteStore::init() {
  Status st = sqlite::exec(db_, "PRAGMA user_version");
  if (!st.ok()) {
    return InvalidArgument(path_ + ": not a hitloop database (" + sqlite3_errmsg(db_) + ")");
  }
  // 16 KiB pages, not SQLite's 4 KiB: a bulk import does a quarter of the
  // page splits, WAL frames and checksums (a 100k-row import ~15% faster).
  // It only takes on a new, empty database; a store keeps the size it was
  // created with.
  HITLOOP_RETURN_IF_ERROR(sqlite::exec(db_, "PRAGMA page_size=16384"));
  HITLOOP_RETURN_IF_ERROR(sqlite::exec(db_,
                                       "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
                                       "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"));
  HITLOOP_RETURN_IF_ERROR(set_cache_kib(db_, kCacheKiB));
  return migrate();
}

Status SqliteStore::migrate() {
  Status st;
  {
    // Finished before any migration runs: a statement still open on the
    // connection makes DROP TABLE fail with "database table is locked".
    Stmt get(db_, "PRAGMA user_version");
    if (get.step(st)) version_ = static_cast<int>(get.int64(0));
    HITLOOP_RETURN_IF_ERROR(st);
  }
  const int latest = latest_known_version();
  if (version_ > latest) {
    return FailedPrecondition(path_ + ": database schema version " + std::to_string(version_) +
                              " is newer than this hitloop supports (" + std::to_string(latest) +
                              "); upgrade hitloop to open it");
  }
  std::vector<EmbeddedFile> files = migrations::embedded_files();
  std::sort(files.begin(), files.end(), [](const EmbeddedFile& a, const EmbeddedFile& b) {
    return migration_number(a.name) < migration_number(b.name);
  });
  for (const EmbeddedFile& f : files) {
    int number = migration_number(f.name);
    if (number <= version_) continue;
    Status applied = transaction([&] {
      return sqlite::exec(
          db_,
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
          "name TEXT NOT NULL, applied_at INTEGER NOT NULL DEFAULT (unixepoch()));" +
              std::string(f.data) + ";INSERT INTO schema_migrations(version, name) VALUES(" +
              std::to_string(number) + ", '" + std::string(f.name) +
              "');PRAGMA user_version=" + std::to_string(number));
    });
    if (!applied.ok()) {
      return Internal("migration " + std::string(f.name) + " failed: " + applied.message());
    }
    version_ = number;
  }
  find_by_id_ = Stmt(db_, "SELECT id FROM sessions WHERE external_id = ?1");
  find_by_hash_ = Stmt(db_, "SELECT id FROM sessions WHERE content_hash = ?1 LIMIT 1");
  insert_session_ = Stmt(db_,
                         "INSERT INTO sessions(external_id, content_hash, created_at, category, "
                         "model_input, model_output, metadata) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                         "ON CONFLICT(external_id) DO NOTHING");
  latest_review_ = Stmt(db_,
                        "SELECT label FROM reviews WHERE session_id = ?1 AND reviewer = ?2 "
                        "ORDER BY id DESC LIMIT 1");
  insert_review_ = Stmt(db_,
                        "INSERT INTO reviews(session_id, reviewer, label, created_at, kind) "
                        "VALUES(?1, ?2, ?3, ?4, 'label')");
  std::string batch = "INSERT INTO reviews(session_id, reviewer, label, created_at, kind) VALUES";
  for (int i = 0; i < kReviewBatch; ++i) {
    batch += i ? ",(?" : "(?";
    batch += std::to_string(3 + 2 * i);
    batch += ", ?1, ?";
    batch += std::to_string(4 + 2 * i);
    batch += ", ?2, 'label')";
  }
  insert_reviews_ = Stmt(db_, batch);
  return Status::Ok();
}

Status SqliteStore::import_one(const ImportRow& row, const ImportOptions& options,
                               ImportSummary& summary, std::vector<PendingReview>& pending) {
  std::string hash = session_content_hash(row.model_input, row.model_output, row.category);
  Status st;
  int64_t session_id = 0;
  bool exists = false;
  if (row.external_id.empty()) {
    find_by_hash_.bind_blob(1, hash);
    exists = find_by_hash_.step(st);
    if (exists) session_id = find_by_hash_.int64(0);
    find_by_hash_.reset();
    HITLOOP_RETURN_IF_ERROR(st);
  }
  if (!exists) {
    // With an external id the insert itself is the lookup: it is ignored
    // when the id is taken, which is rare, and only then do we read it.
    insert_session_.bind_ref_or_null(1, row.external_id)
        .bind_blob(2, hash)
        .bind(3, options.now_ms)
        .bind_ref(4, row.category)
        .bind_ref(5, row.model_input)
        .bind_ref(6, row.model_output)
        .bind_ref_or_null(7, row.metadata_json);
    HITLOOP_RETURN_IF_ERROR(insert_session_.run());
    if (sqlite3_changes(db_) == 1) {
      session_id = sqlite3_last_insert_rowid(db_);
    } else {
      find_by_id_.bind(1, row.external_id);
      exists = find_by_id_.step(st);
      session_id = exists ? find_by_id_.int64(0) : 0;
      find_by_id_.reset();
      HITLOOP_RETURN_IF_ERROR(st);
      if (!exists) return Internal("session with id " + row.external_id + " vanished");
    }
  }

  summary.rows++;
  exists ? summary.duplicates++ : summary.added++;
  summary.session_ids.push_back(session_id);
  summary.created.push_back(!exists);
  if (!row.label) return Status::Ok();
  std::string_view label = label_name(*row.label);
  if (exists) {
    // The reviewer's latest label may be among those not yet written.
    HITLOOP_RETURN_IF_ERROR(write_reviews(pending, options, 1));
    latest_review_.bind(1, session_id).bind(2, options.reviewer);
    bool same = latest_review_.step(st) && latest_review_.text(0) == label;
    latest_review_.reset();
    HITLOOP_RETURN_IF_ERROR(st);
    if (same) return Status::Ok();
  }
  pending.push_back({session_id, label});
  summary.labeled++;
  return write_reviews(pending, options, kReviewBatch);
}

Status SqliteStore::write_reviews(std::vector<PendingReview>& pending, const ImportOptions& options,
                                  size_t at_least) {
  if (pending.size() < at_least) return Status::Ok();
  size_t i = 0;
  for (; pending.size() - i >= size_t{kReviewBatch}; i += kReviewBatch) {
    insert_reviews_.bind(1, options.reviewer).bind(2, options.now_ms);
    for (int k = 0; k < kReviewBatch; ++k) {
      insert_reviews_.bind(3 + 2 * k, pending[i + k].session_id)
          .bind_ref(4 + 2 * k, pending[i + k].label);
    }
    HITLOOP_RETURN_IF_ERROR(insert_reviews_.run());
  }
  for (; i < pending.size(); ++i) {
    insert_review_.bind(1, pending[i].session_id)
        .bind(2, options.reviewer)
        .bind_ref(3, pending[i].label)
        .bind(4, options.now_ms);
    HITLOOP_RETURN_IF_ERROR(insert_review_.run());
  }
  pending.clear();
  return Status::Ok();
}

Result<ImportSummary> SqliteStore::import_rows(const std::vector<ImportRow>& rows,
                                               const ImportOptions& options) {
  bool given = false;
  // One chunk, borrowed: copying 100k rows would cost more than writing them.
  return import_chunk_refs(
      [&](const std::vector<ImportRow>*& chunk) -> Result<bool> {
        chunk = given ? nullptr : &rows;
        given = true;
        return chunk != nullptr;
      },
      text_bytes_of(rows), options);
}

Result<ImportSummary> SqliteStore::import_chunks(const RowChunkSource& next, int64_t text_bytes,
                                                 const ImportOptions& options) {
  std::vector<ImportRow> chunk;
  return import_chunk_refs(
      [&](const std::vector<ImportRow>*& out) -> Result<bool> {
        chunk.clear();
        HITLOOP_ASSIGN_OR_RETURN(bool more, next(chunk));
        out = more ? &chunk : nullptr;
        return more;
      },
      text_bytes, options);
}

Result<ImportSummary> SqliteStore::import_chunk_refs(
    const std::function<Result<bool>(const std::vector<ImportRow>*&)>& next, int64_t text_bytes,
    const ImportOptions& options) {
  ImportSummary summary;
  const int64_t cache_kib = import_cache_kib(text_bytes);
  HITLOOP_RETURN_IF_ERROR(transaction([&] {
    // Set back before the COMMIT, inside the transaction, so that a failure
    // to do so fails the import rather than a store that reported success.
    // A smaller cache keeps its dirty pages until the COMMIT writes them.
    if (cache_kib > kCacheKiB) HITLOOP_RETURN_IF_ERROR(set_cache_kib(db_, cache_kib));
    Status st = Status::Ok();
    std::vector<PendingReview> pending;
    const std::vector<ImportRow>* rows = nullptr;
    while (st.ok()) {
      Result<bool> more = next(rows);
      if (!more.ok()) st = more.status();
      if (!st.ok() || !*more) break;
      for (const ImportRow& row : *rows) {
        st = import_one(row, options, summary, pending);
        if (!st.ok()) {
          st = Status(st.code(), "line " + std::to_string(row.line) + ": " + st.message());
          break;
        }
      }
    }
    if (st.ok()) st = write_reviews(pending, options, 1);
    if (cache_kib > kCacheKiB) {
      Status restored = set_cache_kib(db_, kCacheKiB);
      if (st.ok()) st = restored;
    }
    return st;
  }));
  return summary;
}

Status SqliteStore::scan_sessions(const ScanOptions& options, const SessionVisitor& visit) {
  // A merge join of two ordered cursors: one pass over each table.
  std::string sql = std::string("SELECT ") + sqlite::kSessionColumns + " FROM sessions s";
  if (options.labeled_only) {
    sql += " WHERE EXISTS (SELECT 1 FROM reviews r WHERE r.session_id = s.id)";
  }
  Stmt sessions(db_, sql + " ORDER BY s.id");
  Stmt reviews(db_, std::string("SELECT ") + sqlite::kReviewColumns +
                        " FROM reviews r ORDER BY r.session_id, r.id");
  Status st;
  bool have_review = reviews.step(st);
  HITLOOP_RETURN_IF_ERROR(st);
  std::vector<Review> rs;
  while (sessions.step(st)) {
    const Session s = sqlite::read_session(sessions, 0);
    rs.clear();
    while (have_review && reviews.int64(1) <= s.id) {
      if (reviews.int64(1) == s.id) rs.push_back(sqlite::read_review(reviews, 0));
      have_review = reviews.step(st);
      HITLOOP_RETURN_IF_ERROR(st);
    }
    HITLOOP_RETURN_IF_ERROR(visit(s, rs));
  }
  return st;
}

std::string session_content_hash(std::string_view input, std::string_view output,
                                 std::string_view category) {
  return digest_fields({input, output, category}, 16);
}

Result<std::unique_ptr<Store>> open_store(const std::string& location) {
  struct stat st;
  if (::stat(location.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return InvalidArgument(location + ": is a directory, not a database file");
  }
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(location.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return InvalidArgument(location + ": cannot open database: " + msg);
  }
  auto store = std::make_unique<SqliteStore>(db, location);
  HITLOOP_RETURN_IF_ERROR(store->init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace hitloop
