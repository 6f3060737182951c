// Thin RAII wrappers over the SQLite C API, private to src/store/.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace hitloop::sqlite {

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, std::string_view sql);
  ~Stmt();
  Stmt(Stmt&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool valid() const { return stmt_ != nullptr; }
  Stmt& bind(int i, std::string_view text);
  // No copy: `text` must stay alive until the statement is reset (the
  // import hot path binds row fields this way).
  Stmt& bind_ref(int i, std::string_view text);
  Stmt& bind_ref_or_null(int i, std::string_view text);
  Stmt& bind(int i, int64_t v);
  Stmt& bind_real(int i, double v);
  Stmt& bind_blob(int i, std::string_view bytes);
  Stmt& bind_null(int i);
  // Text, or NULL when empty: how optional strings are stored.
  Stmt& bind_or_null(int i, std::string_view text);

  // Returns true while a row is available; errors land in `status`.
  bool step(Status& status);
  Status run();  // step to completion, for statements without rows
  void reset();

  int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string text(int col) const;
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

Status error(sqlite3* db, std::string_view what);
Status exec(sqlite3* db, const std::string& sql);

// Runs `body` between BEGIN IMMEDIATE and COMMIT: every write of more than
// one statement goes through here. When `body` or the COMMIT fails, the
// transaction is rolled back (a failed COMMIT leaves it open otherwise, and
// the connection could start no other) and that error is returned.
Status transaction(sqlite3* db, const std::function<Status()>& body);

// Fault injection for tests, as in leveldb's fault-injecting test
// environment: checks that a write which fails half-way leaves nothing
// half-done behind and that the store keeps working afterwards.
//
// fail_statement_after(n) makes the n-th statement execution from now
// (1 = the next) fail as a disk I/O error would: Stmt::step returns false
// with an Internal status ("... disk I/O error (injected)") without running
// the statement, and exec() returns that error without running its SQL.
// Every Stmt::step call counts (each row of a read is one) and every exec()
// counts once (BEGIN, COMMIT and ROLLBACK are execs). The fault fires once;
// later statements run normally. With a non-empty `sql_contains`, only
// statements whose SQL contains that text count, e.g. "FROM users" to make
// the next user lookup fail whatever other threads run meanwhile.
//
// Process-global and atomic (all connections, all threads); a test should
// call clear_statement_faults() when it ends. Unarmed it costs one relaxed
// atomic load per statement.
namespace testing {

void fail_statement_after(int n, std::string_view sql_contains = {});
void clear_statement_faults();
// How many faults have fired in this process: tells a test whether the
// armed fault was reached (a write with fewer statements never reaches it).
int64_t injected_faults();

}  // namespace testing

}  // namespace hitloop::sqlite
