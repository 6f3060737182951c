// The feedback loop's reads and the alerts table in the SQLite store.
#include "store/sqlite_rows.h"
#include "store/sqlite_store.h"

namespace hitloop {

using sqlite::Stmt;

namespace {

AlertRecord read_alert(const Stmt& q) {
  AlertRecord a;
  a.id = q.int64(0);
  a.created_at_ms = q.int64(1);
  a.bucket_start_ms = q.int64(2);
  a.bucket_ms = q.int64(3);
  a.direction = parse_direction(q.text(4));
  a.baseline = q.real(5);
  a.observed = q.real(6);
  a.statistic = q.real(7);
  a.category = q.text(8);
  a.model_version = static_cast<int>(q.int64(9));
  return a;
}

constexpr char kAlertColumns[] =
    "SELECT id, created_at, bucket_start, bucket_ms, direction, baseline, observed, statistic, "
    "category, model_version FROM alerts";

}  // namespace

Result<std::vector<AuditPair>> SqliteStore::audit_pairs() {
  // Each review with the latest verdict made before it.
  Stmt q(db_, std::string("SELECT ") + sqlite::kReviewColumns + ", s.category, " +
                  sqlite::kVerdictColumns +
                  " FROM reviews r JOIN sessions s ON s.id = r.session_id "
                  "JOIN verdicts v ON v.id = (SELECT MAX(id) FROM verdicts w "
                  "WHERE w.session_id = r.session_id AND w.created_at <= r.created_at) "
                  "ORDER BY r.id");
  constexpr int kCategory = sqlite::kReviewColumnCount;
  std::vector<AuditPair> out;
  Status st;
  while (q.step(st)) {
    Review r = sqlite::read_review(q, 0);
    AuditPair p;
    p.session_id = r.session_id;
    p.category = q.text(kCategory);
    p.human = r.label;
    p.tags = std::move(r.tags);
    p.kind = r.kind;
    p.reviewed_at_ms = r.created_at_ms;
    p.verdict = sqlite::read_verdict(q, kCategory + 1);
    out.push_back(std::move(p));
  }
  HITLOOP_RETURN_IF_ERROR(st);
  return out;
}

Result<std::vector<std::pair<VerdictRecord, std::string>>> SqliteStore::verdicts_since(
    int64_t since_ms) {
  Stmt q(db_, std::string("SELECT ") + sqlite::kVerdictColumns +
                  ", s.category FROM verdicts v JOIN sessions s ON s.id = v.session_id "
                  "WHERE v.created_at >= ?1 ORDER BY v.created_at, v.id");
  q.bind(1, since_ms);
  std::vector<std::pair<VerdictRecord, std::string>> out;
  Status st;
  while (q.step(st)) {
    out.emplace_back(sqlite::read_verdict(q, 0), q.text(sqlite::kVerdictColumnCount));
  }
  HITLOOP_RETURN_IF_ERROR(st);
  return out;
}

Result<std::vector<QueueCandidate>> SqliteStore::queue_candidates(const std::string& reviewer,
                                                                  const std::vector<int64_t>& skip,
                                                                  int limit) {
  std::string skipped;
  for (int64_t id : skip) skipped += (skipped.empty() ? "" : ",") + std::to_string(id);
  Stmt q(db_,
         std::string(
             "SELECT s.id, s.created_at, sl.label, "
             "(SELECT COUNT(DISTINCT reviewer) FROM reviews r WHERE r.session_id = s.id), "
             "EXISTS (SELECT 1 FROM reviews r WHERE r.session_id = s.id AND r.kind = 'audit'), ") +
             sqlite::kVerdictColumns +
             " FROM sessions s LEFT JOIN session_labels sl ON sl.session_id = s.id" +
             sqlite::kLatestVerdictJoin +
             "WHERE NOT EXISTS (SELECT 1 FROM reviews r WHERE r.session_id = s.id AND "
             "r.reviewer = ?1)" +
             (skipped.empty() ? "" : " AND s.id NOT IN (" + skipped + ")") +
             " ORDER BY s.id LIMIT ?2");
  q.bind(1, reviewer).bind(2, static_cast<int64_t>(limit));
  std::vector<QueueCandidate> out;
  Status st;
  while (q.step(st)) {
    QueueCandidate c;
    c.session_id = q.int64(0);
    c.created_at_ms = q.int64(1);
    c.label = sqlite::read_optional_label(q, 2);
    c.reviewers = q.int64(3);
    c.audited = q.int64(4) != 0;
    c.verdict = sqlite::read_optional_verdict(q, 5);
    out.push_back(std::move(c));
  }
  HITLOOP_RETURN_IF_ERROR(st);
  return out;
}

Result<std::vector<AlertRecord>> SqliteStore::add_alerts(const std::vector<AlertRecord>& alerts) {
  std::vector<AlertRecord> added;
  Status st = transaction([&] {
    Stmt ins(
        db_,
        "INSERT INTO alerts(created_at, bucket_start, bucket_ms, direction, baseline, observed, "
        "statistic, category, model_version) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
        "ON CONFLICT DO NOTHING");
    for (const AlertRecord& a : alerts) {
      ins.bind(1, a.created_at_ms)
          .bind(2, a.bucket_start_ms)
          .bind(3, a.bucket_ms)
          .bind(4, direction_name(a.direction))
          .bind_real(5, a.baseline)
          .bind_real(6, a.observed)
          .bind_real(7, a.statistic)
          .bind(8, a.category)
          .bind(9, static_cast<int64_t>(a.model_version));
      HITLOOP_RETURN_IF_ERROR(ins.run());
      if (sqlite3_changes(db_) == 1) {
        added.push_back(a);
        added.back().id = sqlite3_last_insert_rowid(db_);
      }
    }
    return Status::Ok();
  });
  HITLOOP_RETURN_IF_ERROR(st);
  return added;
}

Result<std::vector<AlertRecord>> SqliteStore::list_alerts() {
  Stmt q(db_, std::string(kAlertColumns) + " ORDER BY bucket_start DESC, id DESC");
  std::vector<AlertRecord> out;
  Status st;
  while (q.step(st)) out.push_back(read_alert(q));
  HITLOOP_RETURN_IF_ERROR(st);
  return out;
}

Result<AlertRecord> SqliteStore::get_alert(int64_t id) {
  Stmt q(db_, std::string(kAlertColumns) + " WHERE id = ?1");
  q.bind(1, id);
  Status st;
  if (q.step(st)) return read_alert(q);
  HITLOOP_RETURN_IF_ERROR(st);
  return NotFound("no alert " + std::to_string(id));
}

}  // namespace hitloop
