// The PostgreSQL store: composes the pieces under storage/pg/ (connection pool, series
// catalogue, ingest, pages and counts, retention, migrations) behind the Store interface.
#include "storage/pg_store.hpp"

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "storage/pg/catalogue.hpp"
#include "storage/pg/climatology.hpp"
#include "storage/pg/codec.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/ingest.hpp"
#include "storage/pg/migrate.hpp"
#include "storage/pg/pages.hpp"
#include "storage/pg/pool.hpp"
#include "storage/pg/retention.hpp"
#include "storage/pg/statements.hpp"
#include "storage/store_internal.hpp"

namespace ocean::storage {
namespace {

using pg::PgConnection;
using pg::PgParams;
using pg::PgResultPtr;
using pg::Retry;
namespace sql = pg::sql;

std::vector<SourceRun> ReadSourceRuns(const PGresult* result) {
  std::vector<SourceRun> runs;
  for (int row = 0; row < PQntuples(result); ++row) {
    SourceRun run;
    run.source_id = pg::Text(result, row, 0);
    run.started_ms = pg::ParseInt(result, row, 1);
    run.finished_ms = pg::ParseInt(result, row, 2);
    run.rows = pg::ParseInt(result, row, 3);
    run.ok = pg::ParseBool(result, row, 4);
    run.error = pg::Text(result, row, 5);
    runs.push_back(std::move(run));
  }
  return runs;
}

class PgStore final : public Store {
 public:
  PgStore(const std::string& url, int pool_size)
      : pool_("postgresql", pool_size, [url] { return std::make_unique<PgConnection>(url); }),
        pages_(pool_, series_) {
    // Fail at startup, not on the first request, when the server is unreachable.
    pool_.Acquire();
  }

  std::string_view Kind() const override { return "postgresql"; }

  MigrationReport Migrate() override {
    return Run("migrate", Retry::kAlways,
               [](PgConnection& connection) { return pg::Migrate(connection); });
  }

  void Ping() override {
    Run("ping", Retry::kAlways,
        [](PgConnection& connection) { connection.Exec("ping", sql::kPing); });
  }

  void UpsertLocations(std::span<const core::Location> locations) override {
    Run("upsert locations", Retry::kAlways, [&](PgConnection& connection) {
      pg::PgTransaction transaction(connection);
      for (const core::Location& location : locations) {
        connection.Exec("upsert location", sql::kUpsertLocation,
                        PgParams()
                            .Add(location.id)
                            .Add(location.name)
                            .Add(location.latitude)
                            .Add(location.longitude)
                            .Add(location.description));
      }
      transaction.CommitWrite();
    });
  }

  std::vector<core::Location> ListLocations() override {
    return Run("list locations", Retry::kAlways, [](PgConnection& connection) {
      return pg::ReadLocations(connection.Exec("list locations", sql::kListLocations).get());
    });
  }

  std::optional<core::Location> GetLocation(std::string_view id) override {
    return Run("get location", Retry::kAlways,
               [id](PgConnection& connection) -> std::optional<core::Location> {
                 std::vector<core::Location> found = pg::ReadLocations(
                     connection.Exec("get location", sql::kGetLocation, PgParams().Add(id)).get());
                 if (found.empty()) return std::nullopt;
                 return std::move(found.front());
               });
  }

  core::IngestResult UpsertObservations(std::span<const core::Observation> rows) override {
    if (rows.empty()) return {};
    pg::CheckPgTimestamps(rows);
    // Upserting the same rows again converges to the same state, so even a connection lost
    // during COMMIT is retried (the counts then report the rows as updated).
    return Run("ingest", Retry::kAlways,
               [&](PgConnection& connection) { return pg::Ingest(connection, series_, rows); });
  }

  core::IngestResult UpsertObservationsWithReview(std::span<const core::Observation> rows,
                                                  const FlagReview& review) override {
    if (rows.empty()) return {};
    pg::CheckPgTimestamps(rows);
    // As UpsertObservations: the review reads and writes only inside the batch's transaction,
    // so a retried batch reviews again from the state before it.
    return Run("ingest", Retry::kAlways, [&](PgConnection& connection) {
      return pg::Ingest(connection, series_, rows, &review);
    });
  }

  std::vector<core::StoredObservation> QueryObservations(
      const core::ObservationQuery& query) override {
    return pages_.Read(query);
  }

  std::int64_t CountObservations(const core::ObservationQuery& query) override {
    return pages_.Count(query);
  }

  ObservationPage QueryObservationsWithCount(const core::ObservationQuery& page,
                                             const core::ObservationQuery& count) override {
    return pages_.ReadWithCount(page, count);
  }

