#include "storage/sqlite_store.hpp"

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/api_error.hpp"
#include "storage/migrations.hpp"
#include "storage/sql.hpp"
#include "storage/store_internal.hpp"

namespace ocean::storage {
namespace {

namespace q = sql::sqlite;

constexpr int kBusyTimeoutMs = 5000;
constexpr char kMemoryPath[] = ":memory:";

// Per-connection settings; journal_mode=WAL is persistent and set by the writer.
constexpr char kConnectionPragmas[] =
    "PRAGMA busy_timeout = 5000;"
    "PRAGMA foreign_keys = ON;"
    "PRAGMA synchronous = NORMAL;";
constexpr char kEnableWal[] = "PRAGMA journal_mode = WAL";
// Readers must never write; this turns a programming error into an error instead of a lock.
constexpr char kQueryOnly[] = "PRAGMA query_only = ON";
// IMMEDIATE takes the write lock up front, so a busy database fails here (after the busy
// timeout) rather than half-way through a batch.
constexpr char kBeginImmediate[] = "BEGIN IMMEDIATE";
constexpr char kBeginRead[] = "BEGIN";
constexpr char kCommit[] = "COMMIT";
constexpr char kPing[] = "SELECT 1";
constexpr char kRollback[] = "ROLLBACK";

struct SqliteDbDeleter {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteDbPtr = std::unique_ptr<sqlite3, SqliteDbDeleter>;

struct SqliteStmtDeleter {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using SqliteStmtPtr = std::unique_ptr<sqlite3_stmt, SqliteStmtDeleter>;

struct SqliteFreeDeleter {
  void operator()(char* text) const { sqlite3_free(text); }
};
using SqliteErrorText = std::unique_ptr<char, SqliteFreeDeleter>;

// The single place where SQLite result codes become exceptions: a busy or locked database
// (after busy_timeout) is a transient unavailability, anything else aborts the operation.
[[noreturn]] void ThrowSqliteError(int rc, std::string_view what, std::string_view message) {
  std::string text = "sqlite: " + std::string(what) + ": " + std::string(message);
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    throw core::UnavailableError(text);
  }
  throw std::runtime_error(text);
}

class SqliteConnection {
 public:
  SqliteConnection(const std::string& path, bool reader) {
    sqlite3* raw = nullptr;
    // NOMUTEX: each connection is used by one thread at a time (the pool guarantees it).
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    db_.reset(raw);  // sqlite3_open_v2 may allocate a handle even when it fails
    if (rc != SQLITE_OK) {
      std::string message = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
      ThrowSqliteError(rc, "cannot open " + path, message);
    }
    Check(sqlite3_extended_result_codes(db_.get(), 1), "enable extended result codes");
    Check(sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs), "set busy timeout");
    Exec(kConnectionPragmas);
    if (!reader) {
      std::string mode = QueryText(kEnableWal);
      if (mode != "wal" && path != kMemoryPath) {
        throw std::runtime_error("sqlite: cannot enable WAL journal mode on " + path + " (got \"" +
                                 mode + "\")");
      }
    } else {
      Exec(kQueryOnly);
    }
  }

  sqlite3* get() const { return db_.get(); }

  void Check(int rc, std::string_view what) const {
    if (rc != SQLITE_OK) ThrowSqliteError(rc, what, sqlite3_errmsg(db_.get()));
  }

  // For statements without parameters or results (pragmas, migrations, transaction control).
  void Exec(const char* sql_text) {
    char* raw_error = nullptr;
    int rc = sqlite3_exec(db_.get(), sql_text, nullptr, nullptr, &raw_error);
    SqliteErrorText error(raw_error);
    if (rc != SQLITE_OK) {
      ThrowSqliteError(rc, "exec", error ? error.get() : sqlite3_errstr(rc));
    }
  }

  // Prepared once per connection and reused; statements are keyed by their text.
  sqlite3_stmt* Prepare(const std::string& sql_text) {
    auto found = statements_.find(sql_text);
    if (found != statements_.end()) return found->second.get();
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), sql_text.c_str(), static_cast<int>(sql_text.size()),
                                SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    SqliteStmtPtr stmt(raw);
    if (rc != SQLITE_OK) ThrowSqliteError(rc, "prepare", sqlite3_errmsg(db_.get()));
    return statements_.emplace(sql_text, std::move(stmt)).first->second.get();
  }

