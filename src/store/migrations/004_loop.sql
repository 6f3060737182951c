-- The feedback loop: what each verdict was judged against, which verdicts
-- were sampled for audit, and the pass-rate alerts.
ALTER TABLE verdicts ADD COLUMN threshold REAL NOT NULL DEFAULT 0.5;
ALTER TABLE verdicts ADD COLUMN audit INTEGER NOT NULL DEFAULT 0;
CREATE INDEX verdicts_created ON verdicts(created_at);

CREATE TABLE alerts (
  id             INTEGER PRIMARY KEY,
  created_at     INTEGER NOT NULL,
  bucket_start   INTEGER NOT NULL,
  bucket_ms      INTEGER NOT NULL,
  direction      TEXT NOT NULL CHECK (direction IN ('drop', 'rise')),
  baseline       REAL NOT NULL,
  observed       REAL NOT NULL,
  statistic      REAL NOT NULL,
  category       TEXT NOT NULL DEFAULT '',   -- '' = all traffic
  model_version  INTEGER NOT NULL DEFAULT 0, -- 0 = all versions
  UNIQUE (bucket_start, bucket_ms, direction, category, model_version)
);
