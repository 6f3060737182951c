-- Review ids appear in logs, audits and URLs, so a deleted review's id must
-- never name a later review. Without AUTOINCREMENT SQLite hands out
-- max(id) + 1, which reuses the id of a deleted latest review; with it,
-- sqlite_sequence remembers the largest id ever given.
--
-- SQLite cannot add AUTOINCREMENT to a table, so reviews is rebuilt with
-- every row (ids kept), its indexes and its foreign key. The view that
-- reads reviews is dropped first and recreated unchanged: renaming a table
-- checks every view, and this one would name the dropped table. No table
-- references reviews(id). Copying the rows seeds sqlite_sequence with
-- max(id); ids deleted above it before this migration left no trace.
DROP VIEW session_labels;

CREATE TABLE reviews_005 (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  reviewer    TEXT NOT NULL,
  label       TEXT NOT NULL CHECK (label IN ('good', 'bad')),
  tags        TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
  note        TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  kind        TEXT NOT NULL DEFAULT 'label' CHECK (kind IN ('label', 'audit'))
);
INSERT INTO reviews_005(id, session_id, reviewer, label, tags, note, created_at, kind)
  SELECT id, session_id, reviewer, label, tags, note, created_at, kind FROM reviews ORDER BY id;
DROP TABLE reviews;
ALTER TABLE reviews_005 RENAME TO reviews;

CREATE INDEX reviews_session ON reviews(session_id, id);
CREATE INDEX reviews_session_reviewer ON reviews(session_id, reviewer, id);

-- Unchanged from 003_server.sql.
CREATE VIEW session_labels AS
WITH latest AS (
  SELECT r.session_id, r.label, r.id FROM reviews r
  WHERE r.id = (SELECT MAX(r2.id) FROM reviews r2
                WHERE r2.session_id = r.session_id AND r2.reviewer = r.reviewer)
), agg AS (
  SELECT session_id, SUM(label = 'good') AS good, SUM(label = 'bad') AS bad, MAX(id) AS last_id
  FROM latest GROUP BY session_id
)
SELECT a.session_id,
       CASE WHEN a.good > a.bad THEN 'good'
            WHEN a.bad > a.good THEN 'bad'
            ELSE (SELECT label FROM reviews WHERE id = a.last_id) END AS label
FROM agg a;
