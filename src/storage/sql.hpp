// Every SQL statement of the storage module, as named constants; values always travel as bound
// parameters. The observation queries are composed from fixed fragments (kSelect/kCount, then
// the kFilter* that apply, in a fixed order), written with '?' placeholders: SQLite binds them
// positionally and pg_store.cpp renumbers them to $1, $2, ... No statement text comes from input.
#pragma once

namespace ocean::storage::sql {

// A location filter is one parameter: a JSON array read with json_each (SQLite) or a text[]
// literal (PostgreSQL).
namespace sqlite {

inline constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY NOT NULL,"
    " applied_at INTEGER NOT NULL)";
inline constexpr char kCurrentVersion[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";
inline constexpr char kRecordMigration[] =
    "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)";

inline constexpr char kUpsertLocation[] =
    "INSERT INTO locations (id, name, latitude, longitude, description, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    " ON CONFLICT (id) DO UPDATE SET name = excluded.name, latitude = excluded.latitude,"
    " longitude = excluded.longitude, description = excluded.description,"
    " updated_at = excluded.updated_at";
inline constexpr char kListLocations[] =
    "SELECT id, name, latitude, longitude, description FROM locations ORDER BY id";
inline constexpr char kGetLocation[] =
    "SELECT id, name, latitude, longitude, description FROM locations WHERE id = ?1";
inline constexpr char kLocationExists[] = "SELECT 1 FROM locations WHERE id = ?1";

// Row ids are max(id)+1 at insert time, so within one write transaction every id above the
// pre-batch maximum is a row this batch inserted; lower ids are rows it updated.
inline constexpr char kMaxObservationId[] = "SELECT coalesce(max(id), 0) FROM observations";
inline constexpr char kUpsertObservation[] =
    "INSERT INTO observations"
    " (location_id, parameter, ts, value, quality_flag, source, ingested_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (location_id, parameter, ts, source) DO UPDATE SET value = excluded.value,"
    " quality_flag = excluded.quality_flag, ingested_at = excluded.ingested_at"
    " RETURNING id";
inline constexpr char kUpsertSeries[] =
    "INSERT INTO observation_series (location_id, parameter) VALUES (?1, ?2)"
    " ON CONFLICT DO NOTHING";

inline constexpr char kSelectObservations[] =
    "SELECT id, location_id, parameter, ts, value, quality_flag, source FROM observations"
    " WHERE ts >= ? AND ts <= ?";
inline constexpr char kCountObservations[] =
    "SELECT count(*) FROM observations WHERE ts >= ? AND ts <= ?";
inline constexpr char kFilterLocations[] = " AND location_id IN (SELECT value FROM json_each(?))";
// One series for charts: only the columns a chart needs; then kFilterSource if any, then
// kOrderSeriesLimit. (location_id, parameter, ts, source) is the key, so "ts, source" is a total
// order that observations_key returns as it is, with no sort step.
inline constexpr char kSelectSeries[] =
    "SELECT ts, value, quality_flag, source FROM observations"
    " WHERE location_id = ? AND parameter = ? AND ts >= ? AND ts <= ?";
inline constexpr char kOrderSeriesLimit[] = " ORDER BY ts, source LIMIT ?";
inline constexpr char kFilterParameter[] = " AND parameter = ?";
// A count for one parameter at every location, as its series: each one a range of the covering
// observations_key, where "parameter = ?" reads every row of the window from the table
// (measured on the benchmark load, 20 of 80 series: 27 ms -> 1-2 ms).
inline constexpr char kFilterParameterSeries[] =
    " AND (location_id, parameter) IN"
    " (SELECT location_id, parameter FROM observation_series WHERE parameter = ?)";
inline constexpr char kFilterSource[] = " AND source = ?";
inline constexpr char kFilterAfter[] = " AND (ts, id) > (?, ?)";
inline constexpr char kOrderByTsIdLimit[] = " ORDER BY ts, id LIMIT ?";

// Driven by the small series table; each series is one backwards probe of observations_key.
inline constexpr char kLatestObservations[] =
    "SELECT o.location_id, o.parameter, o.ts, o.value, o.quality_flag, o.source"
    " FROM observation_series s JOIN observations o ON o.id = ("
    "  SELECT i.id FROM observations i"
    "  WHERE i.location_id = s.location_id AND i.parameter = s.parameter"
    "  ORDER BY i.ts DESC, i.source DESC LIMIT 1)"
    " ORDER BY s.location_id, s.parameter";
inline constexpr char kLatestObservationsAt[] =
    "SELECT o.location_id, o.parameter, o.ts, o.value, o.quality_flag, o.source"
    " FROM observation_series s JOIN observations o ON o.id = ("
    "  SELECT i.id FROM observations i"
    "  WHERE i.location_id = s.location_id AND i.parameter = s.parameter"
    "  ORDER BY i.ts DESC, i.source DESC LIMIT 1)"
    " WHERE s.location_id IN (SELECT value FROM json_each(?1))"
    " ORDER BY s.location_id, s.parameter";

inline constexpr char kDeleteObservationsBefore[] = "DELETE FROM observations WHERE ts < ?1";

inline constexpr char kInsertSourceRun[] =
    "INSERT INTO source_runs (source_id, started, finished, rows, ok, error)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
inline constexpr char kLatestRunPerSource[] =
    "SELECT source_id, started, finished, rows, ok, error FROM ("
    " SELECT source_id, started, finished, rows, ok, error, row_number() OVER"
    "  (PARTITION BY source_id ORDER BY started DESC, id DESC) AS rn FROM source_runs)"
    " WHERE rn = 1";
inline constexpr char kLatestRunPerSourceByOutcome[] =
    "SELECT source_id, started, finished, rows, ok, error FROM ("
    " SELECT source_id, started, finished, rows, ok, error, row_number() OVER"
    "  (PARTITION BY source_id ORDER BY started DESC, id DESC) AS rn FROM source_runs"
    "  WHERE ok = ?1)"
    " WHERE rn = 1";
inline constexpr char kRowsPerSource[] =
    "SELECT source, count(*) FROM observations GROUP BY source";

inline constexpr char kUpsertSourceCell[] =
    "INSERT INTO source_cells"
    " (source_id, location_id, parameter, cell_latitude, cell_longitude, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    " ON CONFLICT (source_id, location_id, parameter) DO UPDATE SET"
    " cell_latitude = excluded.cell_latitude, cell_longitude = excluded.cell_longitude,"
    " updated_at = excluded.updated_at";
inline constexpr char kListSourceCells[] =
    "SELECT source_id, location_id, parameter, cell_latitude, cell_longitude FROM source_cells"
    " WHERE location_id = ?1 ORDER BY source_id, parameter";
// Per connection: changes when another connection (of any process) has committed.
inline constexpr char kDataVersion[] = "PRAGMA data_version";

}  // namespace sqlite

// PostgreSQL keeps timestamptz. Epoch milliseconds go in as 'epoch' + ms * interval '1 ms'
// (to_timestamp(ms / 1000.0) would round): the product is computed in double and is exact to the
// microsecond from 1684 BC to 2255 AD (|µs| < 2^53), and off by far less than 0.5 ms beyond.
// The observation reads return ts itself in binary format (microseconds since 2000-01-01), which
// pg_store.cpp rounds to the nearest millisecond exactly as the text reads' cast
// (extract(epoch ...) * 1000)::int8 does (extract is numeric, exact, since PostgreSQL 14), so
// every EpochMs round-trips. Statements are prepared once per connection, so a plan is reused:
// keep each statement's shape independent of the values bound to it.
namespace pg {

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

inline constexpr char kPing[] = "SELECT 1";
inline constexpr char kBegin[] = "BEGIN";
inline constexpr char kCommit[] = "COMMIT";
inline constexpr char kRollback[] = "ROLLBACK";

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

// A per-connection staging table for COPY; ON COMMIT DELETE ROWS empties it after each batch
// and a rollback discards it, so it is created once per connection, outside any transaction.
// COPY is binary: ts arrives as a timestamptz (microseconds since 2000-01-01), already
// converted, and each row's series id is resolved by the store before the COPY.
inline constexpr char kCreateIngestTable[] =
    "CREATE TEMP TABLE IF NOT EXISTS ingest_rows ("
    " series_id int8 NOT NULL, ts timestamptz NOT NULL, source text NOT NULL,"
    " value float8 NOT NULL, quality_flag int2 NOT NULL)"
    " ON COMMIT DELETE ROWS";
inline constexpr char kCopyIngestRows[] =
    "COPY pg_temp.ingest_rows (series_id, ts, source, value, quality_flag)"
    " FROM STDIN (FORMAT binary)";
// The series of a batch that the store does not know yet, as parallel arrays of location,
// parameter and the batch's only source for it ('' when the batch has several). Also the
// only check that every location exists (observations has no foreign key; see the
// migrations): a batch naming an unknown location fails here, before any observation is
// written. Only unknown series are offered, so the sequence advances by new series, not by
// every series of every batch (ON CONFLICT draws a number for each row it is offered).
// Both insert in key order, so two processes recording overlapping sets wait on each other in
// one order instead of deadlocking.
// The id is the parameter's block and a number (migration 0005): kInsertSeriesBlocks first
// gives a parameter without a block the next free one, with the parameters as $1. Returns
// the series it recorded, as kListSeries does (not those another process recorded meanwhile).
inline constexpr char kInsertSeriesBlocks[] =
    "INSERT INTO series_blocks (parameter)"
    " SELECT DISTINCT p FROM unnest($1::text[]) AS b(p)"
    " WHERE NOT EXISTS (SELECT 1 FROM series_blocks k WHERE k.parameter = b.p) ORDER BY p"
    " ON CONFLICT DO NOTHING";
inline constexpr char kInsertSeries[] =
    "INSERT INTO observation_series (id, location_id, parameter, only_source)"
    " SELECT k.block::int8 * 4294967296 + nextval('observation_series_n'), b.l, b.p,"
    " NULLIF(b.s, '') FROM unnest($1::text[], $2::text[], $3::text[]) AS b(l, p, s)"
    " JOIN series_blocks k ON k.parameter = b.p ORDER BY b.l, b.p"
    " ON CONFLICT DO NOTHING RETURNING id, location_id, parameter, only_source";
// In a batch's transaction, for the series it writes a second source to.
inline constexpr char kClearOnlySource[] =
    "UPDATE observation_series SET only_source = NULL"
    " WHERE id = ANY($1::int8[]) AND only_source IS NOT NULL";
// The batch's transaction first takes the lock that retention's recount waits on (kLockCounts),
// before it holds anything on observations: a batch queued behind a recount then holds
// nothing a third session (a migration's DDL, say) could queue on, so the three cannot
// deadlock.
inline constexpr char kLockCountsForIngest[] =
    "LOCK TABLE observation_counts IN ROW EXCLUSIVE MODE";
// xmax = 0 on the returned row version means INSERT created it; otherwise it was updated.
// The rows it created are added to observation_counts and observation_day_totals (migration
// 0004) in the same statement, in key order, so concurrent batches lock count rows in one order.
// A key two batches insert at once is inserted by one; the other waits for it and updates, so it
// is counted once (PostgresCountsTest.ConcurrentIngestAndRetentionKeepCountsExact).
inline constexpr char kUpsertObservationsFromIngest[] =
    "WITH upserted AS ("
    " INSERT INTO observations (series_id, ts, source, value, quality_flag)"
    " SELECT series_id, ts, source, value, quality_flag FROM pg_temp.ingest_rows"
    " ON CONFLICT (series_id, ts, source) DO UPDATE SET value = EXCLUDED.value,"
    "  quality_flag = EXCLUDED.quality_flag, ingested_at = now()"
    " RETURNING series_id, ts, source, (xmax = 0) AS inserted),"
    " grouped AS ("
    " SELECT series_id, (ts AT TIME ZONE 'UTC')::date AS day, source, count(*) AS n"
    "  FROM upserted WHERE inserted GROUP BY 1, 2, 3),"
    " counted AS ("
    " INSERT INTO observation_counts (series_id, day, source, n)"
    " SELECT series_id, day, source, n FROM grouped ORDER BY 1, 2, 3"
    " ON CONFLICT (series_id, day, source) DO UPDATE SET n = observation_counts.n + "
    "EXCLUDED.n),"
    " totalled AS ("
    " INSERT INTO observation_day_totals (parameter, day, n)"
    " SELECT s.parameter, g.day, sum(g.n) FROM grouped g JOIN observation_series s"
    "  ON s.id = g.series_id GROUP BY 1, 2 ORDER BY 1, 2"
    " ON CONFLICT (parameter, day) DO UPDATE SET n = observation_day_totals.n + EXCLUDED.n)"
    " SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)"
    " FROM upserted";
// Every series id with its names; the store keeps this mapping in memory (ids never change).
inline constexpr char kListSeries[] =
    "SELECT id, location_id, parameter, only_source FROM observation_series";

// Rows name their series by id; pg_store.cpp maps ids to (location, parameter) in memory.
// A page's rows are (series_id * 65536 + quality_flag + 32768, ts, value, source): the id and
// the flag (any smallint, so the sum is exact) travel as one bigint, because every column costs
// PostgreSQL a send call per row and libpq a field: 485 -> 412 us of CPU per 1,000-row page
// (libpq client). No alias: ORDER BY series_id must name the column, not this sum.
// A page is kPageColumns, then kPageSource unless the store knows every row's source before
// the read (a source filter; or series with one source each, guarded by kOneSourceGuard),
// then kPageFromWindow (or, merged, kMergedPageFrom). Without the source column the default
// page costs PostgreSQL and the server about 15 % less (interleaved A/B, three pairs).
inline constexpr char kPageColumns[] =
    "SELECT series_id * 65536 + (quality_flag + 32768), ts, value";
inline constexpr char kPageSource[] = ", source";
inline constexpr char kPageFromWindow[] =
    " FROM observations"
    " WHERE ts >= 'epoch'::timestamptz + ?::int8 * interval '1 millisecond'"
    " AND ts <= 'epoch'::timestamptz + ?::int8 * interval '1 millisecond'";
// A page that leaves out the source column, because the store's list says every series it
// can read has one source, holds only while that is true in the statement's own snapshot:
// kOneSourceGuard (the number of series the store listed), then kSeriesIdsIn (the listed ids)
// unless the page reads every series, then ")". False, the statement returns nothing and the
// store reads the page again with the column. The list cannot be wrong in a subtler way:
// only_source only ever changes from a source to NULL (migration 0003), so one not NULL here
// is the one the store listed.
// Guards are part of the page's limit, which is the limit when they hold and 0 when not
// (kPageKeyGuardedLimit and kGuardedLimit; kMergedPageGuard and kGuardedFetch): in WHERE,
// PostgreSQL evaluates them once as well but tests the result on each row, in a node of its
// own above every branch of a merged page; in the limit they cost nothing per row (4-series
// merged page, one libpq client, four pairs: 560-595 -> 515-565 us of CPU). A page over every
// series whose sources the store knows is kPageFromWindow ... then kPageKeyGuardedLimit,
// kOneSourceGuard, ")" and kGuardedLimit.
inline constexpr char kOneSourceGuard[] =
    " AND (SELECT count(*) = ?::int8 AND bool_and(only_source IS NOT NULL)"
    " FROM observation_series WHERE true";
inline constexpr char kSeriesIdsIn[] = " AND id = ANY(?::int8[])";
inline constexpr char kCountObservations[] =
    "SELECT count(*) FROM observations"
    " WHERE ts >= 'epoch'::timestamptz + ?::int8 * interval '1 millisecond'"
    " AND ts <= 'epoch'::timestamptz + ?::int8 * interval '1 millisecond'";
// Location and parameter filters select series: exactly one (location and parameter given) is
// a scalar subquery, so observations_key returns the rows already in page order; otherwise the
// series set is kFilterSeriesIn, then kSeriesLocations and/or kSeriesParameter, then ")".
inline constexpr char kFilterOneSeries[] =
    " AND series_id = (SELECT id FROM observation_series WHERE location_id = ? AND parameter = ?)";
inline constexpr char kFilterSeriesIn[] =
    " AND series_id IN (SELECT id FROM observation_series WHERE true";
inline constexpr char kSeriesLocations[] = " AND location_id = ANY(?::text[])";
inline constexpr char kSeriesParameter[] = " AND parameter = ?";
inline constexpr char kFilterSource[] = " AND source = ?";
// A page over a few series (a location's parameters, a parameter's locations): one ordered
// range of observations_key per series, merged (Merge Append), so it reads about `limit` rows
// however many the window holds. kPageColumns (kPageSource) kMergedPageFrom, then per series
// a kMergedPageBranch (then kFilterSource and kFilterAfter if any, then kMergedPageBranchEnd)
// joined by kUnionAll, then kMergedPageGuard with kSeriesLocations and/or kSeriesParameter,
// kSeriesGuardClose, the kOneSourceGuard if any, then kGuardedFetch. The store knows the
// series ids; the guard makes the statement return nothing when, in its own snapshot, the
// filter matches more series than the store listed (one created since).
// The merged rows are in time order only, with every row of the page's last instant (WITH
// TIES): each branch's series id is a constant, which PostgreSQL drops from the branch's
// order, so ordering the merge by (ts, series_id, source) sorted every instant's rows again,
// a third of the statement's CPU (4 series: 870 -> 590 us per 1,000-row page, libpq client).
// Rows of one series come out of the merge in their branch's (ts, source) order, so the
// store finishes the page order with a stable sort of each instant by series id (the source
// order stays PostgreSQL's collation's, as the cursor condition compares it), then keeps
// `limit` rows (PgStore::MergedPageOrder).
inline constexpr char kMergedPageFrom[] = " FROM (";
inline constexpr char kMergedPageBranch[] =
    "(SELECT series_id, ts, value, quality_flag, source FROM observations"
    " WHERE series_id = ?::int8"
    " AND ts >= 'epoch'::timestamptz + ?::int8 * interval '1 millisecond'"
    " AND ts <= 'epoch'::timestamptz + ?::int8 * interval '1 millisecond'";
inline constexpr char kMergedPageBranchEnd[] = " ORDER BY ts, series_id, source LIMIT ?::int8)";
inline constexpr char kUnionAll[] = " UNION ALL ";
inline constexpr char kMergedPageGuard[] =
    ") page ORDER BY ts FETCH FIRST (CASE WHEN (SELECT count(*) FROM observation_series"
    " WHERE true";
inline constexpr char kGuardedFetch[] = " THEN ?::int8 ELSE 0 END) ROWS WITH TIES";
// The count over the same series: per series id (a nested loop over the array), its own key
// ranges. kCountMergedOpen, the sum's terms ("d.n" for the whole days, then " + eI.c" for edge
// I), kCountMergedFrom; then for a window holding whole days (see kCountDays) kCountMergedDays
// (kFilterSource if any) and ") d"; then per edge kCountMergedEdgeAdd or ...Subtract, a kRange*,
// kFilterSource if any and ") eI" (a window without whole days is one kRangeClosed edge);
// then kCountMergedGuard with the kSeriesLocations and/or kSeriesParameter conditions, then
// kSeriesGuardClose. The guard is a HAVING, so a failed one returns no row at all rather
// than a count.
// Measured against one subquery per series (and against = ANY over the ids, whose cached
// generic plans read every series' rows in observations_ts): 110 against 300 us of PostgreSQL
// CPU for 4 series, 300 against 1,260 us for 20.
// The ids come by subscript, not from unnest: the planner sizes unnest by its array when it
// knows the array (a custom plan) and guesses 10 elements when it does not (the generic plan),
// so with fewer than 10 ids the generic plan looked dearer and PostgreSQL planned every call
// afresh (0.3 ms, more than the count itself); generate_subscripts it sizes the same in both.
inline constexpr char kCountMergedOpen[] = "SELECT coalesce(sum(";
inline constexpr char kCountMergedFrom[] =
    "), 0)::int8 FROM (SELECT ?::int8[] AS ids) p, generate_subscripts(p.ids, 1) AS g(i),"
    " LATERAL (SELECT p.ids[g.i] AS id) s";
inline constexpr char kCountMergedDays[] =
    ", LATERAL (SELECT coalesce(sum(n), 0) AS n FROM observation_counts WHERE series_id = s.id"
    " AND day >= '1970-01-01'::date + ?::int4 AND day < '1970-01-01'::date + ?::int4";
inline constexpr char kCountMergedEdgeAdd[] =
    ", LATERAL (SELECT count(*) AS c FROM observations WHERE series_id = s.id";
inline constexpr char kCountMergedEdgeSubtract[] =
    ", LATERAL (SELECT -count(*) AS c FROM observations WHERE series_id = s.id";
inline constexpr char kCountMergedGuard[] =
    " HAVING (SELECT count(*) FROM observation_series WHERE true";

// A count over a window holding whole UTC days reads those days from observation_counts
// (migration 0004) and counts only the rows of the partial days at either end, each from the
// shorter side of its midnight: added to the whole days, or subtracted from its day counted
// whole (see DaySplit in pg_store.cpp). Form: kCountDays and the filters (kFilterOneSeries or
// kFilterSeriesIn..., then kFilterSource), or kCountTotals (and kTotalsParameter); then per
// edge kCountEdgeAdd or kCountEdgeSubtract, one kRange*, and the filters; then ")". Each part
// uses its own index: observations_ts (or observations_key for one series) for the edges, the
// day tables' keys or observation_counts_day for the days.
inline constexpr char kCountDays[] =
    "SELECT (SELECT coalesce(sum(n), 0) FROM observation_counts"
    " WHERE day >= '1970-01-01'::date + ?::int4 AND day < '1970-01-01'::date + ?::int4";
// The days of every series, or of one parameter at every location, in any source.
inline constexpr char kCountTotals[] =
    "SELECT (SELECT coalesce(sum(n), 0)::int8 FROM observation_day_totals"
    " WHERE day >= '1970-01-01'::date + ?::int4 AND day < '1970-01-01'::date + ?::int4";
inline constexpr char kTotalsParameter[] = " AND parameter = ?";
inline constexpr char kCountEdgeAdd[] = ") + (SELECT count(*) FROM observations WHERE true";
inline constexpr char kCountEdgeSubtract[] = ") - (SELECT count(*) FROM observations WHERE true";
// [from, to), [from, to] and (from, to) in milliseconds since 1970.
inline constexpr char kRangeHalfOpen[] =
    " AND ts >= 'epoch'::timestamptz + ?::int8 * interval '1 millisecond'"
    " AND ts < 'epoch'::timestamptz + ?::int8 * interval '1 millisecond'";
inline constexpr char kRangeClosed[] =
    " AND ts >= 'epoch'::timestamptz + ?::int8 * interval '1 millisecond'"
    " AND ts <= 'epoch'::timestamptz + ?::int8 * interval '1 millisecond'";
inline constexpr char kRangeOpen[] =
    " AND ts > 'epoch'::timestamptz + ?::int8 * interval '1 millisecond'"
    " AND ts < 'epoch'::timestamptz + ?::int8 * interval '1 millisecond'";
// A page over series that hold a good part of all rows: kPageColumns (kPageSource)
// kPageFromWindow, kFilterSeriesRange and, unless the page is a parameter at every location,
// kFilterDenseIds or kFilterDenseNumbers; kFilterSource and kFilterAfter if any, then
// kDenseGuard, the kSeriesLocations and/or kSeriesParameter conditions, kSeriesGuardClose, the
// kOneSourceGuard if any, then kGuardedLimit. Like the merged page's, the guard returns nothing
// when the filter matches series the store did not list.
// kFilterSeriesRange, the ids' range (parameters lo, hi), bounds the index scan: for series of
// one parameter, one block (migration 0005), the scan steps over the other parameters' entries
// inside the index page. A parameter's block holds exactly its series (the guard makes sure
// the store listed every one), so for a parameter at every location the range alone selects
// the rows. It is also the filter of a parameter's count edges, with the whole block's bounds
// (see PgStore::CountStatement).
inline constexpr char kFilterSeriesRange[] = " AND series_id >= ?::int8 AND series_id <= ?::int8";
// Within the range the series are a bit mask over ids lo..hi (parameters lo, hi, the mask as
// bytea, lo again; bit i of the mask, counted from the low bit of its first byte as get_bit
// counts, is series lo + i): one test per row, where = ANY over an array parameter compares
// with each id in turn (PostgreSQL hashes such an array only when it is a constant, never in a
// prepared statement's generic plan); for 20 of 80 series 760 against 980 us of CPU per page.
// The CASE keeps get_bit inside the mask whatever order PostgreSQL tests the conditions in.
// The filter cannot use observations_key, whose only other way to these rows reads every row
// of the window and sorts them.
inline constexpr char kFilterDenseIds[] =
    " AND CASE WHEN series_id BETWEEN ?::int8 AND ?::int8"
    " THEN get_bit(?::bytea, series_id - ?::int8) = 1 ELSE false END";
// The same for series of several parameters (several blocks): the mask is over the numbers n
// (the id's low 32 bits; migration 0005), which tell series apart as the ids do: parameters
// n lo, n hi, the mask, n lo again.
inline constexpr char kFilterDenseNumbers[] =
    " AND CASE WHEN series_id & 4294967295 BETWEEN ?::int8 AND ?::int8"
    " THEN get_bit(?::bytea, (series_id & 4294967295) - ?::int8) = 1 ELSE false END";
inline constexpr char kDenseGuard[] =
    " ORDER BY ts, series_id, source LIMIT CASE WHEN (SELECT count(*) FROM observation_series"
    " WHERE true";
// Closes kCountMergedGuard and kDenseGuard: the number of series the store listed.
inline constexpr char kSeriesGuardClose[] = ") = ?::int8";

// Pages are in (ts, series_id, source) order, a total order (it is the key's columns), which
// observations_ts holds as it is.
inline constexpr char kFilterAfter[] =
    " AND (ts, series_id, source) >"
    " ('epoch'::timestamptz + ?::int8 * interval '1 millisecond', ?::int8, ?)";
inline constexpr char kOrderByPageKeyLimit[] = " ORDER BY ts, series_id, source LIMIT ?::int8";
inline constexpr char kPageKeyGuardedLimit[] =
    " ORDER BY ts, series_id, source LIMIT CASE WHEN true";
inline constexpr char kGuardedLimit[] = " THEN ?::int8 ELSE 0 END";

// One series for charts, by its series id, which the store knows (ids never change; see
// migration 0003): see sql::sqlite::kSelectSeries. Then kFilterSource if any, then
// kOrderSeriesLimit.
inline constexpr char kSelectSeries[] =
    "SELECT ts, value, quality_flag, source FROM observations"
    " WHERE series_id = ?::int8"
    " AND ts >= 'epoch'::timestamptz + ?::int8 * interval '1 millisecond'"
    " AND ts <= 'epoch'::timestamptz + ?::int8 * interval '1 millisecond'";
inline constexpr char kOrderSeriesLimit[] = " ORDER BY ts, source LIMIT ?::int8";
// A series whose rows all have one source ($4), without that column: no rows at all when the
// series' only_source is no longer $4 in this statement's snapshot.
inline constexpr char kSelectOneSourceSeries[] =
    "SELECT ts, value, quality_flag FROM observations"
    " WHERE series_id = $1::int8"
    " AND ts >= 'epoch'::timestamptz + $2::int8 * interval '1 millisecond'"
    " AND ts <= 'epoch'::timestamptz + $3::int8 * interval '1 millisecond'"
    " AND (SELECT only_source FROM observation_series WHERE id = $1::int8) = $4"
    " ORDER BY ts, source LIMIT $5::int8";

// The newest observation per series is kept in observation_series by ingest (see the
// migration), so this reads one small table. $1 NULL means every location.
inline constexpr char kLatestObservations[] =
    "SELECT location_id, parameter, latest_ts, latest_value, latest_quality_flag, latest_source"
    " FROM observation_series"
    " WHERE latest_ts IS NOT NULL AND ($1::text[] IS NULL OR location_id = ANY($1::text[]))"
    " ORDER BY location_id, parameter";

// After the upsert, in the same transaction: a batch row becomes its series' latest when it is
// at least as new (then as great a source) as the current one. Concurrent batches serialise
// on the series row, and the re-checked condition keeps the newest.
// The store sends only the candidates, per series the batch's rows at its newest instant (one,
// unless several sources share it), as parallel arrays of series id, epoch ms, value, flag and
// source: a handful of rows where reading the staging table meant scanning and sorting the
// whole batch (1.4 ms per 5,000 rows). DISTINCT ON picks among sources by the database's
// collation, as the comparison with the current latest does. The time is built from whole
// seconds and the milliseconds left, so that it is the row's exactly: PostgreSQL multiplies an
// interval by a double, and ms * 1000 microseconds is exact only up to the year 2255.
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

// One statement, so the deletion and the latest it invalidates commit together. A series'
// latest older than the cutoff means every row of that series was deleted.
// The cutoff is written out in each condition (not read from a CTE) so the planner sees its
// value and estimates how many rows it selects.
inline constexpr char kDeleteObservationsBefore[] =
    "WITH deleted AS (DELETE FROM observations"
    "  WHERE ts < 'epoch'::timestamptz + $1::int8 * interval '1 millisecond' RETURNING 1),"
    " cleared AS (UPDATE observation_series SET latest_ts = NULL, latest_value = NULL,"
    "  latest_quality_flag = NULL, latest_source = NULL"
    "  WHERE latest_ts < 'epoch'::timestamptz + $1::int8 * interval '1 millisecond' RETURNING 1)"
    " SELECT count(*) FROM deleted";
// Retention recounts observation_counts from the rows that remain (so it also repairs counts
// after observations were edited by hand). The lock, taken before the delete, waits for
// ingests already writing counts to commit and holds new ones back until the recount commits,
// so the recount's snapshot misses no batch and no batch adds to counts it then replaces.
inline constexpr char kLockCounts[] = "LOCK TABLE observation_counts IN SHARE ROW EXCLUSIVE MODE";
// Every ingest writes observation_day_totals only in the statement that writes
// observation_counts, which takes its table locks before any row, so this lock alone holds
// them back from both (and waits for none of them to leave the totals half written).
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
// A counter every write transaction increments (see migration 0003).
inline constexpr char kDataVersion[] = "SELECT version::text FROM data_version";
// The last statement of every write transaction (see migration 0003), so the new version
// commits together with what it announces. Last also keeps the lock order the same in every
// transaction (data rows, then this row), so two writers cannot deadlock on it.
inline constexpr char kBumpDataVersion[] = "UPDATE data_version SET version = version + 1";

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

}  // namespace pg
}  // namespace ocean::storage::sql
