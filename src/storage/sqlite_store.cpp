#include "storage/sqlite_store.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/api_error.hpp"
#include "storage/migration_runner.hpp"
#include "storage/migrations.hpp"
#include "storage/pool.hpp"
#include "storage/sqlite/climatology.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/review.hpp"
#include "storage/sqlite/sql.hpp"
#include "storage/store_internal.hpp"

namespace ocean::storage {
namespace {

namespace q = sqlite::sql;
using sqlite::Connection;
using sqlite::ReadTransaction;
using sqlite::Statement;
using sqlite::Transaction;

constexpr char kPing[] = "SELECT 1";

// The runner's view of the writer connection (the caller holds the writer mutex).
class SqliteMigrationTarget final : public MigrationTarget {
 public:
  explicit SqliteMigrationTarget(Connection& writer) : writer_(writer) {}

  void InTransaction(const std::function<void()>& body) override {
    Transaction transaction(writer_);
    body();
    transaction.Commit();
  }
  void CreateVersionTable() override { writer_.Exec(q::kCreateMigrationsTable); }
  int CurrentVersion() override {
    Statement version(writer_, q::kCurrentVersion);
    return version.Step() ? static_cast<int>(version.Int(0)) : 0;
  }
  void Apply(const EmbeddedMigration& migration) override {
    const std::string sql_text(migration.sql);
    try {
      writer_.Exec(sql_text.c_str());
    } catch (const core::UnavailableError&) {
      throw;
    } catch (const std::runtime_error& e) {
      throw std::runtime_error("sqlite: migration " + std::string(migration.name) +
                               " failed: " + e.what());
    }
    Statement record(writer_, q::kRecordMigration);
    record.Bind(migration.version, NowMs()).Run();
  }

 private:
  Connection& writer_;
};

core::Observation ReadObservation(const Statement& row, int first_column) {
  core::Observation observation;
  observation.location_id = row.Text(first_column);
  observation.parameter = row.Text(first_column + 1);
  observation.timestamp_ms = row.Int(first_column + 2);
  observation.value = row.Double(first_column + 3);
  int flag = static_cast<int>(row.Int(first_column + 4));
  // Only validated flags are written; a foreign value reads as "not evaluated".
  observation.quality_flag =
      core::QualityFlagFromInt(flag).value_or(core::QualityFlag::kNotEvaluated);
  observation.source = row.Text(first_column + 5);
  return observation;
}

core::Location ReadLocation(const Statement& row) {
  core::Location location;
  location.id = row.Text(0);
  location.name = row.Text(1);
  location.latitude = row.Double(2);
  location.longitude = row.Double(3);
  location.description = row.Text(4);
  return location;
}

SourceRun ReadSourceRun(const Statement& row) {
  SourceRun run;
  run.source_id = row.Text(0);
  run.started_ms = row.Int(1);
  run.finished_ms = row.Int(2);
  run.rows = row.Int(3);
  run.ok = row.Int(4) != 0;
  run.error = row.Text(5);
  return run;
}

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& path, int reader_count) : writer_(path, /*reader=*/false) {
    // An in-memory database exists per connection, so it is served by the writer alone.
    if (path != sqlite::kMemoryPath && reader_count > 0) {
      readers_.emplace("sqlite", reader_count,
                       [path] { return std::make_unique<Connection>(path, /*reader=*/true); });
    }
  }

  std::string_view Kind() const override { return "sqlite"; }

  MigrationReport Migrate() override {
    std::lock_guard lock(writer_mutex_);
    SqliteMigrationTarget target(writer_);
    return RunMigrations(Kind(), SqliteMigrations(), target);
  }

  void Ping() override {
    WithReader([](Connection& connection) { connection.Exec(kPing); });
  }

  void UpsertLocations(std::span<const core::Location> locations) override {
    std::lock_guard lock(writer_mutex_);
    Transaction transaction(writer_);
    const core::EpochMs now = NowMs();
    for (const core::Location& location : locations) {
      Statement upsert(writer_, q::kUpsertLocation);
      upsert
          .Bind(location.id, location.name, location.latitude, location.longitude,
                location.description, now)
          .Run();
    }
    transaction.Commit();
  }

