-- Issue 16: long daily records, climatologies computed from them, and the progress of their
-- downloads. Apart from observations: retention deletes observations only, and these outlive it.
-- Text keys compare byte-wise, as in migration 0006.

-- One value per (location, parameter, day); day counts days since 1970-01-01 (UTC).
CREATE TABLE daily_records (
  location_id text COLLATE "C" NOT NULL REFERENCES locations (id),
  parameter   text COLLATE "C" NOT NULL,
  day         integer NOT NULL,
  value       double precision NOT NULL,
  source      text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (location_id, parameter, day)
);

-- seas and thresh are 366 doubles, percentiles 366 * 99, each as 8-byte big-endian IEEE 754
-- values back to back (exact, and the same bytes as SQLite's blob).
CREATE TABLE climatologies (
  location_id         text COLLATE "C" NOT NULL REFERENCES locations (id),
  parameter           text COLLATE "C" NOT NULL,
  source              text NOT NULL,
  baseline_first_year integer NOT NULL,
  baseline_last_year  integer NOT NULL,
  log10               boolean NOT NULL,
  computed_at         bigint NOT NULL,
  seas                bytea NOT NULL,
  thresh              bytea NOT NULL,
  percentiles         bytea NOT NULL,
  PRIMARY KEY (location_id, parameter)
);

CREATE TABLE backfill_progress (
  source_id        text COLLATE "C" NOT NULL,
  location_id      text COLLATE "C" NOT NULL REFERENCES locations (id),
  parameter        text COLLATE "C" NOT NULL,
  first_day        integer NOT NULL,
  last_day         integer NOT NULL,
  done_through_day integer NOT NULL,
  state            text NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  error            text NOT NULL,
  updated_at       bigint NOT NULL,
  PRIMARY KEY (source_id, location_id, parameter)
);
