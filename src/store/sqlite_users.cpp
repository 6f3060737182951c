// Users, API keys, login sessions and settings in the SQLite store. Only
// hashes of secrets ever reach this file.
#include <ctime>

#include "store/sqlite_store.h"

namespace hitloop {

using sqlite::Stmt;

namespace {

int64_t now_ms_for_rows() { return static_cast<int64_t>(std::time(nullptr)) * 1000; }

// Every query that returns users selects these columns (users as u).
constexpr char kUserColumns[] = "SELECT u.id, u.name, u.role, u.password_hash ";

User read_user(const Stmt& q) { return User{q.int64(0), q.text(1), q.text(2), q.text(3)}; }

}  // namespace

Status SqliteStore::add_user(const User& user) {
  Stmt ins(db_,
           "INSERT INTO users(name, role, password_hash, created_at) VALUES(?1, ?2, ?3, ?4) "
           "ON CONFLICT(name) DO NOTHING");
  ins.bind(1, user.name).bind(2, user.role).bind(3, user.password_hash).bind(4, now_ms_for_rows());
  HITLOOP_RETURN_IF_ERROR(ins.run());
  if (sqlite3_changes(db_) == 0) return AlreadyExists("user \"" + user.name + "\" already exists");
  return Status::Ok();
}

Result<User> SqliteStore::find_user(const std::string& name) {
  Stmt q(db_, std::string(kUserColumns) + "FROM users u WHERE u.name = ?1");
  q.bind(1, name);
  Status st;
  if (q.step(st)) return read_user(q);
  HITLOOP_RETURN_IF_ERROR(st);
  return NotFound("no user \"" + name + "\"");
}

Result<std::vector<User>> SqliteStore::list_users() {
  Stmt q(db_, std::string(kUserColumns) + "FROM users u ORDER BY u.name");
  std::vector<User> out;
  Status st;
  while (q.step(st)) out.push_back(read_user(q));
  HITLOOP_RETURN_IF_ERROR(st);
  return out;
}

Status SqliteStore::add_api_key(const std::string& name, const std::string& key_hash,
                                int64_t now_ms) {
  Stmt ins(db_, "INSERT INTO api_keys(name, key_hash, created_at) VALUES(?1, ?2, ?3)");
  ins.bind(1, name).bind(2, key_hash).bind(3, now_ms);
  return ins.run();
}

Result<std::string> SqliteStore::find_api_key(const std::string& key_hash) {
  Stmt q(db_, "SELECT name FROM api_keys WHERE key_hash = ?1");
  q.bind(1, key_hash);
  Status st;
  if (q.step(st)) return q.text(0);
  HITLOOP_RETURN_IF_ERROR(st);
  return NotFound("unknown API key");
}

Status SqliteStore::add_login(const std::string& token_hash, int64_t user_id,
                              int64_t expires_at_ms) {
  Stmt ins(db_, "INSERT INTO auth_sessions(token_hash, user_id, expires_at) VALUES(?1, ?2, ?3)");
  ins.bind(1, token_hash).bind(2, user_id).bind(3, expires_at_ms);
  return ins.run();
}

Result<User> SqliteStore::find_login(const std::string& token_hash, int64_t now_ms) {
  Stmt q(db_, std::string(kUserColumns) +
                  "FROM auth_sessions a JOIN users u ON u.id = a.user_id "
                  "WHERE a.token_hash = ?1 AND a.expires_at > ?2");
  q.bind(1, token_hash).bind(2, now_ms);
  Status st;
  if (q.step(st)) return read_user(q);
  HITLOOP_RETURN_IF_ERROR(st);
  return NotFound("not logged in or the login expired");
}

Status SqliteStore::delete_login(const std::string& token_hash) {
  Stmt del(db_, "DELETE FROM auth_sessions WHERE token_hash = ?1");
  del.bind(1, token_hash);
  return del.run();
}

Result<std::optional<std::string>> SqliteStore::get_setting(const std::string& key) {
  Stmt q(db_, "SELECT value FROM settings WHERE key = ?1");
  q.bind(1, key);
  Status st;
  if (q.step(st)) return std::optional<std::string>(q.text(0));
  HITLOOP_RETURN_IF_ERROR(st);
  return std::optional<std::string>();
}

Status SqliteStore::set_setting(const std::string& key, const std::string& value) {
  Stmt up(db_,
          "INSERT INTO settings(key, value) VALUES(?1, ?2) "
          "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  up.bind(1, key).bind(2, value);
  return up.run();
}

}  // namespace hitloop