 private:
  std::string QueryText(const char* sql_text);

  SqliteDbPtr db_;
  std::unordered_map<std::string, SqliteStmtPtr> statements_;
};

// One use of a cached statement: binds in order, steps, and resets on scope exit so the
// statement never keeps a read transaction open between calls.
class Statement {
 public:
  Statement(SqliteConnection& connection, const std::string& sql_text)
      : connection_(connection), stmt_(connection.Prepare(sql_text)) {}
  ~Statement() {
    sqlite3_reset(stmt_);  // returns the last step's error, already reported by Step()
    sqlite3_clear_bindings(stmt_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(std::int64_t value) {
    connection_.Check(sqlite3_bind_int64(stmt_, ++bound_, value), "bind");
    return *this;
  }
  Statement& Bind(int value) { return Bind(static_cast<std::int64_t>(value)); }
  Statement& Bind(double value) {
    connection_.Check(sqlite3_bind_double(stmt_, ++bound_, value), "bind");
    return *this;
  }
  Statement& Bind(std::string_view value) {
    // SQLITE_STATIC: the caller's string outlives the step; avoids a copy per value.
    connection_.Check(sqlite3_bind_text(stmt_, ++bound_, value.data(),
                                        static_cast<int>(value.size()), SQLITE_STATIC),
                      "bind");
    return *this;
  }

  // True while a row is available.
  bool Step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    ThrowSqliteError(rc, "step", sqlite3_errmsg(connection_.get()));
  }

  void Run() {
    while (Step()) {
    }
  }

  std::int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double Double(int column) const { return sqlite3_column_double(stmt_, column); }
  std::string Text(int column) const { return std::string(TextView(column)); }
  // Valid until the next step or reset.
  std::string_view TextView(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return {};
    return {reinterpret_cast<const char*>(text),
            static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
  }

 private:
  SqliteConnection& connection_;
  sqlite3_stmt* stmt_;
  int bound_ = 0;
};

std::string SqliteConnection::QueryText(const char* sql_text) {
  Statement statement(*this, sql_text);
  return statement.Step() ? statement.Text(0) : std::string();
}

// Rolls back unless committed, so an exception anywhere in a write leaves nothing behind.
class Transaction {
 public:
  explicit Transaction(SqliteConnection& connection) : connection_(connection) {
    connection_.Exec(kBeginImmediate);
  }
  ~Transaction() {
    if (committed_) return;
    char* raw_error = nullptr;
    int rc = sqlite3_exec(connection_.get(), kRollback, nullptr, nullptr, &raw_error);
    SqliteErrorText error(raw_error);
    if (rc != SQLITE_OK) {
      spdlog::error("sqlite: rollback failed: {}", error ? error.get() : sqlite3_errstr(rc));
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void Commit() {
    connection_.Exec(kCommit);
    committed_ = true;
  }

 private:
  SqliteConnection& connection_;
  bool committed_ = false;
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
    if (path == kMemoryPath) reader_count = 0;
    for (int i = 0; i < reader_count; ++i) {
      readers_.push_back(std::make_unique<SqliteConnection>(path, /*reader=*/true));
      idle_readers_.push_back(readers_.back().get());
    }
  }

  std::string_view Kind() const override { return "sqlite"; }

  MigrationReport Migrate() override {
    std::span<const EmbeddedMigration> migrations = SqliteMigrations();
    const int known = migrations.empty() ? 0 : migrations.back().version;
    std::lock_guard lock(writer_mutex_);
    writer_.Exec(q::kCreateMigrationsTable);
    MigrationReport report;
    report.from_version = static_cast<int>(CurrentVersion());
    if (report.from_version > known) {
      throw SchemaTooNewError("database schema version " + std::to_string(report.from_version) +
                              " is newer than this binary knows (" + std::to_string(known) +
                              "); upgrade oceandash");
    }
    report.to_version = report.from_version;
    for (const EmbeddedMigration& migration : migrations) {
      Transaction transaction(writer_);
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if (CurrentVersion() >= migration.version) continue;
      std::string sql_text(migration.sql);
      try {
        writer_.Exec(sql_text.c_str());
      } catch (const core::UnavailableError&) {
        throw;
      } catch (const std::runtime_error& e) {
        throw std::runtime_error("sqlite: migration " + std::string(migration.name) +
                                 " failed: " + e.what());
      }
      Statement record(writer_, q::kRecordMigration);
      record.Bind(migration.version).Bind(NowMs()).Run();
      transaction.Commit();
      report.to_version = migration.version;
      spdlog::info("sqlite: applied migration {}", migration.name);
    }
    return report;
  }

  void Ping() override {
    WithReader([](SqliteConnection& connection) { connection.Exec(kPing); });
  }

  void UpsertLocations(std::span<const core::Location> locations) override {
    std::lock_guard lock(writer_mutex_);
    Transaction transaction(writer_);
    const core::EpochMs now = NowMs();
    for (const core::Location& location : locations) {
      Statement upsert(writer_, q::kUpsertLocation);
      upsert.Bind(location.id)
          .Bind(location.name)
          .Bind(location.latitude)
          .Bind(location.longitude)
          .Bind(location.description)
          .Bind(now)
          .Run();
    }
    transaction.Commit();
  }

  std::vector<core::Location> ListLocations() override {
    return WithReader([](SqliteConnection& connection) {
      std::vector<core::Location> locations;
      Statement select(connection, q::kListLocations);
      while (select.Step()) locations.push_back(ReadLocation(select));
      return locations;
    });
  }

  std::optional<core::Location> GetLocation(std::string_view id) override {
    return WithReader([id](SqliteConnection& connection) -> std::optional<core::Location> {
      Statement select(connection, q::kGetLocation);
      select.Bind(id);
      if (!select.Step()) return std::nullopt;
      return ReadLocation(select);
    });
  }

  core::IngestResult UpsertObservations(std::span<const core::Observation> rows) override {
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
        throw std::runtime_error("storage: ingest rejected: row " + std::to_string(index) +
                                 " has unknown location_id \"" + std::string(key.first) +
                                 "\"; nothing was written");
      }
      Statement insert_series(writer_, q::kUpsertSeries);
      insert_series.Bind(key.first).Bind(key.second).Run();
    }
    std::int64_t max_id_before = 0;
    {
      Statement max_id(writer_, q::kMaxObservationId);
      if (max_id.Step()) max_id_before = max_id.Int(0);
    }
    const core::EpochMs now = NowMs();
    for (const core::Observation& row : rows) {
      Statement upsert(writer_, q::kUpsertObservation);
      upsert.Bind(row.location_id)
          .Bind(row.parameter)
          .Bind(row.timestamp_ms)
          .Bind(row.value)
          .Bind(static_cast<int>(row.quality_flag))
          .Bind(row.source)
          .Bind(now);
      if (!upsert.Step()) {
        throw std::runtime_error("sqlite: upsert returned no row id");
      }
      if (upsert.Int(0) > max_id_before) {
        ++result.inserted;
      } else {
        ++result.updated;
      }
    }
    transaction.Commit();
    return result;
  }

  std::vector<core::StoredObservation> QueryObservations(
      const core::ObservationQuery& query) override {
    std::string sql_text = q::kSelectObservations;
    AppendFilters(query, sql_text);
    if (query.after) sql_text += q::kFilterAfter;
    sql_text += q::kOrderByTsIdLimit;
    const std::string locations_json = JsonStringArray(query.locations);
    return WithReader([&](SqliteConnection& connection) {
      Statement select(connection, sql_text);
      BindFilters(query, locations_json, select);
      if (query.after) select.Bind(query.after->timestamp_ms).Bind(query.after->id);
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
    return WithReader([&](SqliteConnection& connection) {
      Statement select(connection, sql_text);
      select.Bind(query.location).Bind(query.parameter).Bind(query.start_ms).Bind(query.end_ms);
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
    return WithReader([&](SqliteConnection& connection) {
      Statement count(connection, sql_text);
      BindFilters(query, locations_json, count);
      return count.Step() ? count.Int(0) : std::int64_t{0};
    });
  }

  std::vector<core::Observation> LatestObservations(
      std::span<const std::string> locations) override {
    const std::string locations_json =
        JsonStringArray(std::vector<std::string>(locations.begin(), locations.end()));
    return WithReader([&](SqliteConnection& connection) {
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
    insert.Bind(run.source_id)
        .Bind(run.started_ms)
        .Bind(run.finished_ms)
        .Bind(run.rows)
        .Bind(run.ok ? 1 : 0)
        .Bind(run.error)
        .Run();
  }

  std::vector<SourceStatus> ListSourceStatus() override {
    return WithReader([](SqliteConnection& connection) {
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
      upsert.Bind(cell.source_id)
          .Bind(cell.location_id)
          .Bind(cell.parameter)
          .Bind(cell.cell_latitude)
          .Bind(cell.cell_longitude)
          .Bind(now)
          .Run();
    }
    transaction.Commit();
  }

  std::vector<SourceCell> ListSourceCells(std::string_view location_id) override {
    return WithReader([location_id](SqliteConnection& connection) {
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

  std::string DataVersion() override {
    // Always the writer: data_version is per connection, so successive reads must share one.
    std::lock_guard lock(writer_mutex_);
    Statement version(writer_, q::kDataVersion);
    return std::to_string(version.Step() ? version.Int(0) : 0);
  }

 private:
  // A count reads no row, so for a parameter alone it can read the key index series by series
  // (see kFilterParameterSeries); a page wants the rows in time order, which observations_ts_id
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
    statement.Bind(query.start_ms).Bind(query.end_ms);
    if (!query.locations.empty()) statement.Bind(locations_json);
    if (query.parameter) statement.Bind(*query.parameter);
    if (query.source) statement.Bind(*query.source);
  }

  std::int64_t CurrentVersion() {
    Statement version(writer_, q::kCurrentVersion);
    return version.Step() ? version.Int(0) : 0;
  }

  // Runs `read` on an idle reader connection (or on the writer when there are no readers).
  template <typename Fn>
  auto WithReader(Fn&& read) -> std::invoke_result_t<Fn&, SqliteConnection&> {
    if (readers_.empty()) {
      std::lock_guard lock(writer_mutex_);
      return read(writer_);
    }
    SqliteConnection* connection = nullptr;
    {
      std::unique_lock lock(readers_mutex_);
      if (!readers_available_.wait_for(lock, kPoolAcquireTimeout,
                                       [this] { return !idle_readers_.empty(); })) {
        throw core::UnavailableError("sqlite: no reader connection free within " +
                                     std::to_string(kPoolAcquireTimeout.count()) + " s");
      }
      connection = idle_readers_.back();
      idle_readers_.pop_back();
    }
    struct Release {
      SqliteStore& store;
      SqliteConnection* connection;
      ~Release() {
        {
          std::lock_guard lock(store.readers_mutex_);
          store.idle_readers_.push_back(connection);
        }
        store.readers_available_.notify_one();
      }
    } release{*this, connection};
    // Several statements of one read see one snapshot.
    connection->Exec(kBeginRead);
    struct EndRead {
      SqliteConnection& connection;
      ~EndRead() {
        int rc = sqlite3_exec(connection.get(), kCommit, nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) {
          spdlog::error("sqlite: ending read transaction failed: {}",
                        sqlite3_errmsg(connection.get()));
        }
      }
    } end_read{*connection};
    return read(*connection);
  }

  std::mutex writer_mutex_;
  SqliteConnection writer_;  // guarded by writer_mutex_

  std::vector<std::unique_ptr<SqliteConnection>> readers_;
  std::mutex readers_mutex_;
  std::condition_variable readers_available_;
  std::vector<SqliteConnection*> idle_readers_;  // guarded by readers_mutex_
};

}  // namespace

std::unique_ptr<Store> OpenSqliteStore(const std::string& path, int reader_count) {
  return std::make_unique<SqliteStore>(path, reader_count);
}

}  // namespace ocean::storage
