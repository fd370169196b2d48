-- Initial schema (PostgreSQL). Timestamps are timestamptz; the store converts to and from
-- epoch milliseconds exactly (see src/storage/sql.hpp).

CREATE TABLE locations (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  latitude    double precision NOT NULL,
  longitude   double precision NOT NULL,
  description text NOT NULL DEFAULT '',
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- location_id has no foreign key here: checked per row, it was the largest single cost of
-- ingest (one lookup in locations for each of thousands of rows per batch). Integrity holds
-- without it: ingest writes each batch's (location, parameter) pairs to observation_series first,
-- in the same transaction, and that table keeps its foreign key, so a batch naming an unknown
-- location fails there and writes nothing; the API also validates location ids against the
-- locations table before writing. Locations are only ever upserted, never deleted.
CREATE TABLE observations (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  location_id  text NOT NULL,
  parameter    text NOT NULL,
  ts           timestamptz NOT NULL,
  value        double precision NOT NULL,
  quality_flag smallint NOT NULL,
  source       text NOT NULL,
  ingested_at  timestamptz NOT NULL DEFAULT now(),
  -- Also the index for "one location + parameter over a window" and, scanned backwards, for
  -- "latest per location and parameter" (ties on ts broken by source).
  CONSTRAINT observations_key UNIQUE (location_id, parameter, ts, source)
);

-- Unfiltered time-ordered pages (keyset on ts, id) and retention deletes by ts.
CREATE INDEX observations_ts_id ON observations (ts, id);

-- Every (location, parameter) that ever had observations: the small driving set for the LATERAL
-- "latest" query, so it probes the key index once per series instead of scanning observations.
-- Never pruned: a series emptied by retention just yields no row, and pruning would race with
-- a concurrent ingest re-adding it.
-- It also keeps each series' newest observation (ties: the greatest source), maintained by
-- ingest and cleared by retention, so "latest per location and parameter" reads this small
-- table instead of probing the observations index once per series.
CREATE TABLE observation_series (
  location_id         text NOT NULL REFERENCES locations (id),
  parameter           text NOT NULL,
  latest_ts           timestamptz,
  latest_value        float8,
  latest_quality_flag int2,
  latest_source       text,
  PRIMARY KEY (location_id, parameter)
);

CREATE TABLE source_runs (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source_id text NOT NULL,
  started   timestamptz NOT NULL,
  finished  timestamptz NOT NULL,
  rows      bigint NOT NULL,
  ok        boolean NOT NULL,
  error     text NOT NULL DEFAULT ''
);

CREATE INDEX source_runs_source_started ON source_runs (source_id, started);
