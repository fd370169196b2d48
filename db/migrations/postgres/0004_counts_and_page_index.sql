-- How many observations each series has per UTC day and source, kept by every write.
--
-- Why: a page of observations carries `count`, the rows matching over all pages. Counted from
-- observations, that is a scan of every matching row: for the default page (every series, the
-- last 30 days) all of the table's rows in the window, 57,600 on the benchmark load, about
-- 9.5 ms of PostgreSQL CPU per request against under 1 ms for the page itself. With this
-- table a count is the sum of the whole days inside the window (one row per series, day and
-- source) plus the rows of the two partial days at its edges, counted from observations
-- (see PgStore::CountObservations): about a tenth of the rows.
--
-- Kept exact in the write's own transaction: ingest adds the rows it inserted (not the ones it
-- updated), so a snapshot that sees the rows also sees their counts; retention (`oceandash
-- cleanup`, and the server daily) recounts both tables from the rows that remain, which also
-- repairs them after observations were edited by hand.
--
-- n is integer: a day holds at most 86,400,000 rows of one series and source (one per
-- millisecond), and sum(integer) is a bigint, which PostgreSQL adds without numeric arithmetic.
-- No writes while the tables are filled below: a server or fetcher still running the old
-- binary would otherwise commit rows the counts miss. (One still running after this migration
-- writes rows without counting them; upgrade every writer together. Retention's daily recount
-- repairs the counts either way.)
LOCK TABLE observations IN SHARE MODE;

CREATE TABLE observation_counts (
  series_id bigint NOT NULL,
  day       date NOT NULL,
  source    text NOT NULL,
  n         integer NOT NULL,
  PRIMARY KEY (series_id, day, source)
);
-- The count for every series (the default page) sums one range of days.
CREATE INDEX observation_counts_day ON observation_counts (day);

INSERT INTO observation_counts (series_id, day, source, n)
SELECT series_id, (ts AT TIME ZONE 'UTC')::date, source, count(*)
FROM observations
GROUP BY 1, 2, 3;

-- The same per parameter and day, over every location and source: the default page and a
-- parameter's page sum a handful of rows per day however many locations there are (measured
-- with 400 series: 1.9 ms for the days of the default page's count from observation_counts,
-- 11,600 rows; a few hundredths of a millisecond from here).
CREATE TABLE observation_day_totals (
  parameter text NOT NULL,
  day       date NOT NULL,
  n         bigint NOT NULL,
  PRIMARY KEY (parameter, day)
);

INSERT INTO observation_day_totals (parameter, day, n)
SELECT s.parameter, c.day, sum(c.n)
FROM observation_counts c JOIN observation_series s ON s.id = c.series_id
GROUP BY 1, 2;

-- Pages over every series (the default page) and over many series read observations_ts in page
-- order; with the value and flag in it too they are index-only scans, with no heap visit per
-- row: 740 -> 485 us of PostgreSQL CPU for the default page of 1,000 rows (benchmark load).
DROP INDEX observations_ts;
CREATE INDEX observations_ts ON observations (ts, series_id, source) INCLUDE (value, quality_flag);
