// The models table of the SQLite store.
#include "store/sqlite_store.h"

namespace hitloop {

using sqlite::Stmt;

namespace {

constexpr char kColumns[] =
    "SELECT version, kind, COALESCE(parent_version, 0), created_at, dataset_hash, metrics, "
    "calibration, status, note, path FROM models";

ModelRecord read_model(const Stmt& s) {
  ModelRecord r;
  r.version = static_cast<int>(s.int64(0));
  r.kind = s.text(1);
  r.parent_version = static_cast<int>(s.int64(2));
  r.created_at_ms = s.int64(3);
  r.dataset_hash = s.text(4);
  r.metrics_json = s.text(5);
  r.calibration_json = s.text(6);
  r.status = parse_model_status(s.text(7));
  r.note = s.text(8);
  r.path = s.text(9);
  return r;
}

}  // namespace

Result<int> SqliteStore::max_model_version() {
  Stmt s(db_, "SELECT COALESCE(MAX(version), 0) FROM models");
  Status st;
  int v = s.step(st) ? static_cast<int>(s.int64(0)) : 0;
  HITLOOP_RETURN_IF_ERROR(st);
  return v;
}

Status SqliteStore::add_model(const ModelRecord& r, bool activate) {
  return transaction([&] {
    if (activate) {
      HITLOOP_RETURN_IF_ERROR(
          sqlite::exec(db_, "UPDATE models SET status = 'retired' WHERE status = 'active'"));
    }
    Stmt ins(db_,
             "INSERT INTO models(version, kind, parent_version, created_at, dataset_hash, metrics, "
             "calibration, status, note, path) VALUES(?1, ?2, NULLIF(?3, 0), ?4, ?5, ?6, ?7, ?8, "
             "?9, ?10)");
    ins.bind(1, static_cast<int64_t>(r.version))
        .bind(2, r.kind)
        .bind(3, static_cast<int64_t>(r.parent_version))
        .bind(4, r.created_at_ms)
        .bind(5, r.dataset_hash)
        .bind(6, r.metrics_json)
        .bind(7, r.calibration_json)
        .bind(8, model_status_name(activate ? ModelStatus::kActive : r.status))
        .bind(9, r.note)
        .bind(10, r.path);
    return ins.run();
  });
}

Result<std::vector<ModelRecord>> SqliteStore::list_models() {
  Stmt s(db_, std::string(kColumns) + " ORDER BY version");
  std::vector<ModelRecord> out;
  Status st;
  while (s.step(st)) out.push_back(read_model(s));
  HITLOOP_RETURN_IF_ERROR(st);
  return out;
}

Result<ModelRecord> SqliteStore::get_model(int version) {
  Stmt s(db_, std::string(kColumns) + " WHERE version = ?1");
  s.bind(1, static_cast<int64_t>(version));
  Status st;
  if (s.step(st)) return read_model(s);
  HITLOOP_RETURN_IF_ERROR(st);
  return NotFound("no model v" + std::to_string(version) + " (see hitloop models list)");
}

Result<ModelRecord> SqliteStore::active_model() {
  Stmt s(db_, std::string(kColumns) + " WHERE status = 'active'");
  Status st;
  if (s.step(st)) return read_model(s);
  HITLOOP_RETURN_IF_ERROR(st);
  return NotFound(
      "no active model: train one (hitloop train) or activate one (hitloop models activate V)");
}

Status SqliteStore::activate_model(int version) {
  HITLOOP_RETURN_IF_ERROR(get_model(version).status());
  // Two statements: the unique index on the active row is checked per row.
  return transaction([&] {
    HITLOOP_RETURN_IF_ERROR(
        sqlite::exec(db_, "UPDATE models SET status = 'retired' WHERE status = 'active'"));
    Stmt up(db_, "UPDATE models SET status = 'active' WHERE version = ?1");
    up.bind(1, static_cast<int64_t>(version));
    return up.run();
  });
}

}  // namespace hitloop
