// Browsing, reviewing and verdicts in the SQLite store.
#include "store/sqlite_rows.h"
#include "store/sqlite_store.h"

namespace hitloop {

using sqlite::Stmt;

namespace {

// Every session listing: the session (columns 0-6), its majority label
// (7), its number of reviews (8) and its latest verdict (9 on).
const std::string& summary_select() {
  static const std::string sql =
      std::string("SELECT ") + sqlite::kSessionColumns +
      ", sl.label, (SELECT COUNT(*) FROM reviews r WHERE r.session_id = s.id), " +
      sqlite::kVerdictColumns +
      " FROM sessions s LEFT JOIN session_labels sl ON sl.session_id = s.id" +
      sqlite::kLatestVerdictJoin;
  return sql;
}

SessionSummary read_summary(const Stmt& q) {
  SessionSummary out;
  out.session = sqlite::read_session(q, 0);
  out.label = sqlite::read_optional_label(q, sqlite::kSessionColumnCount);
  out.reviews = q.int64(sqlite::kSessionColumnCount + 1);
  out.verdict = sqlite::read_optional_verdict(q, sqlite::kSessionColumnCount + 2);
  return out;
}

// The WHERE clause of a filter and its bindings, shared by the page and
// the total count.
struct Where {
  std::string sql;
  std::vector<std::string> texts;  // bound in order after the integers
  std::vector<int64_t> ints;
};

Where build_where(const SessionFilter& f) {
  Where w;
  std::vector<std::string> parts;
  if (f.labeled) parts.push_back(*f.labeled ? "sl.label IS NOT NULL" : "sl.label IS NULL");
  if (f.label) parts.push_back(*f.label == Label::kGood ? "sl.label = 'good'" : "sl.label = 'bad'");
  if (f.verdict)
    parts.push_back(*f.verdict == Label::kGood ? "v.label = 'good'" : "v.label = 'bad'");
  if (f.since_ms) parts.push_back("s.created_at >= " + std::to_string(f.since_ms));
  if (f.until_ms) parts.push_back("s.created_at < " + std::to_string(f.until_ms));
  if (!f.category.empty()) {
    parts.push_back("s.category = ?");
    w.texts.push_back(f.category);
  }
  if (!f.text.empty()) {
    // instr() rather than LIKE: no escaping of % and _ needed.
    parts.push_back(
        "(instr(lower(s.model_input), lower(?)) > 0 OR "
        "instr(lower(s.model_output), lower(?)) > 0)");
    w.texts.push_back(f.text);
    w.texts.push_back(f.text);
  }
  for (size_t i = 0; i < parts.size(); ++i) w.sql += (i ? " AND " : "WHERE ") + parts[i];
  return w;
}

}  // namespace

Result<SessionPage> SqliteStore::list_sessions(const SessionFilter& filter) {
  Where where = build_where(filter);
  SessionPage page;
  Status st;
  {
    Stmt count(
        db_,
        std::string("SELECT COUNT(*) FROM sessions s LEFT JOIN session_labels sl ON sl.session_id "
                    "= s.id") +
            sqlite::kLatestVerdictJoin + where.sql);
    for (size_t i = 0; i < where.texts.size(); ++i)
      count.bind(static_cast<int>(i + 1), where.texts[i]);
    if (count.step(st)) page.total = count.int64(0);
    HITLOOP_RETURN_IF_ERROR(st);
  }
  Stmt q(db_, summary_select() + where.sql + " ORDER BY s.id DESC LIMIT ? OFFSET ?");
  int i = 1;
  for (const std::string& t : where.texts) q.bind(i++, t);
  q.bind(i, static_cast<int64_t>(filter.limit));
  q.bind(i + 1, static_cast<int64_t>(filter.offset));
  while (q.step(st)) page.sessions.push_back(read_summary(q));
  HITLOOP_RETURN_IF_ERROR(st);
  return page;
}

Result<SessionDetail> SqliteStore::get_session(int64_t id) {
  SessionDetail d;
  Status st;
  // Not through session_labels: SQLite would aggregate every review of the
  // store to label one session. Its label comes from its own reviews below.
  static const std::string one = std::string("SELECT ") + sqlite::kSessionColumns + ", NULL, 0, " +
                                 sqlite::kVerdictColumns + " FROM sessions s" +
                                 sqlite::kLatestVerdictJoin + "WHERE s.id = ?1";
  Stmt q(db_, one);
  q.bind(1, id);
  if (!q.step(st)) {
    HITLOOP_RETURN_IF_ERROR(st);
    return NotFound("no session " + std::to_string(id));
  }
  d.summary = read_summary(q);
  Stmt rq(db_, std::string("SELECT ") + sqlite::kReviewColumns +
                   " FROM reviews r WHERE r.session_id = ?1 ORDER BY r.id");
  rq.bind(1, id);
  while (rq.step(st)) d.reviews.push_back(sqlite::read_review(rq, 0));
  HITLOOP_RETURN_IF_ERROR(st);
  d.summary.label = majority_label(d.reviews);  // the rule session_labels implements
  d.summary.reviews = static_cast<int64_t>(d.reviews.size());
  Stmt vq(db_, std::string("SELECT ") + sqlite::kVerdictColumns +
                   " FROM verdicts v WHERE v.session_id = ?1 ORDER BY v.id");
  vq.bind(1, id);
  while (vq.step(st)) d.verdicts.push_back(sqlite::read_verdict(vq, 0));
  HITLOOP_RETURN_IF_ERROR(st);
  return d;
}

Result<Review> SqliteStore::add_review(const Review& review) {
  Stmt ins(db_,
           "INSERT INTO reviews(session_id, reviewer, label, tags, note, created_at, kind) "
           "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE EXISTS (SELECT 1 FROM sessions WHERE id = ?1)");
  ins.bind(1, review.session_id)
      .bind(2, review.reviewer)
      .bind(3, label_name(review.label))
      .bind(4, sqlite::tags_json(review.tags))
      .bind(5, review.note)
      .bind(6, review.created_at_ms)
      .bind(7, review.kind == ReviewKind::kAudit ? "audit" : "label");
  HITLOOP_RETURN_IF_ERROR(ins.run());
  if (sqlite3_changes(db_) == 0) return NotFound("no session " + std::to_string(review.session_id));
  Review out = review;
  out.id = sqlite3_last_insert_rowid(db_);
  return out;
}

Status SqliteStore::delete_review(int64_t review_id, const std::string& reviewer) {
  Stmt del(db_, "DELETE FROM reviews WHERE id = ?1 AND (?2 = '' OR reviewer = ?2)");
  del.bind(1, review_id).bind(2, reviewer);
  HITLOOP_RETURN_IF_ERROR(del.run());
  if (sqlite3_changes(db_) == 0) {
    return NotFound("no review " + std::to_string(review_id) +
                    (reviewer.empty() ? "" : " of yours"));
  }
  return Status::Ok();
}

Result<QueueItem> SqliteStore::next_for_review(const std::string& reviewer,
                                               const std::vector<int64_t>& skip) {
  QueueItem item;
  std::string skipped;
  for (int64_t id : skip) skipped += (skipped.empty() ? "" : ",") + std::to_string(id);
  const std::string not_mine =
      "NOT EXISTS (SELECT 1 FROM reviews r WHERE r.session_id = s.id AND r.reviewer = ?1)";
  Status st;
  // Unlabeled sessions first (they teach the model most), then the oldest.
  Stmt q(db_, summary_select() + "WHERE " + not_mine +
                  (skipped.empty() ? "" : " AND s.id NOT IN (" + skipped + ")") +
                  " ORDER BY (sl.label IS NOT NULL), s.id LIMIT 1");
  q.bind(1, reviewer);
  if (q.step(st)) item.next = read_summary(q);
  HITLOOP_RETURN_IF_ERROR(st);
  Stmt counts(db_, "SELECT (SELECT COUNT(*) FROM sessions s WHERE " + not_mine +
                       "), (SELECT COUNT(DISTINCT session_id) FROM reviews WHERE reviewer = ?1)");
  counts.bind(1, reviewer);
  if (counts.step(st)) {
    item.remaining = counts.int64(0);
    item.reviewed_by_me = counts.int64(1);
  }
  HITLOOP_RETURN_IF_ERROR(st);
  return item;
}

Status SqliteStore::add_verdicts(const std::vector<VerdictRecord>& verdicts) {
  return transaction([&] {
    Stmt ins(db_,
             "INSERT INTO verdicts(session_id, model_version, score, label, decision, latency_us, "
             "created_at, threshold, audit) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 "
             "WHERE EXISTS (SELECT 1 FROM sessions WHERE id = ?1)");
    for (const VerdictRecord& v : verdicts) {
      ins.bind(1, v.session_id)
          .bind(2, static_cast<int64_t>(v.model_version))
          .bind_real(3, v.score)
          .bind(4, v.good ? "good" : "bad")
          .bind(5, v.decision)
          .bind(6, v.latency_us)
          .bind(7, v.created_at_ms)
          .bind_real(8, v.threshold)
          .bind(9, static_cast<int64_t>(v.audit));
      HITLOOP_RETURN_IF_ERROR(ins.run());
    }
    return Status::Ok();
  });
}

Status SqliteStore::scan_review_history(const ReviewVisitor& visit) {
  // The review, its session, then the session's latest verdict (NULLs when
  // no model has judged it).
  Stmt q(db_, std::string("SELECT ") + sqlite::kReviewColumns + ", " + sqlite::kSessionColumns +
                  ", " + sqlite::kVerdictColumns +
                  " FROM reviews r JOIN sessions s ON s.id = r.session_id" +
                  sqlite::kLatestVerdictJoin + "ORDER BY r.id");
  constexpr int kSession = sqlite::kReviewColumnCount;
  constexpr int kVerdict = kSession + sqlite::kSessionColumnCount;
  Status st;
  ReviewHistoryRow row;
  while (q.step(st)) {
    row.review = sqlite::read_review(q, 0);
    row.session = sqlite::read_session(q, kSession);
    row.verdict = sqlite::read_optional_verdict(q, kVerdict);
    HITLOOP_RETURN_IF_ERROR(visit(row));
  }
  return st;
}

}  // namespace hitloop
