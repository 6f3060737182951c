// One reader per record type of the SQLite store, private to src/store/.
// Each record has one column list (with the table alias every query uses:
// s sessions, r reviews, v verdicts) and one reader that takes those
// columns from index `first` on. A query selects the list and reads with
// the reader, so every method returns the same fields for the same row and
// a column added to a record is added here once.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/session.h"
#include "store/sqlite_db.h"
#include "store/store.h"

namespace hitloop::sqlite {

// Labels are stored as 'good' | 'bad' (a CHECK constraint keeps them so).
inline Label read_label(const Stmt& q, int col) {
  return q.text(col) == "good" ? Label::kGood : Label::kBad;
}

inline std::optional<Label> read_optional_label(const Stmt& q, int col) {
  if (q.is_null(col)) return std::nullopt;
  return read_label(q, col);
}

// Tags are a JSON array of strings. Only hitloop writes the column; a
// hand-edited value that is not such an array reads as no tags.
inline std::vector<std::string> parse_tags(const std::string& json_text) {
  if (json_text.empty() || json_text == "[]") return {};
  try {
    return nlohmann::json::parse(json_text).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception&) {
    return {};
  }
}

inline std::string tags_json(const std::vector<std::string>& tags) {
  return nlohmann::json(tags).dump();
}

inline constexpr char kSessionColumns[] =
    "s.id, COALESCE(s.external_id, ''), s.category, s.model_input, s.model_output, s.metadata, "
    "s.created_at";
inline constexpr int kSessionColumnCount = 7;

inline Session read_session(const Stmt& q, int first) {
  Session s;
  s.id = q.int64(first);
  s.external_id = q.text(first + 1);
  s.category = q.text(first + 2);
  s.model_input = q.text(first + 3);
  s.model_output = q.text(first + 4);
  s.metadata_json = q.text(first + 5);
  s.created_at_ms = q.int64(first + 6);
  return s;
}

inline constexpr char kReviewColumns[] =
    "r.id, r.session_id, r.reviewer, r.label, r.tags, r.note, r.created_at, r.kind";
inline constexpr int kReviewColumnCount = 8;

inline Review read_review(const Stmt& q, int first) {
  Review r;
  r.id = q.int64(first);
  r.session_id = q.int64(first + 1);
  r.reviewer = q.text(first + 2);
  r.label = read_label(q, first + 3);
  r.tags = parse_tags(q.text(first + 4));
  r.note = q.text(first + 5);
  r.created_at_ms = q.int64(first + 6);
  r.kind = q.text(first + 7) == "audit" ? ReviewKind::kAudit : ReviewKind::kLabel;
  return r;
}

inline constexpr char kVerdictColumns[] =
    "v.id, v.session_id, v.model_version, v.score, v.label, v.threshold, v.audit, v.decision, "
    "v.latency_us, v.created_at";
inline constexpr int kVerdictColumnCount = 10;

inline VerdictRecord read_verdict(const Stmt& q, int first) {
  VerdictRecord v;
  v.id = q.int64(first);
  v.session_id = q.int64(first + 1);
  v.model_version = static_cast<int>(q.int64(first + 2));
  v.score = q.real(first + 3);
  v.good = read_label(q, first + 4) == Label::kGood;
  v.threshold = q.real(first + 5);
  v.audit = q.int64(first + 6) != 0;
  v.decision = q.text(first + 7);
  v.latency_us = q.int64(first + 8);
  v.created_at_ms = q.int64(first + 9);
  return v;
}

// The verdict of a LEFT JOIN: none when the join found no row.
inline std::optional<VerdictRecord> read_optional_verdict(const Stmt& q, int first) {
  if (q.is_null(first)) return std::nullopt;
  return read_verdict(q, first);
}

// The join that gives each session `s` its latest verdict as `v`.
inline constexpr char kLatestVerdictJoin[] =
    " LEFT JOIN verdicts v ON v.id = (SELECT MAX(id) FROM verdicts WHERE session_id = s.id) ";

}  // namespace hitloop::sqlite
