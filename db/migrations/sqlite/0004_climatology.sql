-- Issue 16: long daily records, climatologies computed from them, and the progress of their
-- downloads. Apart from observations: retention deletes observations only, and these outlive it.
-- SQLite numbers its migrations on its own (this is its 4th; PostgreSQL's is 0007).

-- One value per (location, parameter, day); day counts days since 1970-01-01 (UTC).
CREATE TABLE daily_records (
  location_id TEXT NOT NULL REFERENCES locations (id),
  parameter   TEXT NOT NULL,
  day         INTEGER NOT NULL,
  value       REAL NOT NULL,
  source      TEXT NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (location_id, parameter, day)
) WITHOUT ROWID;

-- seas and thresh are 366 doubles, percentiles 366 * 99, each as 8-byte big-endian IEEE 754
-- values back to back (exact, and the same bytes as PostgreSQL's bytea).
CREATE TABLE climatologies (
  location_id         TEXT NOT NULL REFERENCES locations (id),
  parameter           TEXT NOT NULL,
  source              TEXT NOT NULL,
  baseline_first_year INTEGER NOT NULL,
  baseline_last_year  INTEGER NOT NULL,
  log10               INTEGER NOT NULL,
  computed_at         INTEGER NOT NULL,
  seas                BLOB NOT NULL,
  thresh              BLOB NOT NULL,
  percentiles         BLOB NOT NULL,
  PRIMARY KEY (location_id, parameter)
) WITHOUT ROWID;

CREATE TABLE backfill_progress (
  source_id        TEXT NOT NULL,
  location_id      TEXT NOT NULL REFERENCES locations (id),
  parameter        TEXT NOT NULL,
  first_day        INTEGER NOT NULL,
  last_day         INTEGER NOT NULL,
  done_through_day INTEGER NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  error            TEXT NOT NULL,
  updated_at       INTEGER NOT NULL,
  PRIMARY KEY (source_id, location_id, parameter)
) WITHOUT ROWID;
