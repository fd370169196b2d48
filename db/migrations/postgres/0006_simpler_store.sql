-- A simpler store (issue 15): fewer things that must stay true across files and processes.
--
-- * observation_series.only_source goes: pages and charts always read the source column, so
--   no statement needs a guard that the cached "one source per series" still holds.
-- * observation_day_totals stays, for the count over every series only (with 400 series its
--   whole days are a few rows a day against one per series; see bench/README.md).
-- * series_blocks goes. Ids already given keep their parameter's block above bit 32 (nothing
--   is renumbered, so cursors and caches stay valid); new series take the next number of
--   observation_series_n, below 2^32, so they can never meet an old id. No read relies on
--   the blocks any more.
-- * The text keys compare byte-wise (COLLATE "C"), as SQLite's do: pages of both stores are
--   in (ts, location_id, parameter, source) order, and the order of two names must not depend
--   on the database's locale. Changing a column's collation rewrites its indexes, not its rows.
--
-- Stop every writer before this migration, as for 0004: an older binary writes the columns and
-- tables dropped here. The whole migration runs in one transaction (the migration runner's).
LOCK TABLE observation_series, observations, observation_counts, observation_day_totals
  IN EXCLUSIVE MODE;

ALTER TABLE observation_series DROP COLUMN only_source;
DROP TABLE series_blocks;

ALTER TABLE observation_series
  ALTER COLUMN location_id TYPE text COLLATE "C",
  ALTER COLUMN parameter TYPE text COLLATE "C";
ALTER TABLE observations ALTER COLUMN source TYPE text COLLATE "C";

-- Caches of other server processes hold pages in the old order.
UPDATE data_version SET version = version + 1;

ANALYZE observation_series, observations;
