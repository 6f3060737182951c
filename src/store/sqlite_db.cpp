#include "store/sqlite_db.h"

#include <atomic>
#include <mutex>

namespace hitloop::sqlite {
namespace {

// The fault armed by testing::fail_statement_after: > 0 while armed.
std::atomic<int> fault_countdown{0};
std::atomic<int64_t> faults_fired{0};
std::mutex fault_filter_mutex;
std::string fault_filter;  // guarded by fault_filter_mutex

constexpr char kInjectedError[] = "disk I/O error (injected)";

bool consume_fault(std::string_view sql) {
  {
    std::lock_guard<std::mutex> lock(fault_filter_mutex);
    if (!fault_filter.empty() && sql.find(fault_filter) == std::string_view::npos) return false;
  }
  int left = fault_countdown.load();
  while (left > 0 && !fault_countdown.compare_exchange_weak(left, left - 1)) {
  }
  if (left != 1) return false;
  faults_fired.fetch_add(1);
  return true;
}

// True when this execution of `sql` is the one to fail.
inline bool inject_fault(const char* sql) {
  if (fault_countdown.load(std::memory_order_relaxed) <= 0) [[likely]]
    return false;
  return consume_fault(sql ? std::string_view(sql) : std::string_view());
}

}  // namespace

namespace testing {

void fail_statement_after(int n, std::string_view sql_contains) {
  {
    std::lock_guard<std::mutex> lock(fault_filter_mutex);
    fault_filter = std::string(sql_contains);
  }
  fault_countdown.store(n);
}

void clear_statement_faults() { fail_statement_after(0); }

int64_t injected_faults() { return faults_fired.load(); }

}  // namespace testing

Status error(sqlite3* db, std::string_view what) {
  return Internal(std::string(what) + ": " + sqlite3_errmsg(db));
}

Status exec(sqlite3* db, const std::string& sql) {
  if (inject_fault(sql.c_str())) return Internal(std::string("sqlite: ") + kInjectedError);
  char* msg = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string m = msg ? msg : "unknown error";
    sqlite3_free(msg);
    return Internal("sqlite: " + m);
  }
  return Status::Ok();
}

Status transaction(sqlite3* db, const std::function<Status()>& body) {
  HITLOOP_RETURN_IF_ERROR(exec(db, "BEGIN IMMEDIATE"));
  Status st = body();
  if (st.ok()) st = exec(db, "COMMIT");
  if (!st.ok()) (void)exec(db, "ROLLBACK");
  return st;
}

Stmt::Stmt(sqlite3* db, std::string_view sql) : db_(db) {
  // A bad statement is a programming error; it surfaces on the first step().
  sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                     &stmt_, nullptr);
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = o.stmt_;
    o.stmt_ = nullptr;
  }
  return *this;
}

Stmt& Stmt::bind(int i, std::string_view text) {
  // TRANSIENT: SQLite copies, so binding a temporary string is safe.
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::bind_ref(int i, std::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}
Stmt& Stmt::bind_ref_or_null(int i, std::string_view text) {
  return text.empty() ? bind_null(i) : bind_ref(i, text);
}
Stmt& Stmt::bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Stmt& Stmt::bind_real(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Stmt& Stmt::bind_blob(int i, std::string_view bytes) {
  // No copy (only the import's content hash, alive until the reset).
  sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
  return *this;
}
Stmt& Stmt::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}
Stmt& Stmt::bind_or_null(int i, std::string_view text) {
  return text.empty() ? bind_null(i) : bind(i, text);
}

bool Stmt::step(Status& status) {
  if (stmt_ == nullptr) {
    status = error(db_, "prepare");
    return false;
  }
  if (inject_fault(sqlite3_sql(stmt_))) {
    status = Internal(std::string("step: ") + kInjectedError);
    return false;
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) status = error(db_, "step");
  return false;
}

Status Stmt::run() {
  Status st;
  while (step(st)) {
  }
  reset();
  return st;
}

void Stmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Stmt::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

}  // namespace hitloop::sqlite