  std::vector<core::Location> ListLocations() override {
    return WithReader([](Connection& connection) {
      std::vector<core::Location> locations;
      Statement select(connection, q::kListLocations);
      while (select.Step()) locations.push_back(ReadLocation(select));
      return locations;
    });
  }

  std::optional<core::Location> GetLocation(std::string_view id) override {
    return WithReader([id](Connection& connection) -> std::optional<core::Location> {
      Statement select(connection, q::kGetLocation);
      select.Bind(id);
      if (!select.Step()) return std::nullopt;
      return ReadLocation(select);
    });
  }

  core::IngestResult UpsertObservations(std::span<const core::Observation> rows) override {
    return Upsert(rows, nullptr);
  }

  core::IngestResult UpsertObservationsWithReview(std::span<const core::Observation> rows,
                                                  const FlagReview& review) override {
    return Upsert(rows, &review);
  }

  core::IngestResult Upsert(std::span<const core::Observation> rows, const FlagReview* review) {
    core::IngestResult result;
    result.received = static_cast<std::int64_t>(rows.size());
    if (rows.empty()) return result;
    // Distinct series, each with the index of a row that has it (for the error message).
    std::map<std::pair<std::string_view, std::string_view>, std::size_t> series;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      series.try_emplace({rows[i].location_id, rows[i].parameter}, i);
    }
    std::lock_guard lock(writer_mutex_);
    Transaction transaction(writer_);
    for (const auto& [key, index] : series) {
      Statement exists(writer_, q::kLocationExists);
      exists.Bind(key.first);
      if (!exists.Step()) {
        throw core::ApiError(core::ErrorCode::kValidation,
                             "storage: ingest rejected: row " + std::to_string(index) +
                                 " has unknown location_id \"" + std::string(key.first) +
                                 "\"; nothing was written",
                             {{static_cast<long long>(index), "location_id", "unknown location"}});
      }
      Statement insert_series(writer_, q::kUpsertSeries);
      insert_series.Bind(key.first, key.second).Run();
    }
    std::int64_t max_id_before = 0;
    {
      Statement max_id(writer_, q::kMaxObservationId);
      if (max_id.Step()) max_id_before = max_id.Int(0);
    }
    const core::EpochMs now = NowMs();
    for (const core::Observation& row : rows) {
      Statement upsert(writer_, q::kUpsertObservation);
      upsert.Bind(row.location_id, row.parameter, row.timestamp_ms, row.value,
                  static_cast<int>(row.quality_flag), row.source, now);
      if (!upsert.Step()) {
        throw std::runtime_error("sqlite: upsert returned no row id");
      }
      if (upsert.Int(0) > max_id_before) {
        ++result.inserted;
      } else {
        ++result.updated;
      }
    }
    if (review != nullptr) sqlite::ApplyReview(writer_, rows, *review);
    transaction.Commit();
    return result;
  }

  std::vector<core::StoredObservation> QueryObservations(
      const core::ObservationQuery& query) override {
    std::string sql_text = q::kSelectObservations;
    AppendFilters(query, sql_text);
    if (query.after) sql_text += q::kFilterAfter;
    sql_text += q::kOrderByPageKeyLimit;
    const std::string locations_json = JsonStringArray(query.locations);
    return WithReader([&](Connection& connection) {
      Statement select(connection, sql_text);
      BindFilters(query, locations_json, select);
      if (query.after) {
        select.Bind(query.after->timestamp_ms, query.after->location_id, query.after->parameter,
                    query.after->source);
      }
      select.Bind(query.limit);
      std::vector<core::StoredObservation> result;
      while (select.Step()) {
        result.push_back({select.Int(0), ReadObservation(select, 1)});
      }
      return result;
    });
  }

  SeriesRows QuerySeries(const SeriesQuery& query) override {
    std::string sql_text = q::kSelectSeries;
    if (query.source) sql_text += q::kFilterSource;
    sql_text += q::kOrderSeriesLimit;
    return WithReader([&](Connection& connection) {
      Statement select(connection, sql_text);
      select.Bind(query.location, query.parameter, query.start_ms, query.end_ms);
      if (query.source) select.Bind(*query.source);
      select.Bind(query.limit);
      SeriesRows rows;
      while (select.Step()) {
        rows.t.push_back(select.Int(0));
        rows.v.push_back(select.Double(1));
        // Only validated flags are written; a foreign value reads as "not evaluated".
        rows.q.push_back(core::QualityFlagFromInt(static_cast<int>(select.Int(2)))
                             .value_or(core::QualityFlag::kNotEvaluated));
        AppendSeriesSource(rows, select.TextView(3));
      }
      return rows;
    });
  }

  std::int64_t CountObservations(const core::ObservationQuery& query) override {
    std::string sql_text = q::kCountObservations;
    AppendFilters(query, sql_text, /*for_count=*/true);
    const std::string locations_json = JsonStringArray(query.locations);
    return WithReader([&](Connection& connection) {
      Statement count(connection, sql_text);
      BindFilters(query, locations_json, count);
      return count.Step() ? count.Int(0) : std::int64_t{0};
    });
  }

  std::vector<core::Observation> LatestObservations(
      std::span<const std::string> locations) override {
    const std::string locations_json =
        JsonStringArray(std::vector<std::string>(locations.begin(), locations.end()));
    return WithReader([&](Connection& connection) {
      Statement select(connection,
                       locations.empty() ? q::kLatestObservations : q::kLatestObservationsAt);
      if (!locations.empty()) select.Bind(locations_json);
      std::vector<core::Observation> result;
      while (select.Step()) result.push_back(ReadObservation(select, 0));
      return result;
    });
  }

  std::int64_t DeleteObservationsBefore(core::EpochMs cutoff_ms) override {
    std::lock_guard lock(writer_mutex_);
    {
      Statement remove(writer_, q::kDeleteObservationsBefore);
      remove.Bind(cutoff_ms).Run();
    }
    return sqlite3_changes64(writer_.get());
  }

  void RecordSourceRun(const SourceRun& run) override {
    std::lock_guard lock(writer_mutex_);
    Statement insert(writer_, q::kInsertSourceRun);
    insert.Bind(run.source_id, run.started_ms, run.finished_ms, run.rows, run.ok ? 1 : 0, run.error)
        .Run();
  }

  std::vector<SourceStatus> ListSourceStatus() override {
    return WithReader([](Connection& connection) {
      auto read_runs = [&connection](const char* sql_text, std::optional<int> ok) {
        std::vector<SourceRun> runs;
        Statement select(connection, sql_text);
        if (ok) select.Bind(*ok);
        while (select.Step()) runs.push_back(ReadSourceRun(select));
        return runs;
      };
      std::vector<std::pair<std::string, std::int64_t>> rows_per_source;
      {
        Statement select(connection, q::kRowsPerSource);
        while (select.Step()) rows_per_source.emplace_back(select.Text(0), select.Int(1));
      }
      // All four reads share one snapshot: the statements run inside one read transaction.
      return MergeSourceStatus(read_runs(q::kLatestRunPerSource, std::nullopt),
                               read_runs(q::kLatestRunPerSourceByOutcome, 1),
                               read_runs(q::kLatestRunPerSourceByOutcome, 0), rows_per_source);
    });
  }

  void UpsertSourceCells(std::span<const SourceCell> cells) override {
    if (cells.empty()) return;
    std::lock_guard lock(writer_mutex_);
    Transaction transaction(writer_);
    const core::EpochMs now = NowMs();
    for (const SourceCell& cell : cells) {
      Statement upsert(writer_, q::kUpsertSourceCell);
      upsert
          .Bind(cell.source_id, cell.location_id, cell.parameter, cell.cell_latitude,
                cell.cell_longitude, now)
          .Run();
    }
    transaction.Commit();
  }

  std::vector<SourceCell> ListSourceCells(std::string_view location_id) override {
    return WithReader([location_id](Connection& connection) {
      std::vector<SourceCell> cells;
      Statement select(connection, q::kListSourceCells);
      select.Bind(location_id);
      while (select.Step()) {
        cells.push_back(
            {select.Text(0), select.Text(1), select.Text(2), select.Double(3), select.Double(4)});
      }
      return cells;
    });
  }

  void UpsertDailyRecord(std::string_view location, std::string_view parameter,
                         std::string_view source, std::span<const DailyValue> days) override {
    std::lock_guard lock(writer_mutex_);
    sqlite::UpsertDailyRecord(writer_, location, parameter, source, days);
  }

  std::vector<DailyValue> ReadDailyRecord(std::string_view location, std::string_view parameter,
                                          std::int32_t first_day, std::int32_t last_day) override {
    return WithReader([&](Connection& connection) {
      return sqlite::ReadDailyRecord(connection, location, parameter, first_day, last_day);
    });
  }

  void PutClimatology(const StoredClimatology& climatology) override {
    std::lock_guard lock(writer_mutex_);
    sqlite::PutClimatology(writer_, climatology);
  }

  std::optional<StoredClimatology> GetClimatology(std::string_view location,
                                                  std::string_view parameter) override {
    return WithReader([&](Connection& connection) {
      return sqlite::GetClimatology(connection, location, parameter);
    });
  }

  std::vector<StoredClimatology> ListClimatologies() override {
    return WithReader(
        [&](Connection& connection) { return sqlite::ListClimatologies(connection); });
  }

  std::vector<ClimatologyDay> ReadClimatologyDays(
      std::span<const ClimatologyDayKey> keys) override {
    return WithReader(
        [&](Connection& connection) { return sqlite::ReadClimatologyDays(connection, keys); });
  }

  void RecordBackfillProgress(const BackfillProgress& progress) override {
    std::lock_guard lock(writer_mutex_);
    sqlite::RecordBackfillProgress(writer_, progress);
  }

  std::vector<BackfillProgress> ListBackfillProgress() override {
    return WithReader(
        [](Connection& connection) { return sqlite::ListBackfillProgress(connection); });
  }

  std::string DataVersion() override {
    // Always the writer: data_version is per connection, so successive reads must share one.
    std::lock_guard lock(writer_mutex_);
    Statement version(writer_, q::kDataVersion);
    return std::to_string(version.Step() ? version.Int(0) : 0);
  }

 private:
  // A count reads no row, so for a parameter alone it can read the key index series by series
  // (see kFilterParameterSeries); a page wants the rows in page order, which observations_ts_key
  // gives.
  static void AppendFilters(const core::ObservationQuery& query, std::string& sql_text,
                            bool for_count = false) {
    if (!query.locations.empty()) sql_text += q::kFilterLocations;
    if (query.parameter) {
      sql_text +=
          for_count && query.locations.empty() ? q::kFilterParameterSeries : q::kFilterParameter;
    }
    if (query.source) sql_text += q::kFilterSource;
  }

  // Binds in the order AppendFilters added the fragments.
  static void BindFilters(const core::ObservationQuery& query, const std::string& locations_json,
                          Statement& statement) {
    statement.Bind(query.start_ms, query.end_ms);
    if (!query.locations.empty()) statement.Bind(locations_json);
    if (query.parameter) statement.Bind(*query.parameter);
    if (query.source) statement.Bind(*query.source);
  }

  // Runs `read` in one read transaction on a pooled reader (or on the writer when there are
  // no readers).
  template <typename Fn>
  auto WithReader(Fn&& read) -> std::invoke_result_t<Fn&, Connection&> {
    if (!readers_) {
      std::lock_guard lock(writer_mutex_);
      return read(writer_);
    }
    auto reader = readers_->Acquire();
    const ReadTransaction snapshot(*reader);
    return read(*reader);
  }

  std::mutex writer_mutex_;
  Connection writer_;  // guarded by writer_mutex_
  std::optional<Pool<Connection>> readers_;
};

}  // namespace

std::unique_ptr<Store> OpenSqliteStore(const std::string& path, int reader_count) {
  return std::make_unique<SqliteStore>(path, reader_count);
}

}  // namespace ocean::storage
