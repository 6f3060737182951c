-- Logged model calls and the human judgments of them.
CREATE TABLE sessions (
  id            INTEGER PRIMARY KEY,
  external_id   TEXT UNIQUE,
  content_hash  BLOB NOT NULL,
  created_at    INTEGER NOT NULL,           -- unix milliseconds
  category      TEXT NOT NULL DEFAULT '',
  model_input   TEXT NOT NULL,
  model_output  TEXT NOT NULL,
  metadata      TEXT                        -- JSON object or NULL
);
CREATE INDEX sessions_content_hash ON sessions(content_hash);

CREATE TABLE reviews (
  id          INTEGER PRIMARY KEY,
  session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  reviewer    TEXT NOT NULL,
  label       TEXT NOT NULL CHECK (label IN ('good', 'bad')),
  tags        TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
  note        TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  kind        TEXT NOT NULL DEFAULT 'label' CHECK (kind IN ('label', 'audit'))
);
CREATE INDEX reviews_session ON reviews(session_id, id);
