-- Initial schema (SQLite). Timestamps are INTEGER epoch milliseconds, UTC, so that the
-- domain's EpochMs round-trips exactly and range predicates stay plain integer comparisons.

CREATE TABLE locations (
  id          TEXT PRIMARY KEY NOT NULL,
  name        TEXT NOT NULL,
  latitude    REAL NOT NULL,
  longitude   REAL NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  updated_at  INTEGER NOT NULL
);

-- The id is the keyset tie-breaker; no AUTOINCREMENT because ids only need to be unique and
-- increasing within a transaction (ingest counts inserts as ids above the pre-batch maximum).
CREATE TABLE observations (
  id           INTEGER PRIMARY KEY,
  location_id  TEXT NOT NULL REFERENCES locations (id),
  parameter    TEXT NOT NULL,
  ts           INTEGER NOT NULL,
  value        REAL NOT NULL,
  quality_flag INTEGER NOT NULL,
  source       TEXT NOT NULL,
  ingested_at  INTEGER NOT NULL
);

-- The natural key (the ON CONFLICT target). Also the index for "one location + parameter over a
-- window" and, scanned backwards, for "latest per location and parameter" (ties on ts broken by
-- source). A named index rather than a table constraint so query plans show its name.
CREATE UNIQUE INDEX observations_key ON observations (location_id, parameter, ts, source);

-- Unfiltered time-ordered pages (keyset on ts, id) and retention deletes by ts.
CREATE INDEX observations_ts_id ON observations (ts, id);

-- Every (location, parameter) that ever had observations: the small driving set for the "latest"
-- query, so it probes the key index once per series instead of scanning observations.
-- Never pruned: a series emptied by retention just yields no row, and pruning would race with
-- a concurrent ingest re-adding it.
CREATE TABLE observation_series (
  location_id TEXT NOT NULL REFERENCES locations (id),
  parameter   TEXT NOT NULL,
  PRIMARY KEY (location_id, parameter)
) WITHOUT ROWID;

CREATE TABLE source_runs (
  id        INTEGER PRIMARY KEY,
  source_id TEXT NOT NULL,
  started   INTEGER NOT NULL,
  finished  INTEGER NOT NULL,
  rows      INTEGER NOT NULL,
  ok        INTEGER NOT NULL,
  error     TEXT NOT NULL DEFAULT ''
);

CREATE INDEX source_runs_source_started ON source_runs (source_id, started);