  SeriesRows QuerySeries(const SeriesQuery& query) override {
    return Run("query series", Retry::kAlways, [&](PgConnection& connection) {
      std::optional<std::int64_t> id = series_.Find(query.location, query.parameter);
      if (!id) {
        series_.Reload(connection);
        id = series_.Find(query.location, query.parameter);
        if (!id) return SeriesRows{};  // not committed anywhere: no row can belong to it
      }
      PgParams params;
      params.Add(*id).Add(pg::ClampToPg(query.start_ms)).Add(pg::ClampToPg(query.end_ms));
      if (query.source) {
        params.Add(*query.source);
      } else {
        params.AddNull();
      }
      params.Add(query.limit);
      PgResultPtr result = connection.ExecBinary(
          "query series", pg::Statement{sql::kSelectSeries, std::move(params), false});
      const int count = PQntuples(result.get());
      const pg::BinaryColumns columns(result.get(), {8, 8, 2, 0});
      SeriesRows rows;
      const auto size = static_cast<std::size_t>(count);
      rows.t.resize(size);
      rows.v.resize(size);
      rows.q.resize(size);
      rows.s.reserve(size);
      for (int row = 0; row < count; ++row) {
        const auto i = static_cast<std::size_t>(row);
        rows.t[i] = pg::PgMicrosToMs(columns.Int64(row, 0));
        rows.v[i] = columns.Double(row, 1);
        rows.q[i] = pg::ToQualityFlag(columns.Int16(row, 2));
        AppendSeriesSource(rows, pg::TextView(result.get(), row, 3));
      }
      return rows;
    });
  }

  std::vector<core::Observation> LatestObservations(
      std::span<const std::string> locations) override {
    PgParams params;
    if (locations.empty()) {
      params.AddNull();
    } else {
      params.Add(PgTextArray(std::vector<std::string>(locations.begin(), locations.end())));
    }
    return Run("latest observations", Retry::kAlways, [&](PgConnection& connection) {
      PgResultPtr result = connection.ExecBinary(
          "latest observations", pg::Statement{sql::kLatestObservations, params, false});
      const PGresult* r = result.get();
      // location_id, parameter, ts, value, quality_flag, source
      const pg::BinaryColumns columns(r, {0, 0, 8, 8, 2, 0});
      std::vector<core::Observation> rows(static_cast<std::size_t>(PQntuples(r)));
      for (int row = 0; row < PQntuples(r); ++row) {
        core::Observation& observation = rows[static_cast<std::size_t>(row)];
        observation.location_id = pg::TextView(r, row, 0);
        observation.parameter = pg::TextView(r, row, 1);
        observation.timestamp_ms = pg::PgMicrosToMs(columns.Int64(row, 2));
        observation.value = columns.Double(row, 3);
        observation.quality_flag = pg::ToQualityFlag(columns.Int16(row, 4));
        observation.source = pg::TextView(r, row, 5);
      }
      return rows;
    });
  }

  std::int64_t DeleteObservationsBefore(core::EpochMs cutoff_ms) override {
    return Run("delete observations", Retry::kAlways,
               [&](PgConnection& connection) { return pg::DeleteBefore(connection, cutoff_ms); });
  }

  void RecordSourceRun(const SourceRun& run) override {
    // Not idempotent: a second insert would record the run twice, so no retry once COMMIT
    // has been sent.
    Run("record source run", Retry::kBeforeCommit, [&](PgConnection& connection) {
      pg::PgTransaction transaction(connection);
      connection.Exec("record source run", sql::kInsertSourceRun,
                      PgParams()
                          .Add(run.source_id)
                          .Add(run.started_ms)
                          .Add(run.finished_ms)
                          .Add(run.rows)
                          .Add(run.ok)
                          .Add(run.error));
      transaction.CommitWrite();
    });
  }

  std::vector<SourceStatus> ListSourceStatus() override {
    return Run("source status", Retry::kAlways, [](PgConnection& connection) {
      // One snapshot for the four reads.
      pg::PgTransaction transaction(connection, sql::kBeginSnapshot);
      std::vector<SourceRun> latest =
          ReadSourceRuns(connection.Exec("source status", sql::kLatestRunPerSource).get());
      std::vector<SourceRun> successes = ReadSourceRuns(
          connection.Exec("source status", sql::kLatestRunPerSourceByOutcome, PgParams().Add(true))
              .get());
      std::vector<SourceRun> failures = ReadSourceRuns(
          connection.Exec("source status", sql::kLatestRunPerSourceByOutcome, PgParams().Add(false))
              .get());
      PgResultPtr counts = connection.Exec("source status", sql::kRowsPerSource);
      std::vector<std::pair<std::string, std::int64_t>> rows_per_source;
      rows_per_source.reserve(static_cast<std::size_t>(PQntuples(counts.get())));
      for (int row = 0; row < PQntuples(counts.get()); ++row) {
        rows_per_source.emplace_back(pg::Text(counts.get(), row, 0),
                                     pg::ParseInt(counts.get(), row, 1));
      }
      transaction.Commit();
      return MergeSourceStatus(std::move(latest), std::move(successes), std::move(failures),
                               rows_per_source);
    });
  }

