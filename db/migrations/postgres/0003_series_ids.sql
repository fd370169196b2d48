-- Observations keyed by an integer series id instead of two text columns.
--
-- Before: observations (id, location_id, parameter, ts, ..., source) with three indexes: the
-- identity primary key, UNIQUE (location_id, parameter, ts, source) and (ts, id). Every index
-- entry repeated the location and parameter text, every key comparison was a collation-aware
-- text comparison, and every row drew a number from the identity sequence. Measured on the
-- benchmark load (57,600 rows, PostgreSQL 15): inserting took 390 ms before and 230 ms after.
--
-- After: a series is (location_id, parameter) in observation_series, which gains an id; each
-- observation names its series by that id. The key is (series_id, ts, source): still "one
-- location + parameter over a time window" as one index range, and still the row order a chart
-- wants. Pages are ordered by (ts, series_id, source), a total order over the same key, so the
-- row id is no longer needed at all (cursors carry those three values; see src/core/cursor.cpp).
--
-- Series ids are never reused or changed: observation_series rows are never deleted, so a
-- server may keep the id -> (location, parameter) mapping in memory once it has read it.
-- bigint costs nothing over integer here: the timestamptz after it is 8-byte aligned.
--
-- The whole migration runs in one transaction (the migration runner's), so a failure leaves
-- the old schema and every row as they were.

ALTER TABLE observation_series ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE observation_series ADD CONSTRAINT observation_series_id UNIQUE (id);

-- only_source: when not NULL, every observation of the series has this source, so a chart read
-- can leave the source out of every row (most series have one source; a tenth of PostgreSQL's
-- work per row). It only ever changes from a source to NULL: set when the series is created,
-- from the batch that creates it, and cleared in the transaction of the first batch that
-- writes another source. Retention never sets it back (it cannot know), which only costs speed.
ALTER TABLE observation_series ADD COLUMN only_source text;

-- Ingest always writes a row's series first, so this finds nothing to add; it is here so that
-- the copy below cannot drop a row even in a database edited by hand.
INSERT INTO observation_series (location_id, parameter)
SELECT DISTINCT location_id, parameter FROM observations
ON CONFLICT DO NOTHING;

CREATE TABLE observations_v3 (
  series_id    bigint NOT NULL,
  ts           timestamptz NOT NULL,
  source       text NOT NULL,
  value        double precision NOT NULL,
  quality_flag smallint NOT NULL,
  ingested_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO observations_v3 (series_id, ts, source, value, quality_flag, ingested_at)
SELECT s.id, o.ts, o.source, o.value, o.quality_flag, o.ingested_at
FROM observations o
JOIN observation_series s ON s.location_id = o.location_id AND s.parameter = o.parameter
ORDER BY s.id, o.ts, o.source;

UPDATE observation_series s SET only_source = o.source
FROM (SELECT series_id, min(source) AS source FROM observations_v3 GROUP BY series_id
      HAVING count(DISTINCT source) = 1) o
WHERE o.series_id = s.id;

DROP TABLE observations;
ALTER TABLE observations_v3 RENAME TO observations;

-- No foreign key to observation_series, for the reason 0001 gives for locations: ingest
-- resolves every series id from observation_series in the same statement that writes the rows,
-- so a row cannot name a series that does not exist.
-- The key index also carries value and quality_flag, so a series or a page of one series is an
-- index-only scan (once vacuum has marked the pages all-visible, which autovacuum does after
-- inserts): no heap visit per row. Measured on the benchmark series (720 rows): 20-25 % less
-- PostgreSQL CPU per query. Re-ingesting unchanged values still updates in place (HOT), as
-- only changed indexed columns prevent that.
ALTER TABLE observations ADD CONSTRAINT observations_key
  PRIMARY KEY (series_id, ts, source) INCLUDE (value, quality_flag);

-- Pages in their order (so a page over every series is an ordered index scan that stops after
-- `limit` rows, with the keyset condition as its start) and retention deletes by ts. With the
-- text column last it costs ingest no more than an index on ts alone (measured).
CREATE INDEX observations_ts ON observations (ts, series_id, source);

-- Index-only scans (above) skip the heap only for pages the visibility map marks all-visible,
-- which vacuum does. Autovacuum's default waits for inserts of 20 % of the table, weeks of
-- fetches on a full 30-day table, while charts read mostly the newest rows: vacuum after
-- inserts of 2 % instead (a few fetch cycles).
ALTER TABLE observations SET (autovacuum_vacuum_insert_scale_factor = 0.02);

-- A counter every write transaction increments as its last statement (ingest, retention, source
-- runs and cells, locations), so it commits together with the change it announces. A server
-- with an in-process cache polls it to notice writes by other processes (a second server,
-- `oceandash fetch` or `cleanup` run on their own). One row; the lock it takes serialises only
-- the final moment of concurrent write transactions.
CREATE TABLE data_version (
  id      boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL
);
INSERT INTO data_version (version) VALUES (0);
