-- What the server needs: model verdicts, users, API keys, login sessions,
-- settings, and a view of each session's majority human label.
CREATE TABLE verdicts (
  id             INTEGER PRIMARY KEY,
  session_id     INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  model_version  INTEGER NOT NULL,
  score          REAL NOT NULL,                 -- P(good)
  label          TEXT NOT NULL CHECK (label IN ('good', 'bad')),
  decision       TEXT NOT NULL DEFAULT '',      -- pass | fail | audit ...
  latency_us     INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL
);
CREATE INDEX verdicts_session ON verdicts(session_id, id);

CREATE TABLE users (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  role           TEXT NOT NULL CHECK (role IN ('admin', 'reviewer')),
  password_hash  TEXT NOT NULL,                 -- libsodium crypto_pwhash_str (Argon2id)
  created_at     INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  key_hash    TEXT NOT NULL UNIQUE,             -- BLAKE2b of the key; the key is shown once
  created_at  INTEGER NOT NULL
);

CREATE TABLE auth_sessions (
  token_hash  TEXT PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at  INTEGER NOT NULL
);

CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);

CREATE INDEX reviews_session_reviewer ON reviews(session_id, reviewer, id);

-- The same rule as majority_label() in src/core/session.cpp: each
-- reviewer's latest review counts once, the majority decides, a tie goes
-- to the most recent review.
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