  void UpsertSourceCells(std::span<const SourceCell> cells) override {
    if (cells.empty()) return;
    // An upsert of the same cells converges to the same state: safe to retry after COMMIT.
    Run("upsert source cells", Retry::kAlways, [&](PgConnection& connection) {
      pg::PgTransaction transaction(connection);
      for (const SourceCell& cell : cells) {
        connection.Exec("upsert source cell", sql::kUpsertSourceCell,
                        PgParams()
                            .Add(cell.source_id)
                            .Add(cell.location_id)
                            .Add(cell.parameter)
                            .Add(cell.cell_latitude)
                            .Add(cell.cell_longitude));
      }
      transaction.CommitWrite();
    });
  }

  std::vector<SourceCell> ListSourceCells(std::string_view location_id) override {
    return Run("list source cells", Retry::kAlways, [location_id](PgConnection& connection) {
      PgResultPtr result =
          connection.Exec("list source cells", sql::kListSourceCells, PgParams().Add(location_id));
      const PGresult* r = result.get();
      std::vector<SourceCell> cells;
      cells.reserve(static_cast<std::size_t>(PQntuples(r)));
      for (int row = 0; row < PQntuples(r); ++row) {
        cells.push_back({pg::Text(r, row, 0), pg::Text(r, row, 1), pg::Text(r, row, 2),
                         pg::ParseDouble(r, row, 3), pg::ParseDouble(r, row, 4)});
      }
      return cells;
    });
  }

  // Every write below is an upsert or a replace, so it converges: safe to retry after COMMIT.
  void UpsertDailyRecord(std::string_view location, std::string_view parameter,
                         std::string_view source, std::span<const DailyValue> days) override {
    Run("upsert daily record", Retry::kAlways, [&](PgConnection& connection) {
      pg::UpsertDailyRecord(connection, location, parameter, source, days);
    });
  }

  std::vector<DailyValue> ReadDailyRecord(std::string_view location, std::string_view parameter,
                                          std::int32_t first_day, std::int32_t last_day) override {
    return Run("read daily record", Retry::kAlways, [&](PgConnection& connection) {
      return pg::ReadDailyRecord(connection, location, parameter, first_day, last_day);
    });
  }

  void PutClimatology(const StoredClimatology& climatology) override {
    Run("put climatology", Retry::kAlways,
        [&](PgConnection& connection) { pg::PutClimatology(connection, climatology); });
  }

  std::optional<StoredClimatology> GetClimatology(std::string_view location,
                                                  std::string_view parameter) override {
    return Run("get climatology", Retry::kAlways, [&](PgConnection& connection) {
      return pg::GetClimatology(connection, location, parameter);
    });
  }

  std::vector<StoredClimatology> ListClimatologies() override {
    return Run("list climatologies", Retry::kAlways,
               [&](PgConnection& connection) { return pg::ListClimatologies(connection); });
  }

  std::vector<ClimatologyDay> ReadClimatologyDays(
      std::span<const ClimatologyDayKey> keys) override {
    return Run("read climatology days", Retry::kAlways,
               [&](PgConnection& connection) { return pg::ReadClimatologyDays(connection, keys); });
  }

  void RecordBackfillProgress(const BackfillProgress& progress) override {
    Run("record backfill progress", Retry::kAlways,
        [&](PgConnection& connection) { pg::RecordBackfillProgress(connection, progress); });
  }

  std::vector<BackfillProgress> ListBackfillProgress() override {
    return Run("list backfill progress", Retry::kAlways,
               [](PgConnection& connection) { return pg::ListBackfillProgress(connection); });
  }

  std::string DataVersion() override {
    return Run("data version", Retry::kAlways, [](PgConnection& connection) {
      return pg::Text(connection.Exec("data version", sql::kDataVersion).get(), 0, 0);
    });
  }

 private:
  template <typename Fn>
  auto Run(std::string_view what, Retry retry, Fn&& operation)
      -> std::invoke_result_t<Fn&, PgConnection&> {
    return pg::Run(pool_, what, retry, std::forward<Fn>(operation));
  }

  pg::PgPool pool_;
  pg::SeriesCatalogue series_;
  pg::Pages pages_;
};

}  // namespace

std::unique_ptr<Store> OpenPgStore(const std::string& url, int pool_size) {
  return std::make_unique<PgStore>(url, pool_size);
}

}  // namespace ocean::storage
