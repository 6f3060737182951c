-- Trained evaluation models. The artifact directory holds the weights and
-- manifest.json; this row is the registry's index of versions and status.
CREATE TABLE models (
  version         INTEGER PRIMARY KEY,       -- shown as v1, v2, ...
  kind            TEXT NOT NULL,
  parent_version  INTEGER REFERENCES models(version),
  created_at      INTEGER NOT NULL,
  dataset_hash    TEXT NOT NULL,
  metrics         TEXT NOT NULL DEFAULT '{}',  -- JSON, held-out metrics
  calibration     TEXT NOT NULL DEFAULT '{}',  -- JSON
  status          TEXT NOT NULL DEFAULT 'candidate'
                  CHECK (status IN ('candidate', 'active', 'retired')),
  note            TEXT NOT NULL DEFAULT '',
  path            TEXT NOT NULL
);
CREATE UNIQUE INDEX models_one_active ON models(status) WHERE status = 'active';
