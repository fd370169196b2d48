// Every SQL statement of the PostgreSQL store, whole and named; values always travel as bound
// parameters. Optional filters are parameters that may be NULL ("$n IS NULL OR ..."), so each
// read has one statement text. The one exception is a page over a few series, which repeats
// kPageBranch once per series (see pages.cpp).
//
// PostgreSQL keeps timestamptz. Epoch milliseconds go in as 'epoch' + ms * interval '1 ms'
// (to_timestamp(ms / 1000.0) would round): the product is computed in double and is exact to
// the microsecond from 1684 BC to 2255 AD (|us| < 2^53). Reads return ts in binary format
// (microseconds since 2000-01-01), which codec.cpp rounds to the millisecond exactly as the
// text reads' (extract(epoch ...) * 1000)::int8 does, so every EpochMs round-trips.
// Text keys (location_id, parameter, source) compare byte-wise (COLLATE "C", migration 0006),
// as SQLite's do, so both stores order pages alike.
#pragma once

namespace ocean::storage::pg::sql {

inline constexpr char kSessionSetup[] = "SET extra_float_digits = 3";
inline constexpr char kPing[] = "SELECT 1";
inline constexpr char kBegin[] = "BEGIN";
inline constexpr char kBeginSnapshot[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
inline constexpr char kCommit[] = "COMMIT";
inline constexpr char kRollback[] = "ROLLBACK";

// Any constant works as long as every oceandash uses the same one.
inline constexpr long long kMigrationLockKey = 0x6f6365616e646173;  // "oceandas"
inline constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY,"
    " applied_at timestamptz NOT NULL DEFAULT now())";
inline constexpr char kLockMigrations[] = "SELECT pg_advisory_xact_lock($1::int8)";
inline constexpr char kCurrentVersion[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";
inline constexpr char kRecordMigration[] =
    "INSERT INTO schema_migrations (version) VALUES ($1::int4)";

inline constexpr char kUpsertLocation[] =
    "INSERT INTO locations (id, name, latitude, longitude, description, updated_at)"
    " VALUES ($1, $2, $3::float8, $4::float8, $5, now())"
    " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, latitude = EXCLUDED.latitude,"
    " longitude = EXCLUDED.longitude, description = EXCLUDED.description,"
    " updated_at = EXCLUDED.updated_at";
inline constexpr char kListLocations[] =
    "SELECT id, name, latitude, longitude, description FROM locations ORDER BY id";
inline constexpr char kGetLocation[] =
    "SELECT id, name, latitude, longitude, description FROM locations WHERE id = $1";

// ---- Series catalogue (catalogue.cpp) and ingest (ingest.cpp)

// Every series id with its names; the store keeps this mapping in memory (ids never change).
inline constexpr char kListSeries[] = "SELECT id, location_id, parameter FROM observation_series";
// The series of a batch that the store does not know yet, as parallel arrays of location and
// parameter. Also the only check that every location exists (observations has no foreign key;
// see migration 0001). Only unknown series are offered, so the sequence advances by new series.
// Inserted in key order, so two processes recording overlapping sets wait on each other in one
// order instead of deadlocking. Ids of series recorded before migration 0006 carry their
// parameter's block above bit 32; new ids are the sequence's numbers, below every such id.
inline constexpr char kInsertSeries[] =
    "INSERT INTO observation_series (id, location_id, parameter)"
    " SELECT nextval('observation_series_n'), l, p FROM"
    " (SELECT DISTINCT l, p FROM unnest($1::text[], $2::text[]) AS b(l, p) ORDER BY l, p) b"
    " ON CONFLICT DO NOTHING";

// A per-connection staging table for COPY; ON COMMIT DELETE ROWS empties it after each batch
// and a rollback discards it, so it is created once per connection, outside any transaction.
inline constexpr char kCreateIngestTable[] =
    "CREATE TEMP TABLE IF NOT EXISTS ingest_rows ("
    " series_id int8 NOT NULL, ts timestamptz NOT NULL, source text NOT NULL,"
    " value float8 NOT NULL, quality_flag int2 NOT NULL, upstream_flag int2 NOT NULL)"
    " ON COMMIT DELETE ROWS";
inline constexpr char kCopyIngestRows[] =
    "COPY pg_temp.ingest_rows (series_id, ts, source, value, quality_flag, upstream_flag)"
    " FROM STDIN (FORMAT binary)";
// The batch's transaction first takes the lock that retention's recount waits on (kLockCounts),
// before it holds anything on observations: a batch queued behind a recount then holds nothing
// a third session (a migration's DDL, say) could queue on, so the three cannot deadlock.
inline constexpr char kLockCountsForIngest[] =
    "LOCK TABLE observation_counts IN ROW EXCLUSIVE MODE";
// xmax = 0 on the returned row version means INSERT created it; otherwise it was updated. The
// rows it created are added to observation_counts and observation_day_totals (migration 0004)
// in the same statement, in key order, so concurrent batches lock count rows in one order. A
// key two batches insert at once is inserted by one; the other waits for it and updates, so it
// is counted once.
inline constexpr char kUpsertObservationsFromIngest[] =
    "WITH upserted AS ("
    " INSERT INTO observations (series_id, ts, source, value, quality_flag, upstream_flag)"
    " SELECT series_id, ts, source, value, quality_flag, upstream_flag FROM pg_temp.ingest_rows"
    " ON CONFLICT (series_id, ts, source) DO UPDATE SET value = EXCLUDED.value,"
    "  quality_flag = EXCLUDED.quality_flag, upstream_flag = EXCLUDED.upstream_flag,"
    "  ingested_at = now()"
    " RETURNING series_id, ts, source, (xmax = 0) AS inserted),"
    " grouped AS ("
    " SELECT series_id, (ts AT TIME ZONE 'UTC')::date AS day, source, count(*) AS n"
    "  FROM upserted WHERE inserted GROUP BY 1, 2, 3),"
    " counted AS ("
    " INSERT INTO observation_counts (series_id, day, source, n)"
    " SELECT series_id, day, source, n FROM grouped ORDER BY 1, 2, 3"
    " ON CONFLICT (series_id, day, source) DO UPDATE SET n = observation_counts.n + EXCLUDED.n),"
    " totalled AS ("
    " INSERT INTO observation_day_totals (parameter, day, n)"
    " SELECT s.parameter, g.day, sum(g.n) FROM grouped g JOIN observation_series s"
    "  ON s.id = g.series_id GROUP BY 1, 2 ORDER BY 1, 2"
    " ON CONFLICT (parameter, day) DO UPDATE SET n = observation_day_totals.n + EXCLUDED.n)"
    " SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)"
    " FROM upserted";
// After the upsert, in the same transaction: a batch row becomes its series' latest when it is
// at least as new (then as great a source) as the current one. Concurrent batches serialise on
// the series row, and the re-checked condition keeps the newest. The store sends only the
// candidates, per series the batch's rows at its newest instant, as parallel arrays of series
// id, epoch ms, value, flag and source. The time is built from whole seconds and the
// milliseconds left, so that it is the row's exactly (ms * 1000 us in a double is exact only
// up to the year 2255).
inline constexpr char kUpdateLatestFromIngest[] =
    "UPDATE observation_series s SET latest_ts = t.ts, latest_value = t.value,"
    " latest_quality_flag = t.quality_flag, latest_source = t.source"
    " FROM (SELECT DISTINCT ON (series_id) series_id,"
    "  'epoch'::timestamptz + (ms / 1000) * interval '1 second'"
    "   + (ms % 1000) * interval '1 millisecond' AS ts, value, quality_flag, source"
    "  FROM unnest($1::int8[], $2::int8[], $3::float8[], $4::int2[], $5::text[])"
    "   AS b(series_id, ms, value, quality_flag, source)"
    "  ORDER BY series_id, ms DESC, source DESC) t"
    " WHERE s.id = t.series_id"
    " AND (s.latest_ts IS NULL OR (t.ts, t.source) >= (s.latest_ts, s.latest_source))";

// ---- Reads (pages.cpp, pg_store.cpp)

// One series for charts, by its id: the rows in (ts, source) order, as observations_key (which
// covers value and quality_flag) holds them. $4 NULL: every source.
inline constexpr char kSelectSeries[] =
    "SELECT ts, value, quality_flag, source FROM observations"
    " WHERE series_id = $1::int8"
    " AND ts >= 'epoch'::timestamptz + $2::int8 * interval '1 millisecond'"
    " AND ts <= 'epoch'::timestamptz + $3::int8 * interval '1 millisecond'"
    " AND ($4::text IS NULL OR source = $4::text)"
    " ORDER BY ts, source LIMIT $5::int8";

// The newest observation per series is kept in observation_series by ingest, so this reads one
// small table. $1 NULL means every location.
inline constexpr char kLatestObservations[] =
    "SELECT location_id, parameter, latest_ts, latest_value, latest_quality_flag, latest_source"
    " FROM observation_series"
    " WHERE latest_ts IS NOT NULL AND ($1::text[] IS NULL OR location_id = ANY($1::text[]))"
    " ORDER BY location_id, parameter";

// Pages are in (ts, location_id, parameter, source) order, the documented order of every store.
// Rows are after the keyset position ($3 ms, $4 location, $5 parameter, $6 source); the first
// page's position is (window start, '', '', ''), before every row of the window. The separate
// "ts >= $3" bounds the index scan. A page over every series reads observations_ts in time
// order and sorts each instant's rows (an incremental sort); the join gives each row its
// series' names. $7 locations, $8 parameter, $9 source: NULL for none.
inline constexpr char kPage[] =
    "SELECT o.series_id, o.ts, o.value, o.quality_flag, o.source"
    " FROM observations o JOIN observation_series s ON s.id = o.series_id"
    " WHERE o.ts >= 'epoch'::timestamptz + $1::int8 * interval '1 millisecond'"
    " AND o.ts <= 'epoch'::timestamptz + $2::int8 * interval '1 millisecond'"
    " AND o.ts >= 'epoch'::timestamptz + $3::int8 * interval '1 millisecond'"
    " AND (o.ts, s.location_id, s.parameter, o.source) >"
    " ('epoch'::timestamptz + $3::int8 * interval '1 millisecond', $4::text, $5::text, $6::text)"
    " AND ($7::text[] IS NULL OR s.location_id = ANY($7::text[]))"
    " AND ($8::text IS NULL OR s.parameter = $8::text)"
    " AND ($9::text IS NULL OR o.source = $9::text)"
    " ORDER BY o.ts, s.location_id, s.parameter, o.source LIMIT $10::int8";

// kPage's first page, whose position precedes every row of the window: without the position's
// comparison, the names are looked up once per series (a memoized join) rather than once per
// row. $1, $2 the window, $3 locations, $4 parameter, $5 source (NULL for none), $6 the limit.
inline constexpr char kFirstPage[] =
    "SELECT o.series_id, o.ts, o.value, o.quality_flag, o.source"
    " FROM observations o JOIN observation_series s ON s.id = o.series_id"
    " WHERE o.ts >= 'epoch'::timestamptz + $1::int8 * interval '1 millisecond'"
    " AND o.ts <= 'epoch'::timestamptz + $2::int8 * interval '1 millisecond'"
    " AND ($3::text[] IS NULL OR s.location_id = ANY($3::text[]))"
    " AND ($4::text IS NULL OR s.parameter = $4::text)"
    " AND ($5::text IS NULL OR o.source = $5::text)"
    " ORDER BY o.ts, s.location_id, s.parameter, o.source LIMIT $6::int8";

// A page of one series: its range of observations_key from ($2 microseconds, $3 source), where
// the window's start and the position put it (pages.cpp, StartOfSeries in page_bound.hpp), to
// $4 ms, already in page order. $1 the series, $5 the source or NULL, $6 the limit.
inline constexpr char kSeriesPage[] =
    "SELECT series_id, ts, value, quality_flag, source FROM observations"
    " WHERE series_id = $1::int8"
    " AND (ts, source) >= ('epoch'::timestamptz + $2::int8 * interval '1 microsecond', $3::text)"
    " AND ts <= 'epoch'::timestamptz + $4::int8 * interval '1 millisecond'"
    " AND ($5::text IS NULL OR source = $5::text)"
    " ORDER BY ts, source LIMIT $6::int8";

// A page over a few series (a location's parameters; a parameter at a few locations): one
// ordered range of observations_key per series, merged in time order (Merge Append), so it reads
// about `limit` rows however many the window holds. kMergedPageOpen, then kPageBranch per series
// in name order joined by " UNION ALL ", then kMergedPageClose. Each branch reads its series
// as kSeriesPage does, from its own start key ({1} microseconds, {2} source), and carries its
// rank in name order ({3}, written into the text), which orders each instant's rows by series
// without comparing names; {0} is the series. $1 the window's end (ms), $2 the source or NULL,
// $3 the limit.
inline constexpr char kMergedPageOpen[] =
    "SELECT series_id, ts, value, quality_flag, source FROM (";
inline constexpr char kPageBranch[] =
    "(SELECT series_id, ts, value, quality_flag, source, {3} AS rank FROM observations"
    " WHERE series_id = ${0}::int8"
    " AND (ts, source) >= ('epoch'::timestamptz + ${1}::int8 * interval '1 microsecond',"
    " ${2}::text)"
    " AND ts <= 'epoch'::timestamptz + $1::int8 * interval '1 millisecond'"
    " AND ($2::text IS NULL OR source = $2::text)"
    " ORDER BY ts, source LIMIT $3::int8)";
inline constexpr char kMergedPageClose[] = ") m ORDER BY ts, rank, source LIMIT $3::int8";

// Counts over a window: the whole UTC days [$1, $2) (days since 1970), plus $3 times the rows
// in [$4, $5) and $6 times those in [$7, $8) (microseconds since 1970; see day_split.hpp). The
// days of every source come from observation_day_totals, a few rows a day however many series
// there are; those of one source or of some series from observation_counts. Every part reads
// one index range. Each shape is its own statement, with no "$n IS NULL OR" choice inside, and
// the bounds of kCountAll's ranges are read from sub-selects, so that the planner estimates
// them alike with and without their values: PostgreSQL then keeps one generic plan, where the
// custom plans looked cheaper (an edge near the newest row seems empty) and it planned every
// call, which cost several times the count itself.
inline constexpr char kCountAll[] =
    "SELECT ((SELECT coalesce(sum(n), 0) FROM observation_day_totals"
    "  WHERE day >= '1970-01-01'::date + (SELECT $1::int4)"
    "  AND day < '1970-01-01'::date + (SELECT $2::int4))"
    " + $3::int8 * (SELECT count(*) FROM observations"
    "  WHERE ts >= 'epoch'::timestamptz + (SELECT $4::int8) * interval '1 microsecond'"
    "  AND ts < 'epoch'::timestamptz + (SELECT $5::int8) * interval '1 microsecond')"
    " + $6::int8 * (SELECT count(*) FROM observations"
    "  WHERE ts >= 'epoch'::timestamptz + (SELECT $7::int8) * interval '1 microsecond'"
    "  AND ts < 'epoch'::timestamptz + (SELECT $8::int8) * interval '1 microsecond'))::int8";
// kCountAll of the rows of source $9.
inline constexpr char kCountAllOfSource[] =
    "SELECT ((SELECT coalesce(sum(n), 0) FROM observation_counts"
    "  WHERE day >= '1970-01-01'::date + (SELECT $1::int4)"
    "  AND day < '1970-01-01'::date + (SELECT $2::int4) AND source = $9::text)"
    " + $3::int8 * (SELECT count(*) FROM observations"
    "  WHERE ts >= 'epoch'::timestamptz + (SELECT $4::int8) * interval '1 microsecond'"
    "  AND ts < 'epoch'::timestamptz + (SELECT $5::int8) * interval '1 microsecond'"
    "  AND source = $9::text)"
    " + $6::int8 * (SELECT count(*) FROM observations"
    "  WHERE ts >= 'epoch'::timestamptz + (SELECT $7::int8) * interval '1 microsecond'"
    "  AND ts < 'epoch'::timestamptz + (SELECT $8::int8) * interval '1 microsecond'"
    "  AND source = $9::text))::int8";
// kCountAll of one series, $9 (the rows of source $10, NULL for every source): each part one
// range of the series' own key.
inline constexpr char kCountOneSeries[] =
    "SELECT ((SELECT coalesce(sum(n), 0) FROM observation_counts WHERE series_id = $9::int8"
    "  AND day >= '1970-01-01'::date + $1::int4 AND day < '1970-01-01'::date + $2::int4"
    "  AND ($10::text IS NULL OR source = $10::text))"
    " + $3::int8 * (SELECT count(*) FROM observations WHERE series_id = $9::int8"
    "  AND ts >= 'epoch'::timestamptz + $4::int8 * interval '1 microsecond'"
    "  AND ts < 'epoch'::timestamptz + $5::int8 * interval '1 microsecond'"
    "  AND ($10::text IS NULL OR source = $10::text))"
    " + $6::int8 * (SELECT count(*) FROM observations WHERE series_id = $9::int8"
    "  AND ts >= 'epoch'::timestamptz + $7::int8 * interval '1 microsecond'"
    "  AND ts < 'epoch'::timestamptz + $8::int8 * interval '1 microsecond'"
    "  AND ($10::text IS NULL OR source = $10::text)))::int8";
// kCountOneSeries summed over the series $9 (an int8 array, as the store's catalogue knows
// them), each one range of its own key, with how many series the location and/or parameter
// filter ($11 locations, $12 parameter, NULL for none) matches in the database: the store checks
// its list against it. The ids are unnested from a sub-select so that the planner estimates as
// many series with their values as without: it then keeps the generic plan, where with the
// array's length known its custom plans looked cheaper and it planned every call.
inline constexpr char kCountSeries[] =
    "SELECT coalesce(sum(d.n + $3::int8 * e1.c + $6::int8 * e2.c), 0)::int8,"
    " (SELECT count(*) FROM observation_series"
    "  WHERE ($11::text[] IS NULL OR location_id = ANY($11::text[]))"
    "  AND ($12::text IS NULL OR parameter = $12::text))"
    " FROM unnest((SELECT $9::int8[])) AS s(id)"
    " CROSS JOIN LATERAL (SELECT coalesce(sum(c.n), 0) AS n FROM observation_counts c"
    "  WHERE c.series_id = s.id AND c.day >= '1970-01-01'::date + $1::int4"
    "  AND c.day < '1970-01-01'::date + $2::int4"
    "  AND ($10::text IS NULL OR c.source = $10::text)) d"
    " CROSS JOIN LATERAL (SELECT count(*) AS c FROM observations o WHERE o.series_id = s.id"
    "  AND o.ts >= 'epoch'::timestamptz + $4::int8 * interval '1 microsecond'"
    "  AND o.ts < 'epoch'::timestamptz + $5::int8 * interval '1 microsecond'"
    "  AND ($10::text IS NULL OR o.source = $10::text)) e1"
    " CROSS JOIN LATERAL (SELECT count(*) AS c FROM observations o WHERE o.series_id = s.id"
    "  AND o.ts >= 'epoch'::timestamptz + $7::int8 * interval '1 microsecond'"
    "  AND o.ts < 'epoch'::timestamptz + $8::int8 * interval '1 microsecond'"
    "  AND ($10::text IS NULL OR o.source = $10::text)) e2";
// How many series a location and/or parameter filter matches ($1, $2 as kCountSeries' $11, $12).
inline constexpr char kCountMatchingSeries[] =
    "SELECT count(*) FROM observation_series"
    " WHERE ($1::text[] IS NULL OR location_id = ANY($1::text[]))"
    " AND ($2::text IS NULL OR parameter = $2::text)";

// ---- Retention (retention.cpp)

// Retention recounts observation_counts and observation_day_totals from the rows that remain (so it
// also repairs counts after observations were edited by hand). The lock, taken before the delete,
// waits for ingests already writing counts to commit and holds new ones back until the recount
// commits, so the recount's snapshot misses no batch and no batch adds to counts it then replaces.
inline constexpr char kLockCounts[] = "LOCK TABLE observation_counts IN SHARE ROW EXCLUSIVE MODE";
// One statement, so the deletion and the latest it invalidates commit together. A series'
// latest older than the cutoff means every row of that series was deleted. The cutoff is
// written out in each condition so the planner sees its value.
inline constexpr char kDeleteObservationsBefore[] =
    "WITH deleted AS (DELETE FROM observations"
    "  WHERE ts < 'epoch'::timestamptz + $1::int8 * interval '1 millisecond' RETURNING 1),"
    " cleared AS (UPDATE observation_series SET latest_ts = NULL, latest_value = NULL,"
    "  latest_quality_flag = NULL, latest_source = NULL"
    "  WHERE latest_ts < 'epoch'::timestamptz + $1::int8 * interval '1 millisecond' RETURNING 1)"
    " SELECT count(*) FROM deleted";
// Every ingest writes observation_day_totals only in the statement that writes
// observation_counts, so the lock on the latter holds back writes to both.
inline constexpr char kClearCounts[] = "DELETE FROM observation_counts";
inline constexpr char kRecount[] =
    "INSERT INTO observation_counts (series_id, day, source, n)"
    " SELECT series_id, (ts AT TIME ZONE 'UTC')::date, source, count(*) FROM observations"
    " GROUP BY 1, 2, 3";
inline constexpr char kClearTotals[] = "DELETE FROM observation_day_totals";
inline constexpr char kRetotal[] =
    "INSERT INTO observation_day_totals (parameter, day, n)"
    " SELECT s.parameter, c.day, sum(c.n) FROM observation_counts c"
    " JOIN observation_series s ON s.id = c.series_id GROUP BY 1, 2";

// ---- Source runs, cells, data version (pg_store.cpp)

inline constexpr char kInsertSourceRun[] =
    "INSERT INTO source_runs (source_id, started, finished, rows, ok, error)"
    " VALUES ($1, 'epoch'::timestamptz + $2::int8 * interval '1 millisecond',"
    " 'epoch'::timestamptz + $3::int8 * interval '1 millisecond', $4::int8, $5::bool, $6)";
inline constexpr char kLatestRunPerSource[] =
    "SELECT DISTINCT ON (source_id) source_id, (extract(epoch FROM started) * 1000)::int8,"
    " (extract(epoch FROM finished) * 1000)::int8, rows, ok, error FROM source_runs"
    " ORDER BY source_id, started DESC, id DESC";
inline constexpr char kLatestRunPerSourceByOutcome[] =
    "SELECT DISTINCT ON (source_id) source_id, (extract(epoch FROM started) * 1000)::int8,"
    " (extract(epoch FROM finished) * 1000)::int8, rows, ok, error FROM source_runs"
    " WHERE ok = $1::bool ORDER BY source_id, started DESC, id DESC";
inline constexpr char kRowsPerSource[] =
    "SELECT source, count(*) FROM observations GROUP BY source";
inline constexpr char kUpsertSourceCell[] =
    "INSERT INTO source_cells"
    " (source_id, location_id, parameter, cell_latitude, cell_longitude, updated_at)"
    " VALUES ($1, $2, $3, $4::float8, $5::float8, now())"
    " ON CONFLICT (source_id, location_id, parameter) DO UPDATE SET"
    " cell_latitude = EXCLUDED.cell_latitude, cell_longitude = EXCLUDED.cell_longitude,"
    " updated_at = EXCLUDED.updated_at";
inline constexpr char kListSourceCells[] =
    "SELECT source_id, location_id, parameter, cell_latitude, cell_longitude FROM source_cells"
    " WHERE location_id = $1 ORDER BY source_id, parameter";
// A counter every write transaction increments (see migration 0003).
inline constexpr char kDataVersion[] = "SELECT version::text FROM data_version";
// The last statement of every write transaction, so the new version commits together with what
// it announces. Last also keeps the lock order the same in every transaction (data rows, then
// this row), so two writers cannot deadlock on it.
inline constexpr char kBumpDataVersion[] = "UPDATE data_version SET version = version + 1";

// ---- Long daily records, climatologies, backfill progress (climatology.cpp)

// Parallel arrays of days and values, all of one (location, parameter) and source.
inline constexpr char kUpsertDailyRecord[] =
    "INSERT INTO daily_records (location_id, parameter, day, value, source)"
    " SELECT $1, $2, d, v, $3 FROM unnest($4::int4[], $5::float8[]) AS b(d, v)"
    " ON CONFLICT (location_id, parameter, day) DO UPDATE SET value = EXCLUDED.value,"
    " source = EXCLUDED.source, updated_at = now()";
inline constexpr char kReadDailyRecord[] =
    "SELECT day::int8, value FROM daily_records"
    " WHERE location_id = $1 AND parameter = $2 AND day >= $3::int4 AND day <= $4::int4"
    " ORDER BY day";
inline constexpr char kPutClimatology[] =
    "INSERT INTO climatologies (location_id, parameter, source, baseline_first_year,"
    " baseline_last_year, log10, computed_at, seas, thresh, percentiles)"
    " VALUES ($1, $2, $3, $4::int4, $5::int4, $6::bool, $7::int8, $8::bytea, $9::bytea,"
    " $10::bytea)"
    " ON CONFLICT (location_id, parameter) DO UPDATE SET source = EXCLUDED.source,"
    " baseline_first_year = EXCLUDED.baseline_first_year,"
    " baseline_last_year = EXCLUDED.baseline_last_year, log10 = EXCLUDED.log10,"
    " computed_at = EXCLUDED.computed_at, seas = EXCLUDED.seas, thresh = EXCLUDED.thresh,"
    " percentiles = EXCLUDED.percentiles";
// Binary results: the arrays arrive as their raw bytes.
inline constexpr char kGetClimatology[] =
    "SELECT location_id, parameter, source, baseline_first_year::int8,"
    " baseline_last_year::int8, log10::int4::int8, computed_at, seas, thresh, percentiles"
    " FROM climatologies WHERE location_id = $1 AND parameter = $2";
inline constexpr char kListClimatologies[] =
    "SELECT location_id, parameter, source, baseline_first_year::int8,"
    " baseline_last_year::int8, log10::int4::int8, computed_at, seas, thresh, percentiles"
    " FROM climatologies ORDER BY location_id, parameter";
// One row per key that has a climatology, in key order (i counts keys from 1): the descriptor
// and the key's day sliced out of the stored arrays (8-byte doubles; 99 of them a day in
// percentiles), so the other days' bytes never leave the server.
inline constexpr char kReadClimatologyDays[] =
    "SELECT k.i - 1, c.source, c.baseline_first_year::int8, c.baseline_last_year::int8,"
    " c.log10::int4::int8, c.computed_at, substring(c.seas FROM k.d * 8 + 1 FOR 8),"
    " substring(c.thresh FROM k.d * 8 + 1 FOR 8),"
    " CASE WHEN k.levels <> 0 THEN substring(c.percentiles FROM k.d * 792 + 1 FOR 792)"
    " ELSE ''::bytea END"
    " FROM unnest($1::text[], $2::text[], $3::int4[], $4::int4[])"
    "  WITH ORDINALITY AS k(location_id, parameter, d, levels, i)"
    " JOIN climatologies c ON c.location_id = k.location_id AND c.parameter = k.parameter"
    " WHERE k.d BETWEEN 0 AND 365 ORDER BY k.i";
inline constexpr char kUpsertBackfillProgress[] =
    "INSERT INTO backfill_progress (source_id, location_id, parameter, first_day, last_day,"
    " done_through_day, state, error, updated_at)"
    " VALUES ($1, $2, $3, $4::int4, $5::int4, $6::int4, $7, $8, $9::int8)"
    " ON CONFLICT (source_id, location_id, parameter) DO UPDATE SET"
    " first_day = EXCLUDED.first_day, last_day = EXCLUDED.last_day,"
    " done_through_day = EXCLUDED.done_through_day, state = EXCLUDED.state,"
    " error = EXCLUDED.error, updated_at = EXCLUDED.updated_at";
inline constexpr char kListBackfillProgress[] =
    "SELECT source_id, location_id, parameter, first_day, last_day, done_through_day, state,"
    " error, updated_at FROM backfill_progress ORDER BY source_id, location_id, parameter";

// ---- Quality control on ingest (pg/review.cpp), inside the batch's write transaction, before
// the batch is written.

// Stored rows of series around a batch, for windows given as parallel arrays of series id,
// source, start and end ms, rows before and rows after: per window up to `before` rows before
// start, the rows in [start, end], up to `after` rows after end, all through observations_key,
// each row with its window's position (from 1), in window then time order. A row stored before
// migration 0008 has no upstream flag: its stored flag is the one it arrived with. Planned per
// call: a plan cached while observations was still empty would scan the table.
inline constexpr char kReviewWindows[] =
    "SELECT r.i, w.ts, w.value, w.quality_flag, coalesce(w.upstream_flag, w.quality_flag)"
    " FROM unnest($1::int8[], $2::text[], $3::int8[], $4::int8[], $5::int8[], $6::int8[])"
    "  WITH ORDINALITY AS r(series_id, source, start_ms, end_ms, before, after, i)"
    " CROSS JOIN LATERAL ("
    " (SELECT ts, value, quality_flag, upstream_flag FROM observations o"
    "  WHERE o.series_id = r.series_id AND o.source = r.source"
    "  AND o.ts < 'epoch'::timestamptz + r.start_ms * interval '1 millisecond'"
    "  ORDER BY o.ts DESC LIMIT r.before)"
    " UNION ALL"
    " (SELECT ts, value, quality_flag, upstream_flag FROM observations o"
    "  WHERE o.series_id = r.series_id AND o.source = r.source"
    "  AND o.ts >= 'epoch'::timestamptz + r.start_ms * interval '1 millisecond'"
    "  AND o.ts <= 'epoch'::timestamptz + r.end_ms * interval '1 millisecond')"
    " UNION ALL"
    " (SELECT ts, value, quality_flag, upstream_flag FROM observations o"
    "  WHERE o.series_id = r.series_id AND o.source = r.source"
    "  AND o.ts > 'epoch'::timestamptz + r.end_ms * interval '1 millisecond'"
    "  ORDER BY o.ts LIMIT r.after)) w"
    " ORDER BY r.i, w.ts";
// New flags as parallel arrays of series id, epoch ms, source and flag; the time is built as in
// kUpdateLatestFromIngest so that it is the row's exactly.
inline constexpr char kUpdateQualityFlags[] =
    "UPDATE observations o SET quality_flag = c.quality_flag"
    " FROM unnest($1::int8[], $2::int8[], $3::text[], $4::int2[])"
    "  AS c(series_id, ms, source, quality_flag)"
    " WHERE o.series_id = c.series_id AND o.source = c.source"
    " AND o.ts = 'epoch'::timestamptz + (c.ms / 1000) * interval '1 second'"
    "  + (c.ms % 1000) * interval '1 millisecond'";
// The latest row kept in observation_series follows its row's new flag ($1: the series ids).
inline constexpr char kRefreshLatestFlags[] =
    "UPDATE observation_series s SET latest_quality_flag = o.quality_flag"
    " FROM observations o"
    " WHERE s.id = ANY($1::int8[]) AND o.series_id = s.id AND o.ts = s.latest_ts"
    " AND o.source = s.latest_source AND s.latest_quality_flag IS DISTINCT FROM o.quality_flag";

}  // namespace ocean::storage::pg::sql
