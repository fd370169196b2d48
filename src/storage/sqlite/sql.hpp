// Every SQL statement of the SQLite store, as named constants; values always travel as bound
// parameters. The observation queries are composed from fixed fragments (kSelect/kCount, then
// the kFilter* that apply, in a fixed order) with positional '?' placeholders. No statement text
// comes from input. A location filter is one parameter: a JSON array read with json_each.
#pragma once

namespace ocean::storage::sqlite::sql {

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
    " (location_id, parameter, ts, value, quality_flag, source, ingested_at, upstream_flag)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?5)"
    " ON CONFLICT (location_id, parameter, ts, source) DO UPDATE SET value = excluded.value,"
    " quality_flag = excluded.quality_flag, ingested_at = excluded.ingested_at,"
    " upstream_flag = excluded.upstream_flag"
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
// The page order both stores share: the natural key with the timestamp first (texts compare
// byte-wise, SQLite's BINARY collation); observations_ts_key returns it for a window as it is.
inline constexpr char kFilterAfter[] = " AND (ts, location_id, parameter, source) > (?, ?, ?, ?)";
inline constexpr char kOrderByPageKeyLimit[] =
    " ORDER BY ts, location_id, parameter, source LIMIT ?";

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

// ---- Long daily records, climatologies, backfill progress (sqlite/climatology.cpp)

inline constexpr char kUpsertDailyValue[] =
    "INSERT INTO daily_records (location_id, parameter, day, value, source, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    " ON CONFLICT (location_id, parameter, day) DO UPDATE SET value = excluded.value,"
    " source = excluded.source, updated_at = excluded.updated_at";
inline constexpr char kReadDailyRecord[] =
    "SELECT day, value FROM daily_records"
    " WHERE location_id = ?1 AND parameter = ?2 AND day >= ?3 AND day <= ?4 ORDER BY day";
inline constexpr char kPutClimatology[] =
    "INSERT OR REPLACE INTO climatologies (location_id, parameter, source, baseline_first_year,"
    " baseline_last_year, log10, computed_at, seas, thresh, percentiles)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
inline constexpr char kGetClimatology[] =
    "SELECT location_id, parameter, source, baseline_first_year, baseline_last_year, log10,"
    " computed_at, seas, thresh, percentiles FROM climatologies"
    " WHERE location_id = ?1 AND parameter = ?2";
inline constexpr char kListClimatologies[] =
    "SELECT location_id, parameter, source, baseline_first_year, baseline_last_year, log10,"
    " computed_at, seas, thresh, percentiles FROM climatologies ORDER BY location_id, parameter";
// One row per key that has a climatology, in key order: the descriptor and the key's day
// sliced out of the stored blobs (8-byte doubles; 99 of them a day in percentiles). The keys
// arrive as one JSON array of [location_id, parameter, day index, levels (0 or 1)].
inline constexpr char kReadClimatologyDays[] =
    "SELECT k.i, c.source, c.baseline_first_year, c.baseline_last_year, c.log10,"
    " c.computed_at, substr(c.seas, k.d * 8 + 1, 8), substr(c.thresh, k.d * 8 + 1, 8),"
    " CASE WHEN k.levels <> 0 THEN substr(c.percentiles, k.d * 792 + 1, 792) ELSE x'' END"
    " FROM (SELECT key AS i, json_extract(value, '$[0]') AS location_id,"
    "  json_extract(value, '$[1]') AS parameter, json_extract(value, '$[2]') AS d,"
    "  json_extract(value, '$[3]') AS levels FROM json_each(?1)) AS k"
    " JOIN climatologies c ON c.location_id = k.location_id AND c.parameter = k.parameter"
    " WHERE k.d BETWEEN 0 AND 365 ORDER BY k.i";
inline constexpr char kUpsertBackfillProgress[] =
    "INSERT OR REPLACE INTO backfill_progress (source_id, location_id, parameter, first_day,"
    " last_day, done_through_day, state, error, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
inline constexpr char kListBackfillProgress[] =
    "SELECT source_id, location_id, parameter, first_day, last_day, done_through_day, state,"
    " error, updated_at FROM backfill_progress ORDER BY source_id, location_id, parameter";

// ---- Quality control on ingest (sqlite/review.cpp), inside the batch's write transaction.

// One series around a batch: up to ?6 rows before ?4, the rows in [?4, ?5], up to ?7 rows after
// ?5, in time order; all through observations_key. A row stored before migration 0005 has no
// upstream flag: its stored flag is the one it arrived with.
inline constexpr char kReviewWindow[] =
    "SELECT ts, value, quality_flag, coalesce(upstream_flag, quality_flag) FROM ("
    " SELECT * FROM (SELECT ts, value, quality_flag, upstream_flag FROM observations"
    "  WHERE location_id = ?1 AND parameter = ?2 AND source = ?3 AND ts < ?4"
    "  ORDER BY ts DESC LIMIT ?6)"
    " UNION ALL"
    " SELECT ts, value, quality_flag, upstream_flag FROM observations"
    "  WHERE location_id = ?1 AND parameter = ?2 AND source = ?3 AND ts >= ?4 AND ts <= ?5"
    " UNION ALL"
    " SELECT * FROM (SELECT ts, value, quality_flag, upstream_flag FROM observations"
    "  WHERE location_id = ?1 AND parameter = ?2 AND source = ?3 AND ts > ?5"
    "  ORDER BY ts LIMIT ?7))"
    " ORDER BY ts";
inline constexpr char kUpdateQualityFlag[] =
    "UPDATE observations SET quality_flag = ?5"
    " WHERE location_id = ?1 AND parameter = ?2 AND ts = ?3 AND source = ?4";

}  // namespace ocean::storage::sqlite::sql
