// The storage interface. Two implementations: SQLite (embedded default) and PostgreSQL.
// Implementations translate driver errors at this edge: a lost connection or an unreachable
// server becomes core::UnavailableError; a schema newer than the binary becomes
// SchemaTooNewError; a write the data makes impossible (an unknown location) and a bad cursor
// become core::ApiError (validation); anything else that must abort is std::runtime_error with a
// clear message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"
#include "storage/flag_review.hpp"

namespace ocean::storage {

class SchemaTooNewError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One run of one upstream source (issue 3 fills these; the API lists them).
struct SourceRun {
  std::string source_id;
  core::EpochMs started_ms = 0;
  core::EpochMs finished_ms = 0;
  std::int64_t rows = 0;
  bool ok = false;
  std::string error;  // empty when ok
};

struct SourceStatus {
  std::string source_id;
  std::optional<SourceRun> last_run;
  std::optional<core::EpochMs> last_success_ms;
  std::optional<SourceRun> last_failure;
  std::int64_t rows = 0;  // observations currently stored with this source
};

// One (location, parameter) over an inclusive window, for charts.
struct SeriesQuery {
  std::string location;
  std::string parameter;
  std::optional<std::string> source;  // unset: every source
  core::EpochMs start_ms = 0;         // inclusive
  core::EpochMs end_ms = 0;           // inclusive
  std::int64_t limit = 200'000;       // rows kept from the oldest end
};

// A series as columns in (timestamp, id) order: what a chart needs, without the location and
// parameter repeated on every row. Row i is (t[i], v[i], q[i], sources[s[i]]).
struct SeriesRows {
  std::vector<core::EpochMs> t;
  std::vector<double> v;
  std::vector<core::QualityFlag> q;
  std::vector<std::uint32_t> s;
  std::vector<std::string> sources;  // distinct, in order of first appearance
};

// A page of observations with the count of every row its filters and window match.
struct ObservationPage {
  std::vector<core::StoredObservation> rows;
  std::int64_t count = 0;
};

// The grid cell (or buoy position) a source last used for one (location, parameter): the
// latest fetched row's cell. One row per (source_id, location_id, parameter); an upsert
// replaces it.
// One page of observations as the API serves it (see Store::ReadPage).
struct Page {
  std::vector<core::StoredObservation> rows;  // at most query.limit, in page order
  std::optional<std::string> next_cursor;     // set when more rows follow
  std::optional<std::int64_t> count;          // every row the filters and window match
};

struct SourceCell {
  std::string source_id;
  std::string location_id;
  std::string parameter;
  double cell_latitude = 0.0;
  double cell_longitude = 0.0;
};

// One day of a long daily record (days since 1970-01-01, UTC). Missing days are absent.
struct DailyValue {
  std::int32_t day = 0;
  double value = 0.0;
};

// Days of the leap-year day-of-year index and percentile levels of a StoredClimatology.
inline constexpr std::size_t kClimatologyDays = 366;
inline constexpr std::size_t kClimatologyLevels = 99;

// A climatology of one (location, parameter), computed from a stored long daily record.
// Index d (0..365) is the leap-year day of year (science::LeapDayOfYear - 1; Feb 29 = 59).
// percentiles holds 99 levels per day, day-major: percentiles[d * 99 + (p - 1)] is the p-th
// percentile (p = 1..99) of day d's 11-day window over the baseline years, smoothed like the
// threshold (so level 90 equals thresh). Values are in log10 space when log10 is set
// (chlorophyll).
struct StoredClimatology {
  std::string location_id;
  std::string parameter;
  std::string source;  // e.g. "erddap:ncdcOisst21Agg_LonPM180" or "demo"
  int baseline_first_year = 0;
  int baseline_last_year = 0;
  bool log10 = false;
  core::EpochMs computed_ms = 0;
  std::vector<double> seas;         // kClimatologyDays
  std::vector<double> thresh;       // kClimatologyDays
  std::vector<double> percentiles;  // kClimatologyDays * kClimatologyLevels
};

// One day of year of one climatology, asked of Store::ReadClimatologyDays.
struct ClimatologyDayKey {
  std::string location_id;
  std::string parameter;
  std::size_t day_index = 0;  // 0..365, the index of StoredClimatology's arrays
  bool with_levels = false;   // also the day's 99 percentile levels
};

// What a page that places values needs of a climatology: its descriptor and one day's values.
struct ClimatologyDay {
  std::size_t key = 0;            // the position of its ClimatologyDayKey in the request
  StoredClimatology climatology;  // the descriptor: seas, thresh and percentiles are empty
  double seas = 0.0;
  double thresh = 0.0;
  std::vector<double> levels;  // the day's kClimatologyLevels levels when asked for, else empty
};

// Progress of one long-record download (issue 16 item 10), shown by /api/sources/.
struct BackfillProgress {
  std::string source_id;
  std::string location_id;
  std::string parameter;
  std::int32_t first_day = 0;  // the range asked for
  std::int32_t last_day = 0;
  std::int32_t done_through_day = -1;  // last day stored (resume after it); < first_day: none
  std::string state;                   // "running", "done", "failed"
  std::string error;                   // when failed
  core::EpochMs updated_ms = 0;        // 0 when recorded: the store writes its own clock
};

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // "sqlite" or "postgresql".
  virtual std::string_view Kind() const = 0;

  // Applies every pending numbered migration, each in its own transaction. Idempotent.
  // Throws SchemaTooNewError when the database was migrated by a newer binary.
  virtual MigrationReport Migrate() = 0;

  // Cheap round trip; throws core::UnavailableError when the database is unreachable.
  virtual void Ping() = 0;

