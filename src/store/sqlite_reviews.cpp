// Browsing, reviewing and verdicts in the SQLite store.
#include <nlohmann/json.hpp>

#include "store/sqlite_store.h"

namespace hitloop {

using sqlite::Stmt;

namespace {

// Columns 0-15 of every session listing; see read_summary.
constexpr char kSummarySelect[] =
    "SELECT s.id, COALESCE(s.external_id, ''), s.category, s.model_input, s.model_output, "
    "s.metadata, s.created_at, sl.label, "
    "(SELECT COUNT(*) FROM reviews r WHERE r.session_id = s.id), "
    "v.model_version, v.score, v.label, v.created_at, v.latency_us, v.threshold, v.audit "
    "FROM sessions s LEFT JOIN session_labels sl ON sl.session_id = s.id "
    "LEFT JOIN verdicts v ON v.id = (SELECT MAX(id) FROM verdicts WHERE session_id = s.id) ";

SessionSummary read_summary(const Stmt& q) {
  SessionSummary out;
  Session& s = out.session;
  s.id = q.int64(0);
  s.external_id = q.text(1);
  s.category = q.text(2);
  s.model_input = q.text(3);
  s.model_output = q.text(4);
  s.metadata_json = q.text(5);
  s.created_at_ms = q.int64(6);
  if (!q.is_null(7)) out.label = q.text(7) == "good" ? Label::kGood : Label::kBad;
  out.reviews = q.int64(8);
  if (!q.is_null(9)) {
    VerdictRecord v;
    v.session_id = s.id;
    v.model_version = static_cast<int>(q.int64(9));
    v.score = q.real(10);
    v.good = q.text(11) == "good";
    v.created_at_ms = q.int64(12);
    v.latency_us = q.int64(13);
    v.threshold = q.real(14);
    v.audit = q.int64(15) != 0;
    out.verdict = v;
  }
  return out;
}

Review read_review(const Stmt& q) {
  Review r;
  r.id = q.int64(0);
  r.session_id = q.int64(1);
  r.reviewer = q.text(2);
  r.label = q.text(3) == "good" ? Label::kGood : Label::kBad;
  try {
    r.tags = nlohmann::json::parse(q.text(4)).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception&) {
    // Only hitloop writes this column; a hand-edited value loses its tags.
  }
  r.note = q.text(5);
  r.created_at_ms = q.int64(6);
  r.kind = q.text(7) == "audit" ? ReviewKind::kAudit : ReviewKind::kLabel;
  return r;
}

std::string json_tags(const std::vector<std::string>& tags) { return nlohmann::json(tags).dump(); }

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
        "SELECT COUNT(*) FROM sessions s LEFT JOIN session_labels sl ON sl.session_id = s.id "
        "LEFT JOIN verdicts v ON v.id = (SELECT MAX(id) FROM verdicts WHERE session_id = "
        "s.id) " +
            where.sql);
    for (size_t i = 0; i < where.texts.size(); ++i)
      count.bind(static_cast<int>(i + 1), where.texts[i]);
    if (count.step(st)) page.total = count.int64(0);
    HITLOOP_RETURN_IF_ERROR(st);
  }
  Stmt q(db_, std::string(kSummarySelect) + where.sql + " ORDER BY s.id DESC LIMIT ? OFFSET ?");
  int i = 1;
  for (const std::string& t : where.texts) q.bind(i++, t);
  q.bind(i++, static_cast<int64_t>(filter.limit)).bind(i, static_cast<int64_t>(filter.offset));
  while (q.step(st)) page.sessions.push_back(read_summary(q));
  HITLOOP_RETURN_IF_ERROR(st);
  return page;
}

Result<SessionDetail> SqliteStore::get_session(int64_t id) {
  SessionDetail d;
  Status st;
  Stmt q(db_, std::string(kSummarySelect) + "WHERE s.id = ?1");
  q.bind(1, id);
  if (!q.step(st)) {
    HITLOOP_RETURN_IF_ERROR(st);
    return NotFound("no session " + std::to_string(id));
  }
  d.summary = read_summary(q);
  Stmt rq(db_,
          "SELECT id, session_id, reviewer, label, tags, note, created_at, kind FROM reviews "
          "WHERE session_id = ?1 ORDER BY id");
  rq.bind(1, id);
  while (rq.step(st)) d.reviews.push_back(read_review(rq));
  HITLOOP_RETURN_IF_ERROR(st);
  Stmt vq(db_,
          "SELECT id, model_version, score, label, decision, latency_us, created_at FROM verdicts "
          "WHERE session_id = ?1 ORDER BY id");
  vq.bind(1, id);
  while (vq.step(st)) {
    VerdictRecord v;
    v.id = vq.int64(0);
    v.session_id = id;
    v.model_version = static_cast<int>(vq.int64(1));
    v.score = vq.real(2);
    v.good = vq.text(3) == "good";
    v.decision = vq.text(4);
    v.latency_us = vq.int64(5);
    v.created_at_ms = vq.int64(6);
    d.verdicts.push_back(v);
  }
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
      .bind(4, json_tags(review.tags))
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
  Stmt q(db_, std::string(kSummarySelect) + "WHERE " + not_mine +
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
  // Columns 0-7 as read_review expects them, then the session, then its
  // latest verdict (NULLs when no model has judged it).
  Stmt q(db_,
         "SELECT r.id, r.session_id, r.reviewer, r.label, r.tags, r.note, r.created_at, r.kind, "
         "COALESCE(s.external_id, ''), s.category, s.model_input, s.model_output, s.created_at, "
         "v.id, v.model_version, v.score, v.label, v.decision, v.threshold, v.created_at "
         "FROM reviews r JOIN sessions s ON s.id = r.session_id "
         "LEFT JOIN verdicts v ON v.id = (SELECT MAX(id) FROM verdicts WHERE session_id = s.id) "
         "ORDER BY r.id");
  Status st;
  ReviewHistoryRow row;
  while (q.step(st)) {
    row.review = read_review(q);
    row.session.id = row.review.session_id;
    row.session.external_id = q.text(8);
    row.session.category = q.text(9);
    row.session.model_input = q.text(10);
    row.session.model_output = q.text(11);
    row.session.created_at_ms = q.int64(12);
    row.verdict.reset();
    if (!q.is_null(13)) {
      VerdictRecord v;
      v.id = q.int64(13);
      v.session_id = row.session.id;
      v.model_version = static_cast<int>(q.int64(14));
      v.score = q.real(15);
      v.good = q.text(16) == "good";
      v.decision = q.text(17);
      v.threshold = q.real(18);
      v.created_at_ms = q.int64(19);
      row.verdict = v;
    }
    HITLOOP_RETURN_IF_ERROR(visit(row));
  }
  return st;
}

}  // namespace hitloop