  virtual void UpsertLocations(std::span<const core::Location> locations) = 0;
  virtual std::vector<core::Location> ListLocations() = 0;
  virtual std::optional<core::Location> GetLocation(std::string_view id) = 0;

  // One transaction: all rows or none. Rows must be validated and free of duplicate keys.
  virtual core::IngestResult UpsertObservations(std::span<const core::Observation> rows) = 0;
  // UpsertObservations, then, in the same transaction, `review` reads the written series around
  // the batch and the flags it returns are written: the batch and its re-flagged neighbours
  // commit together or not at all (quality control on ingest, see flag_review.hpp).
  virtual core::IngestResult UpsertObservationsWithReview(std::span<const core::Observation> rows,
                                                          const FlagReview& review) = 0;

  // One page of observations in page order (see QueryObservations), starting after `cursor`
  // (empty: the first page); `query.limit` is the page size and `query.after` is ignored. The
  // count is read only when `with_count` is set. Throws core::ApiError (validation, field "cursor")
  // for a cursor this server did not issue. Built once here on QueryObservations /
  // QueryObservationsWithCount, so both backends page alike.
  Page ReadPage(const core::ObservationQuery& query, std::string_view cursor, bool with_count);

  // At most query.limit rows after query.after, in page order: (timestamp, location_id,
  // parameter, source), texts compared byte-wise. Both stores use this order (the natural key,
  // so it is total), which makes their pages and cursors the same on the same data.
  virtual std::vector<core::StoredObservation> QueryObservations(
      const core::ObservationQuery& query) = 0;

  // The rows of one series; same rows and order as QueryObservations with the same filters.
  virtual SeriesRows QuerySeries(const SeriesQuery& query) = 0;

  // Number of rows matching the query's filters and window (cursor and limit ignored).
  virtual std::int64_t CountObservations(const core::ObservationQuery& query) = 0;

  // QueryObservations(page) and CountObservations(count) together, for a page of the API: in
  // one round trip where the backend can. This default runs one after the other.
  virtual ObservationPage QueryObservationsWithCount(const core::ObservationQuery& page,
                                                     const core::ObservationQuery& count) {
    return {QueryObservations(page), CountObservations(count)};
  }

  // Newest observation per (location, parameter); all locations when `locations` is empty.
  // When several sources share a (location, parameter), the newest timestamp wins.
  virtual std::vector<core::Observation> LatestObservations(
      std::span<const std::string> locations) = 0;

  // Deletes observations with timestamp < cutoff; returns how many.
  virtual std::int64_t DeleteObservationsBefore(core::EpochMs cutoff_ms) = 0;

  virtual void RecordSourceRun(const SourceRun& run) = 0;
  virtual std::vector<SourceStatus> ListSourceStatus() = 0;

  // One transaction: every cell or none. Each location must exist.
  virtual void UpsertSourceCells(std::span<const SourceCell> cells) = 0;
  // The cells recorded for one location, ordered by (source_id, parameter).
  virtual std::vector<SourceCell> ListSourceCells(std::string_view location_id) = 0;

  // A token that changes after any process commits a change to the stored data; compare
  // successive values (they are not ordered). A server with a cache of its own polls it to
  // notice writes by other processes. SQLite: PRAGMA data_version of one connection (changes
  // when any other connection commits). PostgreSQL: a counter each write transaction
  // increments before it commits.
  virtual std::string DataVersion() = 0;

  // ---- Long daily records, climatologies and their download progress (issue 16). Kept apart
  // from observations: they are not the rolling history, and retention never deletes them.
  // Each write is one transaction; an unknown location, a non-finite value, a day twice in one
  // call, or a climatology whose arrays are not the documented sizes is core::ApiError
  // (validation) and writes nothing.

  // Inserts or replaces (value and source) each given day of (location, parameter).
  virtual void UpsertDailyRecord(std::string_view location, std::string_view parameter,
                                 std::string_view source, std::span<const DailyValue> days) = 0;
  // The stored days in [first_day, last_day], ascending.
  virtual std::vector<DailyValue> ReadDailyRecord(std::string_view location,
                                                  std::string_view parameter,
                                                  std::int32_t first_day,
                                                  std::int32_t last_day) = 0;
  // Replaces the climatology of (climatology.location_id, climatology.parameter).
  virtual void PutClimatology(const StoredClimatology& climatology) = 0;
  virtual std::optional<StoredClimatology> GetClimatology(std::string_view location,
                                                          std::string_view parameter) = 0;
  // Every stored climatology, ordered by (location_id, parameter): one read for a page that
  // shows many series (a few dozen rows at most: one per site and parameter).
  virtual std::vector<StoredClimatology> ListClimatologies() = 0;
  // The asked days of the climatologies that exist, in the order of `keys` (a key without a
  // climatology, or with a day index over 365, has no entry): one read for a page that places
  // many values, without the other days' percentile levels.
  virtual std::vector<ClimatologyDay> ReadClimatologyDays(
      std::span<const ClimatologyDayKey> keys) = 0;
  // Upsert by (source_id, location_id, parameter). State must be "running", "done" or "failed".
  virtual void RecordBackfillProgress(const BackfillProgress& progress) = 0;
  // Ordered by (source_id, location_id, parameter).
  virtual std::vector<BackfillProgress> ListBackfillProgress() = 0;
};

// Opens the store named by a URL: "sqlite:PATH" or "postgresql://..." / "postgres://...".
// `pool_size` is the number of connections the store may hold (PostgreSQL) or readers (SQLite).
// Throws std::invalid_argument for an unknown scheme, core::UnavailableError when unreachable.
std::unique_ptr<Store> OpenStore(const std::string& url, int pool_size);

}  // namespace ocean::storage
