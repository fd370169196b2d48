#include "storage/pg_store.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/api_error.hpp"
#include "storage/migrations.hpp"
#include "storage/sql.hpp"
#include "storage/store_internal.hpp"

namespace ocean::storage {
namespace {

namespace q = sql::pg;

// Connection defaults; the URL may override any of them (it is expanded after these).
// connect_timeout makes a dead server an UnavailableError within seconds; keepalives let a
// silently vanished peer surface as a broken connection instead of a hang.
constexpr const char* kDefaultKeywords[] = {"connect_timeout",     "application_name",
                                            "client_encoding",     "keepalives_idle",
                                            "keepalives_interval", "keepalives_count"};
constexpr const char* kDefaultValues[] = {"3", "oceandash", "UTF8", "30", "10", "3"};
// PostgreSQL 12+ prints the shortest text that round-trips whenever this is positive; older
// servers need 3 for full precision. Either way doubles read back bit-exact.
constexpr char kSessionSetup[] = "SET extra_float_digits = 3";
constexpr char kBeginSnapshot[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

// Query bounds beyond what 'epoch' + ms * 1 ms can represent (an interval overflows past
// ~294247 AD; timestamptz starts at 4713 BC) are clamped, so "since forever" stays a valid
// query. Stored observations are validated long before they get near either end.
constexpr core::EpochMs kMinPgMs = -210863520000000;  // 4713-01-01 00:00 BC
constexpr core::EpochMs kMaxPgMs = 9223372036854000;  // 294247-01-10

core::EpochMs ClampToPg(core::EpochMs ms) { return std::clamp(ms, kMinPgMs, kMaxPgMs); }

// A count window [start, end] (clamped) split at UTC midnights, so that whole days are read
// from observation_counts or observation_day_totals (migration 0004) and only the rows of the
// partial days at its ends are counted one by one. Day d holds the rows in
// [d * 86,400,000 ms, (d + 1) * 86,400,000 ms), whatever their precision.
//
// Each partial day is counted from the shorter side of its midnight: the rows of the window's
// part of it, added to the whole days, or the rows of the other part, subtracted from the day
// counted whole. So an edge reads at most half a day of rows; the default window (the last 30
// days, both ends at the same time of day) reads half a day in all on average, not a whole one.
struct EdgeRange {
  enum class Shape { kHalfOpen, kClosed, kOpen };  // [from, to), [from, to], (from, to)
  core::EpochMs from;
  core::EpochMs to;
  Shape shape;
  bool subtract;
};

struct DaySplit {
  std::int64_t first_day;  // days since 1970-01-01 summed whole: [first_day, end_day)
  std::int64_t end_day;
  std::vector<EdgeRange> edges;
};

// Empty when the window holds no whole day: then its rows are counted one by one.
std::optional<DaySplit> SplitAtDays(core::EpochMs start, core::EpochMs end) {
  constexpr core::EpochMs kDayMs = 86'400'000;
  const auto floor_div = [](std::int64_t a, std::int64_t b) {
    return a / b - static_cast<std::int64_t>(a % b != 0 && (a < 0) != (b < 0));
  };
  const std::int64_t first_whole = -floor_div(-start, kDayMs);
  const std::int64_t end_whole = floor_div(end, kDayMs);
  if (first_whole >= end_whole) return std::nullopt;
  DaySplit split{first_whole, end_whole, {}};
  if (start < first_whole * kDayMs) {
    // The window starts inside day first_whole - 1.
    const core::EpochMs day_start = (first_whole - 1) * kDayMs;
    if (start - day_start < first_whole * kDayMs - start && day_start >= kMinPgMs) {
      split.first_day = first_whole - 1;
      split.edges.push_back({day_start, start, EdgeRange::Shape::kHalfOpen, true});
    } else {
      split.edges.push_back({start, first_whole * kDayMs, EdgeRange::Shape::kHalfOpen, false});
    }
  }
  // The window ends inside day end_whole (at its first instant at the earliest).
  const core::EpochMs day_end = (end_whole + 1) * kDayMs;
  if (day_end - end - 1 < end - end_whole * kDayMs + 1 && day_end <= kMaxPgMs) {
    split.end_day = end_whole + 1;
    split.edges.push_back({end, day_end, EdgeRange::Shape::kOpen, true});
  } else {
    split.edges.push_back({end_whole * kDayMs, end, EdgeRange::Shape::kClosed, false});
  }
  return split;
}

struct PgConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;

struct PgResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

// The connection broke under an operation. Caught by PgStore::Run, which reconnects and
// retries once when that is safe, and otherwise reports core::UnavailableError.
class ConnectionLost : public std::runtime_error {
 public:
  ConnectionLost(const std::string& message, bool commit_sent)
      : std::runtime_error(message), commit_sent_(commit_sent) {}
  // True when COMMIT had been sent: the transaction may or may not have been applied.
  bool commit_sent() const { return commit_sent_; }

 private:
  bool commit_sent_;
};

// SQLSTATE class 08 (connection exception) and the 57P0x shutdown family mean the session is
// gone; everything else is a statement error on a healthy connection.
bool IsConnectionFailure(std::string_view sqlstate) {
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

std::string OneLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

void ForwardNotice(void* /*context*/, const char* message) {
  spdlog::debug("postgresql: {}", OneLine(message));
}

// The shortest text that reads back as exactly `value`.
void AppendDouble(std::string& out, double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

// Text-format parameters; a null entry is SQL NULL.
class PgParams {
 public:
  PgParams& Add(std::string value) {
    values_.push_back(std::move(value));
    nulls_.push_back(false);
    return *this;
  }
  PgParams& Add(std::string_view value) { return Add(std::string(value)); }
  PgParams& Add(const char* value) { return Add(std::string(value)); }
  PgParams& Add(std::int64_t value) { return Add(std::to_string(value)); }
  PgParams& Add(int value) { return Add(std::to_string(value)); }
  PgParams& Add(bool value) { return Add(std::string(value ? "true" : "false")); }
  PgParams& Add(double value) {
    std::string text;
    AppendDouble(text, value);
    return Add(std::move(text));
  }
  PgParams& AddNull() {
    values_.emplace_back();
    nulls_.push_back(true);
    return *this;
  }

  std::vector<const char*> Pointers() const {
    std::vector<const char*> pointers;
    pointers.reserve(values_.size());
    for (std::size_t i = 0; i < values_.size(); ++i) {
      pointers.push_back(nulls_[i] ? nullptr : values_[i].c_str());
    }
    return pointers;
  }
  int size() const { return static_cast<int>(values_.size()); }

 private:
  std::vector<std::string> values_;
  std::vector<bool> nulls_;
};

class PgConnection {
 public:
  // Connects or throws core::UnavailableError.
  explicit PgConnection(const std::string& url) {
    std::vector<const char*> keywords(std::begin(kDefaultKeywords), std::end(kDefaultKeywords));
    std::vector<const char*> values(std::begin(kDefaultValues), std::end(kDefaultValues));
    keywords.push_back("dbname");  // expanded as a URI because expand_dbname is set
    values.push_back(url.c_str());
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    conn_.reset(PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/1));
    if (!conn_) throw core::UnavailableError("postgresql: out of memory creating a connection");
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
      throw core::UnavailableError("postgresql: cannot connect: " +
                                   OneLine(PQerrorMessage(conn_.get())));
    }
    PQsetNoticeProcessor(conn_.get(), ForwardNotice, nullptr);
    try {
      Exec("session setup", kSessionSetup);
    } catch (const std::runtime_error& e) {
      throw core::UnavailableError(e.what());
    }
  }

  PGconn* get() const { return conn_.get(); }
  bool Healthy() const { return !broken_ && PQstatus(conn_.get()) == CONNECTION_OK; }

  bool ingest_table_ready() const { return ingest_table_ready_; }
  void set_ingest_table_ready() { ingest_table_ready_ = true; }

  // Text results. Every distinct statement text is prepared once per connection and executed
  // by name afterwards, so PostgreSQL parses and plans it once; the dynamic observation queries
  // have a bounded number of variants (fixed fragments in a fixed order). The cache lives and
  // dies with this connection, so a reconnect starts with an empty one.
  PgResultPtr Exec(std::string_view what, const char* sql_text, const PgParams& params = {},
                   bool commit = false) {
    return ExecPrepared(what, sql_text, params, kTextResults, commit);
  }

  // Binary results, for the hot reads: numbers and timestamps arrive as fixed-width big-endian
  // fields instead of text to parse (see the Binary* readers).
  PgResultPtr ExecBinary(std::string_view what, const char* sql_text, const PgParams& params = {}) {
    return ExecPrepared(what, sql_text, params, kBinaryResults, false);
  }

  // Binary results from a statement planned for these parameter values on every call (the
  // unnamed statement): for queries whose best plan depends on the values, where a cached
  // generic plan can be many times slower than planning afresh.
  PgResultPtr ExecBinaryPlannedPerCall(std::string_view what, const char* sql_text,
                                       const PgParams& params) {
    std::vector<const char*> values = params.Pointers();
    PgResultPtr result(PQexecParams(conn_.get(), sql_text, params.size(), nullptr, values.data(),
                                    nullptr, nullptr, kBinaryResults));
    Check(result.get(), what, false);
    return result;
  }

  // A statement for ExecBinaryPair: prepared on first use like Exec's, or, `per_call`, sent
  // unnamed and planned for its values like ExecBinaryPlannedPerCall's.
  struct Statement {
    std::string sql_text;
    PgParams params;
    bool per_call = false;
  };

  // Two statements in one round trip (libpq's pipeline mode), binary results in order: a page
  // and its count are one wait for PostgreSQL instead of two, and one wake-up fewer on each
  // side. Statements not prepared yet on this connection are prepared first, each in its own
  // round trip as Exec does. A failure of either throws as Exec's would; the connection is
  // left out of pipeline mode either way.
  std::array<PgResultPtr, 2> ExecBinaryPair(std::string_view what, const Statement& first,
                                            const Statement& second) {
    const std::array<const Statement*, 2> statements = {&first, &second};
    std::array<const std::string*, 2> names = {nullptr, nullptr};
    for (std::size_t i = 0; i < 2; ++i) {
      if (!statements[i]->per_call) {
        names[i] = &Prepare(what, statements[i]->sql_text.c_str(), statements[i]->params.size());
      }
    }
    // Everything that allocates (and so might throw) happens before pipeline mode: between
    // entering and leaving it there are only libpq calls, so the connection can never go back
    // to the pool still in it.
    const std::array<std::vector<const char*>, 2> values = {first.params.Pointers(),
                                                            second.params.Pointers()};
    std::array<PgResultPtr, 2> results;
    PGconn* conn = conn_.get();
    if (PQenterPipelineMode(conn) != 1) {
      broken_ = true;  // not idle: a state no caller leaves it in
      throw ConnectionLost("postgresql: " + std::string(what) +
                               ": cannot enter pipeline mode: " + OneLine(PQerrorMessage(conn)),
                           false);
    }
    bool sent = true;
    for (std::size_t i = 0; i < 2 && sent; ++i) {
      const Statement& statement = *statements[i];
      sent =
          names[i] == nullptr
              ? PQsendQueryParams(conn, statement.sql_text.c_str(), statement.params.size(),
                                  nullptr, values[i].data(), nullptr, nullptr, kBinaryResults) == 1
              : PQsendQueryPrepared(conn, names[i]->c_str(), statement.params.size(),
                                    values[i].data(), nullptr, nullptr, kBinaryResults) == 1;
    }
    if (sent && PQpipelineSync(conn) == 1) {
      // Each query's result, then the null that ends it; then the sync's own result.
      for (auto& result : results) {
        result.reset(PQgetResult(conn));
        while (PgResultPtr extra{PQgetResult(conn)}) {
        }
      }
      const PgResultPtr sync(PQgetResult(conn));
      if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) broken_ = true;
    } else {
      broken_ = true;
    }
    if (PQexitPipelineMode(conn) != 1) broken_ = true;
    if (broken_) {
      throw ConnectionLost(
          "postgresql: " + std::string(what) + ": " + OneLine(PQerrorMessage(conn)), false);
    }
    // The first failure names the cause; a statement after it only reports being skipped.
    for (const auto& result : results) Check(result.get(), what, false);
    return results;
  }

  // Several statements without parameters (migrations).
  void ExecScript(std::string_view what, const std::string& script) {
    PgResultPtr result(PQexec(conn_.get(), script.c_str()));
    Check(result.get(), what, false);
  }

  // COPY ... FROM STDIN with `data` already in the format the statement names.
  void CopyIn(std::string_view what, const char* sql_text, std::string_view data) {
    PgResultPtr start(PQexec(conn_.get(), sql_text));
    if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN) {
      Check(start.get(), what, false);
      throw std::runtime_error("postgresql: " + std::string(what) + ": server did not enter COPY");
    }
    const bool sent = PQputCopyData(conn_.get(), data.data(), static_cast<int>(data.size())) == 1;
    // After a failed send the copy is ended with an error message, which aborts it server-side.
    const int ended = PQputCopyEnd(conn_.get(), sent ? nullptr : "client failed to send data");
    PgResultPtr end(PQgetResult(conn_.get()));
    // Drain so the connection is ready for the next command.
    while (PgResultPtr extra{PQgetResult(conn_.get())}) {
    }
    if (!sent || ended != 1) {
      broken_ = true;
      throw ConnectionLost(
          "postgresql: " + std::string(what) + ": " + OneLine(PQerrorMessage(conn_.get())), false);
    }
    Check(end.get(), what, false);
  }

  void MarkBroken() { broken_ = true; }

 private:
  static constexpr int kTextResults = 0;
  static constexpr int kBinaryResults = 1;

  // Heterogeneous lookup: finding a statement by its text allocates nothing.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  PgResultPtr ExecPrepared(std::string_view what, const char* sql_text, const PgParams& params,
                           int result_format, bool commit) {
    const std::string& name = Prepare(what, sql_text, params.size());
    std::vector<const char*> values = params.Pointers();
    PgResultPtr result(PQexecPrepared(conn_.get(), name.c_str(), params.size(), values.data(),
                                      nullptr, nullptr, result_format));
    Check(result.get(), what, commit);
    return result;
  }

  // The name of the server-side statement for `sql_text`, preparing it on first use. Parameter
  // types are left to the server to infer from the text (every statement casts where needed).
  const std::string& Prepare(std::string_view what, const char* sql_text, int param_count) {
    auto found = prepared_.find(std::string_view(sql_text));
    if (found != prepared_.end()) return found->second;
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    PgResultPtr result(PQprepare(conn_.get(), name.c_str(), sql_text, param_count, nullptr));
    Check(result.get(), what, false);
    return prepared_.emplace(sql_text, std::move(name)).first->second;
  }

  void Check(const PGresult* result, std::string_view what, bool commit) {
    ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    const char* sqlstate_field = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string_view sqlstate = sqlstate_field ? sqlstate_field : "";
    std::string message;
    if (result && PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)) {
      message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
      if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL)) {
        message += " (" + std::string(detail) + ")";
      }
    } else {
      message = OneLine(PQerrorMessage(conn_.get()));
    }
    std::string text = "postgresql: " + std::string(what) + ": " + message;
    if (IsConnectionFailure(sqlstate) || PQstatus(conn_.get()) != CONNECTION_OK) {
      broken_ = true;
      throw ConnectionLost(text, commit);
    }
    if (!sqlstate.empty()) text += " [SQLSTATE " + std::string(sqlstate) + "]";
    throw std::runtime_error(text);
  }

  PgConnPtr conn_;
  bool broken_ = false;
  bool ingest_table_ready_ = false;
  // Statement text -> prepared statement name on this connection.
  std::unordered_map<std::string, std::string, TextHash, std::equal_to<>> prepared_;
};

// Rolls back unless committed, so a failed write leaves neither data nor an aborted
// transaction on the pooled connection.
class PgTransaction {
 public:
  explicit PgTransaction(PgConnection& connection, const char* begin = q::kBegin)
      : connection_(connection) {
    connection_.Exec("begin", begin);
  }
  ~PgTransaction() {
    if (done_ || !connection_.Healthy()) return;
    PgResultPtr result(PQexec(connection_.get(), q::kRollback));
    if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      spdlog::warn("postgresql: rollback failed: {}", OneLine(PQerrorMessage(connection_.get())));
      connection_.MarkBroken();
    }
  }
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;

  void Commit() {
    done_ = true;  // even if COMMIT fails, the server has ended the transaction
    connection_.Exec("commit", q::kCommit, {}, /*commit=*/true);
  }

  // For transactions that change stored data: bumps the data version (see migration 0003) as
  // the last statement, so the new version commits together with the change it announces.
  void CommitWrite() {
    connection_.Exec("bump data version", q::kBumpDataVersion);
    Commit();
  }

 private:
  PgConnection& connection_;
  bool done_ = false;
};

// At most `size` connections, created on demand. Broken ones are dropped on release.
class PgPool {
 public:
  PgPool(std::string url, int size) : url_(std::move(url)), size_(size) {}

  std::unique_ptr<PgConnection> Acquire() {
    std::unique_lock lock(mutex_);
    if (!available_.wait_for(lock, kPoolAcquireTimeout,
                             [this] { return !idle_.empty() || open_ < size_; })) {
      throw core::UnavailableError("postgresql: no connection free within " +
                                   std::to_string(kPoolAcquireTimeout.count()) + " s (pool of " +
                                   std::to_string(size_) + ")");
    }
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_;
    lock.unlock();
    try {
      return Connect();
    } catch (...) {
      Forget();
      throw;
    }
  }

  std::unique_ptr<PgConnection> Connect() const { return std::make_unique<PgConnection>(url_); }

  void Release(std::unique_ptr<PgConnection> connection) {
    if (!connection || !connection->Healthy()) {
      connection.reset();
      Forget();
      return;
    }
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(connection));
    }
    available_.notify_one();
  }

  // After one connection broke, its idle siblings were most likely cut by the same server
  // restart; dropping them spares the next callers a failed attempt each.
  void DropIdle() {
    std::vector<std::unique_ptr<PgConnection>> dropped;
    {
      std::lock_guard lock(mutex_);
      dropped.swap(idle_);
      open_ -= static_cast<int>(dropped.size());
    }
    available_.notify_all();
  }

 private:
  void Forget() {
    {
      std::lock_guard lock(mutex_);
      --open_;
    }
    available_.notify_one();
  }

  const std::string url_;
  const int size_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mutex_
  int open_ = 0;                                     // idle + leased; guarded by mutex_
};

// A pooled connection for the duration of one store operation.
class Lease {
 public:
  explicit Lease(PgPool& pool) : pool_(pool), connection_(pool.Acquire()) {}
  ~Lease() { pool_.Release(std::move(connection_)); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  PgConnection& operator*() { return *connection_; }
  PgConnection* operator->() { return connection_.get(); }

  // Replaces the connection in place (keeping the pool slot); throws core::UnavailableError.
  void Reconnect() {
    connection_->MarkBroken();
    connection_ = pool_.Connect();
  }

 private:
  PgPool& pool_;
  std::unique_ptr<PgConnection> connection_;
};

enum class Retry {
  kAlways,        // idempotent: safe to run again even if COMMIT may have been applied
  kBeforeCommit,  // retry only when the connection broke before COMMIT was sent
};

std::int64_t ParseInt(const PGresult* result, int row, int column) {
  const char* text = PQgetvalue(result, row, column);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text, text + std::strlen(text), value);
  if (ec != std::errc()) {
    throw std::runtime_error("postgresql: expected an integer, got \"" + std::string(text) + "\"");
  }
  return value;
}

double ParseDouble(const PGresult* result, int row, int column) {
  const char* text = PQgetvalue(result, row, column);
  double value = 0;
  auto [end, ec] = std::from_chars(text, text + std::strlen(text), value);
  if (ec != std::errc()) {
    throw std::runtime_error("postgresql: expected a number, got \"" + std::string(text) + "\"");
  }
  return value;
}

std::string Text(const PGresult* result, int row, int column) {
  return std::string(PQgetvalue(result, row, column),
                     static_cast<std::size_t>(PQgetlength(result, row, column)));
}

bool ParseBool(const PGresult* result, int row, int column) {
  return PQgetvalue(result, row, column)[0] == 't';
}

// Binary-format fields (resultFormat 1) are big-endian and of fixed width for these types.
const char* BinaryField(const PGresult* result, int row, int column, int width) {
  if (PQgetisnull(result, row, column) || PQgetlength(result, row, column) != width) {
    throw std::runtime_error("postgresql: column " + std::to_string(column) + " is not a " +
                             std::to_string(width) + "-byte binary value");
  }
  return PQgetvalue(result, row, column);
}

std::uint64_t BigEndian(const char* bytes, int width) {
  std::uint64_t value = 0;
  for (int i = 0; i < width; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

std::int64_t BinaryInt64(const PGresult* result, int row, int column) {
  return static_cast<std::int64_t>(BigEndian(BinaryField(result, row, column, 8), 8));
}

// timestamptz is microseconds since 2000-01-01 00:00 UTC.
constexpr std::int64_t kPgEpochMs = 946684800000;

// Fixed-width binary columns of a whole result, checked once: then each value is one
// PQgetvalue and a byte swap, which matters for series of thousands of rows.
class BinaryColumns {
 public:
  // Throws unless every column of `widths` (bytes per value; 0: skip) is a binary column of a
  // type that wide, with a value of that width (so not NULL, which has length 0) in every row.
  BinaryColumns(const PGresult* result, std::initializer_list<int> widths) : result_(result) {
    const int rows = PQntuples(result);
    int column = 0;
    for (const int width : widths) {
      if (width > 0) {
        bool ok = PQfformat(result, column) == 1 && PQfsize(result, column) == width;
        for (int row = 0; ok && row < rows; ++row) ok = PQgetlength(result, row, column) == width;
        if (!ok) {
          throw std::runtime_error("postgresql: column " + std::to_string(column) + " is not a " +
                                   std::to_string(width) + "-byte binary value in every row");
        }
      }
      ++column;
    }
  }

  std::uint64_t Raw64(int row, int column) const {
    std::uint64_t value = 0;
    std::memcpy(&value, PQgetvalue(result_, row, column), sizeof value);
    return FromBig(value);
  }
  std::int64_t Int64(int row, int column) const {
    return static_cast<std::int64_t>(Raw64(row, column));
  }
  double Double(int row, int column) const { return std::bit_cast<double>(Raw64(row, column)); }
  int Int16(int row, int column) const {
    std::uint16_t value = 0;
    std::memcpy(&value, PQgetvalue(result_, row, column), sizeof value);
    return static_cast<std::int16_t>(FromBig(value));
  }

 private:
  template <typename Unsigned>
  static Unsigned FromBig(Unsigned value) {
    if constexpr (std::endian::native == std::endian::little) {
      if constexpr (sizeof value == 8) return __builtin_bswap64(value);
      if constexpr (sizeof value == 2) return __builtin_bswap16(value);
    }
    return value;
  }

  const PGresult* result_;
};

// timestamptz is microseconds since 2000-01-01 00:00 UTC. Rounds to the nearest millisecond,
// halves away from zero, as the numeric-to-int8 cast of (extract(epoch FROM ts) * 1000) does.
core::EpochMs PgMicrosToMs(std::int64_t us) {
  std::int64_t ms = us / 1000;  // ms + rest / 1000 is the exact value, 0 <= rest < 1000
  std::int64_t rest = us % 1000;
  if (rest < 0) {
    ms -= 1;
    rest += 1000;
  }
  ms += kPgEpochMs;
  if (rest > 500 || (rest == 500 && ms >= 0)) ++ms;
  return ms;
}

core::QualityFlag ToQualityFlag(int value) {
  // Only validated flags are written; a foreign value reads as "not evaluated".
  return core::QualityFlagFromInt(value).value_or(core::QualityFlag::kNotEvaluated);
}

std::string_view TextView(const PGresult* result, int row, int column) {
  return {PQgetvalue(result, row, column),
          static_cast<std::size_t>(PQgetlength(result, row, column))};
}

std::vector<core::Location> ReadLocations(const PGresult* result) {
  std::vector<core::Location> locations;
  for (int row = 0; row < PQntuples(result); ++row) {
    core::Location location;
    location.id = Text(result, row, 0);
    location.name = Text(result, row, 1);
    location.latitude = ParseDouble(result, row, 2);
    location.longitude = ParseDouble(result, row, 3);
    location.description = Text(result, row, 4);
    locations.push_back(std::move(location));
  }
  return locations;
}

std::vector<SourceRun> ReadSourceRuns(const PGresult* result) {
  std::vector<SourceRun> runs;
  for (int row = 0; row < PQntuples(result); ++row) {
    SourceRun run;
    run.source_id = Text(result, row, 0);
    run.started_ms = ParseInt(result, row, 1);
    run.finished_ms = ParseInt(result, row, 2);
    run.rows = ParseInt(result, row, 3);
    run.ok = ParseBool(result, row, 4);
    run.error = Text(result, row, 5);
    runs.push_back(std::move(run));
  }
  return runs;
}

// COPY binary format: a signature, flags and header extension length, then per row the field
// count and each field as a length and its bytes (big-endian numbers), then -1 as the trailer.
class CopyBinaryWriter {
 public:
  explicit CopyBinaryWriter(std::size_t rows) {
    out_.reserve(32 + rows * 96);
    constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // and its terminating NUL
    out_.append(kSignature, sizeof kSignature);
    BigEndian(std::uint32_t{0});  // flags: no OIDs
    BigEndian(std::uint32_t{0});  // no header extension
  }

  void BeginRow(std::uint16_t fields) { BigEndian(fields); }
  void Text(std::string_view value) {
    if (value.size() > std::numeric_limits<std::int32_t>::max()) {
      throw std::runtime_error("postgresql: text value too long for COPY");
    }
    BigEndian(static_cast<std::uint32_t>(value.size()));
    out_ += value;
  }
  void Int64(std::int64_t value) {
    BigEndian(std::uint32_t{8});
    BigEndian(static_cast<std::uint64_t>(value));
  }
  void Double(double value) {
    BigEndian(std::uint32_t{8});
    BigEndian(std::bit_cast<std::uint64_t>(value));
  }
  void Int16(std::int16_t value) {
    BigEndian(std::uint32_t{2});
    BigEndian(static_cast<std::uint16_t>(value));
  }

  std::string Finish() && {
    BigEndian(std::uint16_t{0xffff});
    return std::move(out_);
  }

 private:
  template <typename Unsigned>
  void BigEndian(Unsigned value) {
    char bytes[sizeof value];
    for (std::size_t i = 0; i < sizeof value; ++i) {
      bytes[i] = static_cast<char>(value >> (8 * (sizeof value - 1 - i)));
    }
    out_.append(bytes, sizeof value);
  }

  std::string out_;
};

void CheckPgTimestamps(std::span<const core::Observation> rows) {
  for (const core::Observation& row : rows) {
    if (row.timestamp_ms < kMinPgMs || row.timestamp_ms > kMaxPgMs) {
      throw std::runtime_error("storage: ingest rejected, nothing was written: timestamp " +
                               std::to_string(row.timestamp_ms) +
                               " ms is outside what PostgreSQL can store");
    }
  }
}

// Microseconds since 2000-01-01, the binary timestamptz; `ms` passed CheckPgTimestamps.
std::int64_t PgTimestampMicros(core::EpochMs ms) { return (ms - kPgEpochMs) * 1000; }

// `series_ids[i]` is the series of rows[i].
std::string CopyData(std::span<const core::Observation> rows,
                     std::span<const std::int64_t> series_ids) {
  constexpr std::uint16_t kFields = 5;  // the columns of kCopyIngestRows, in order
  CopyBinaryWriter copy(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const core::Observation& row = rows[i];
    copy.BeginRow(kFields);
    copy.Int64(series_ids[i]);
    copy.Int64(PgTimestampMicros(row.timestamp_ms));
    copy.Text(row.source);
    copy.Double(row.value);
    copy.Int16(static_cast<std::int16_t>(row.quality_flag));
  }
  return std::move(copy).Finish();
}

// Ids or numbers (at least one, ascending), as a bytea parameter (hex text) for
// sql::pg::kFilterDenseIds and kFilterDenseNumbers: bit i, counted from the low bit of byte
// i / 8, is set when ids.front() + i is one of `ids`.
std::string PgIdMask(const std::vector<std::int64_t>& ids) {
  assert(!ids.empty() && std::is_sorted(ids.begin(), ids.end()));
  static constexpr char kHex[] = "0123456789abcdef";
  const auto span = static_cast<std::size_t>(ids.back() - ids.front()) + 1;
  std::vector<unsigned char> mask((span + 7) / 8, 0);
  for (const std::int64_t id : ids) {
    const auto bit = static_cast<std::size_t>(id - ids.front());
    mask[bit / 8] = static_cast<unsigned char>(mask[bit / 8] | (1U << (bit % 8)));
  }
  std::string out = "\\x";
  out.reserve(2 + 2 * mask.size());
  for (const unsigned char byte : mask) {
    out += kHex[byte >> 4];
    out += kHex[byte & 0xF];
  }
  return out;
}

// An int8[] literal.
std::string PgInt8Array(const std::vector<std::int64_t>& values) {
  std::string out = "{";
  for (const std::int64_t value : values) {
    if (out.size() > 1) out += ',';
    out += std::to_string(value);
  }
  out += '}';
  return out;
}

// A float8[] literal, each element exact.
std::string PgFloat8Array(const std::vector<double>& values) {
  std::string out = "{";
  for (const double value : values) {
    if (out.size() > 1) out += ',';
    AppendDouble(out, value);
  }
  out += '}';
  return out;
}

// The parameters of sql::pg::kUpdateLatestFromIngest: per series of the batch, its rows at the
// series' newest instant, as arrays of series id, epoch ms, value, flag and source.
PgParams LatestCandidates(std::span<const core::Observation> rows,
                          std::span<const std::int64_t> series_ids) {
  std::unordered_map<std::int64_t, core::EpochMs> newest;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto [entry, added] = newest.try_emplace(series_ids[i], rows[i].timestamp_ms);
    if (!added) entry->second = std::max(entry->second, rows[i].timestamp_ms);
  }
  std::vector<std::int64_t> ids;
  std::vector<std::int64_t> timestamps;
  std::vector<double> values;
  std::vector<std::int64_t> flags;
  std::vector<std::string> sources;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].timestamp_ms != newest.at(series_ids[i])) continue;
    ids.push_back(series_ids[i]);
    timestamps.push_back(rows[i].timestamp_ms);
    values.push_back(rows[i].value);
    flags.push_back(static_cast<std::int64_t>(rows[i].quality_flag));
    sources.push_back(rows[i].source);
  }
  PgParams params;
  params.Add(PgInt8Array(ids)).Add(PgInt8Array(timestamps)).Add(PgFloat8Array(values));
  params.Add(PgInt8Array(flags)).Add(PgTextArray(sources));
  return params;
}

// Appends a fragment written with '?' placeholders, numbering them $next, $next+1, ...
void AppendNumbered(std::string& sql_text, std::string_view fragment, int& next) {
  for (char c : fragment) {
    if (c == '?') {
      sql_text += '$';
      sql_text += std::to_string(next++);
    } else {
      sql_text += c;
    }
  }
}

// A series id is its parameter's block times 2^32 plus its number (migration 0005).
constexpr std::int64_t SeriesBlock(std::int64_t id) { return id >> 32; }
constexpr std::int64_t SeriesNumber(std::int64_t id) { return id & 0xFFFFFFFF; }
constexpr std::int64_t FirstIdOfBlock(std::int64_t block) { return block << 32; }

// Both directions of series id <-> (location, parameter), and each series' only_source, read
// from observation_series. Ids are never reused or renamed while servers run (see migration
// 0003; 0005 renumbered them once, with every writer stopped) and only committed rows are
// ever read in, so an id never goes stale: an id or pair not found only
// means a re-read. only_source only ever changes from a source to NULL (migration 0003), so a
// cached source is either still right or has become NULL, which the reads that rely on it
// detect in their own snapshot.
class SeriesIds {
 public:
  struct Series {
    std::int64_t id = -1;
    std::string only_source;  // empty: NULL (or not known)
  };

  // Reads every series in (the committed ones, or those the caller's transaction sees):
  // columns id, location_id, parameter, only_source.
  void Load(const PGresult* result) {
    std::unique_lock lock(mutex_);
    for (int row = 0; row < PQntuples(result); ++row) {
      const std::int64_t id = ParseInt(result, row, 0);
      std::string location = Text(result, row, 1);
      std::string parameter = Text(result, row, 2);
      std::string only_source = PQgetisnull(result, row, 3) ? "" : Text(result, row, 3);
      ids_.insert_or_assign(Key(location, parameter), id);
      names_.insert_or_assign(
          id, Names{std::move(location), std::move(parameter), std::move(only_source)});
    }
  }

  // Sets location_id and parameter of every row from its series id (StoredObservation::id);
  // false when an id is not known yet.
  bool FillNames(std::vector<core::StoredObservation>& rows) const {
    std::shared_lock lock(mutex_);
    const Names* names = nullptr;
    std::int64_t id = -1;
    for (core::StoredObservation& row : rows) {
      if (names == nullptr || row.id != id) {  // consecutive rows mostly share a series
        const auto found = names_.find(row.id);
        if (found == names_.end()) return false;
        names = &found->second;
        id = row.id;
      }
      row.observation.location_id = names->location_id;
      row.observation.parameter = names->parameter;
    }
    return true;
  }

  // The ids of the known series at one of `locations` (any when empty) with `parameter` (any
  // when unset), ascending.
  std::vector<std::int64_t> Matching(const std::vector<std::string>& locations,
                                     const std::optional<std::string>& parameter) const {
    std::vector<std::int64_t> ids;
    std::shared_lock lock(mutex_);
    for (const auto& [id, names] : names_) {
      if (parameter && names.parameter != *parameter) continue;
      if (!locations.empty() &&
          std::find(locations.begin(), locations.end(), names.location_id) == locations.end()) {
        continue;
      }
      ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::size_t Size() const {
    std::shared_lock lock(mutex_);
    return names_.size();
  }

  // The block of `parameter`'s ids (migration 0005), when the store knows a series of it. A
  // parameter's block never changes.
  std::optional<std::int64_t> BlockOf(const std::string& parameter) const {
    std::shared_lock lock(mutex_);
    return BlockOfLocked(parameter);
  }

  // Whether the store knows a series of each of `parameters`.
  bool KnowsParameters(const std::vector<std::string>& parameters) const {
    std::shared_lock lock(mutex_);
    return std::all_of(parameters.begin(), parameters.end(), [this](const std::string& parameter) {
      return BlockOfLocked(parameter).has_value();
    });
  }

  // After a committed write gave these series a second source (only_source is then NULL).
  void ForgetOnlySources(const std::vector<std::int64_t>& ids) {
    if (ids.empty()) return;
    std::unique_lock lock(mutex_);
    for (const std::int64_t id : ids) {
      const auto names = names_.find(id);
      if (names != names_.end()) names->second.only_source.clear();
    }
  }

  // `ids` (every known series when null), ascending, each with its one source; nullopt when
  // the list has none, or any of them has several sources or is not known.
  std::optional<std::pair<std::vector<std::int64_t>, std::vector<std::string>>> OnlySources(
      const std::vector<std::int64_t>* ids) const {
    std::pair<std::vector<std::int64_t>, std::vector<std::string>> listed;
    std::shared_lock lock(mutex_);
    if (ids != nullptr) {
      listed.first = *ids;
    } else {
      for (const auto& [id, names] : names_) listed.first.push_back(id);
    }
    if (listed.first.empty()) return std::nullopt;
    std::sort(listed.first.begin(), listed.first.end());
    for (const std::int64_t id : listed.first) {
      const auto names = names_.find(id);
      if (names == names_.end() || names->second.only_source.empty()) return std::nullopt;
      listed.second.push_back(names->second.only_source);
    }
    return listed;
  }

  std::optional<Series> Find(std::string_view location, std::string_view parameter) const {
    const std::string key = Key(location, parameter);
    std::shared_lock lock(mutex_);
    const auto found = ids_.find(key);
    if (found == ids_.end()) return std::nullopt;
    return Series{found->second, names_.at(found->second).only_source};
  }

  // What a batch needs: the series id of each row and the source the batch writes to each
  // series ("" when several). Series not known yet are listed instead, with their source.
  struct Resolved {
    std::vector<std::int64_t> ids;
    std::vector<std::string> missing_locations;
    std::vector<std::string> missing_parameters;
    std::vector<std::string> missing_sources;
    // Known series whose cached only_source this batch contradicts: they must be set NULL in
    // the batch's transaction.
    std::vector<std::int64_t> losing_only_source;
  };
  Resolved ResolveIds(std::span<const core::Observation> rows) const {
    Resolved resolved;
    resolved.ids.reserve(rows.size());
    // Per series of the batch: its source in the batch ("" once there are several), and the
    // cached only_source.
    struct Seen {
      std::int64_t id;
      std::size_t missing;  // index in missing_*, for series not known yet
      std::string source;
      std::string only_source;
    };
    std::vector<Seen> seen;
    Seen* current = nullptr;
    const core::Observation* previous = nullptr;
    std::shared_lock lock(mutex_);
    for (const core::Observation& row : rows) {
      if (previous == nullptr || row.location_id != previous->location_id ||
          row.parameter != previous->parameter) {
        current = nullptr;
        const auto found = ids_.find(Key(row.location_id, row.parameter));
        for (Seen& s : seen) {
          const bool same = found != ids_.end()
                                ? s.id == found->second
                                : s.id < 0 &&
                                      resolved.missing_locations[s.missing] == row.location_id &&
                                      resolved.missing_parameters[s.missing] == row.parameter;
          if (same) current = &s;
        }
        if (current == nullptr) {
          if (found != ids_.end()) {
            seen.push_back({found->second, 0, row.source, names_.at(found->second).only_source});
          } else {
            seen.push_back({-1, resolved.missing_locations.size(), row.source, ""});
            resolved.missing_locations.push_back(row.location_id);
            resolved.missing_parameters.push_back(row.parameter);
          }
          current = &seen.back();
        }
        previous = &row;
      }
      if (!current->source.empty() && current->source != row.source) current->source.clear();
      resolved.ids.push_back(current->id);
    }
    for (const Seen& s : seen) {
      if (s.id < 0) {
        resolved.missing_sources.push_back(s.source);
      } else if (!s.only_source.empty() && s.only_source != s.source) {
        resolved.losing_only_source.push_back(s.id);
      }
    }
    return resolved;
  }

 private:
  struct Names {
    std::string location_id;
    std::string parameter;
    std::string only_source;  // empty: NULL (or not known)
  };

  // BlockOf, with mutex_ held.
  std::optional<std::int64_t> BlockOfLocked(const std::string& parameter) const {
    for (const auto& [id, names] : names_) {
      if (names.parameter == parameter) return SeriesBlock(id);
    }
    return std::nullopt;
  }

  // PostgreSQL text never holds NUL, so it separates the two parts unambiguously.
  static std::string Key(std::string_view location, std::string_view parameter) {
    std::string key;
    key.reserve(location.size() + 1 + parameter.size());
    key.append(location).push_back('\0');
    key.append(parameter);
    return key;
  }

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::int64_t, Names> names_;
  std::unordered_map<std::string, std::int64_t> ids_;
};

class PgStore final : public Store {
 public:
  PgStore(const std::string& url, int pool_size) : pool_(url, pool_size) {
    // Fail at startup, not on the first request, when the server is unreachable.
    Lease lease(pool_);
  }

  std::string_view Kind() const override { return "postgresql"; }

  MigrationReport Migrate() override {
    std::span<const EmbeddedMigration> migrations = PostgresMigrations();
    const int known = migrations.empty() ? 0 : migrations.back().version;
    return Run("migrate", Retry::kAlways, [&](PgConnection& connection) {
      MigrationReport report;
      {
        PgTransaction transaction(connection);
        LockMigrations(connection);
        connection.Exec("create schema_migrations", q::kCreateMigrationsTable);
        report.from_version = CurrentVersion(connection);
        transaction.Commit();
      }
      if (report.from_version > known) {
        throw SchemaTooNewError("database schema version " + std::to_string(report.from_version) +
                                " is newer than this binary knows (" + std::to_string(known) +
                                "); upgrade oceandash");
      }
      report.to_version = report.from_version;
      for (const EmbeddedMigration& migration : migrations) {
        if (migration.version <= report.to_version) continue;
        PgTransaction transaction(connection);
        // The advisory lock serialises servers starting together; re-read under it.
        LockMigrations(connection);
        if (CurrentVersion(connection) >= migration.version) continue;
        const std::string what = "migration " + std::string(migration.name);
        connection.ExecScript(what, std::string(migration.sql));
        connection.Exec(what, q::kRecordMigration, PgParams().Add(migration.version));
        transaction.Commit();
        report.to_version = migration.version;
        spdlog::info("postgresql: applied migration {}", migration.name);
      }
      return report;
    });
  }

  void Ping() override {
    Run("ping", Retry::kAlways,
        [](PgConnection& connection) { connection.Exec("ping", q::kPing); });
  }

  void UpsertLocations(std::span<const core::Location> locations) override {
    Run("upsert locations", Retry::kAlways, [&](PgConnection& connection) {
      PgTransaction transaction(connection);
      for (const core::Location& location : locations) {
        connection.Exec("upsert location", q::kUpsertLocation,
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
      return ReadLocations(connection.Exec("list locations", q::kListLocations).get());
    });
  }

  std::optional<core::Location> GetLocation(std::string_view id) override {
    return Run("get location", Retry::kAlways,
               [id](PgConnection& connection) -> std::optional<core::Location> {
                 std::vector<core::Location> found = ReadLocations(
                     connection.Exec("get location", q::kGetLocation, PgParams().Add(id)).get());
                 if (found.empty()) return std::nullopt;
                 return std::move(found.front());
               });
  }

  core::IngestResult UpsertObservations(std::span<const core::Observation> rows) override {
    core::IngestResult result;
    result.received = static_cast<std::int64_t>(rows.size());
    if (rows.empty()) return result;
    CheckPgTimestamps(rows);
    // Upserting the same rows again converges to the same state, so even a connection lost
    // during COMMIT is retried (the counts then report the rows as updated).
    return Run("ingest", Retry::kAlways, [&](PgConnection& connection) {
      if (!connection.ingest_table_ready()) {
        connection.Exec("create ingest table", q::kCreateIngestTable);
        connection.set_ingest_table_ready();
      }
      try {
        SeriesIds::Resolved series = series_.ResolveIds(rows);
        if (!series.missing_locations.empty()) {
          // Committed on its own, before the batch, so only committed ids enter the shared
          // map. Should the batch then fail, the new series just stay empty, as series emptied
          // by retention do (their only_source then names a source with no rows, which is
          // still true of every row). An unknown location fails here on the foreign key.
          // A parameter the store knows a series of has its block already.
          if (!series_.KnowsParameters(series.missing_parameters)) {
            connection.Exec("record parameters", q::kInsertSeriesBlocks,
                            PgParams().Add(PgTextArray(series.missing_parameters)));
          }
          series_.Load(connection
                           .Exec("record series", q::kInsertSeries,
                                 PgParams()
                                     .Add(PgTextArray(series.missing_locations))
                                     .Add(PgTextArray(series.missing_parameters))
                                     .Add(PgTextArray(series.missing_sources)))
                           .get());
          series = series_.ResolveIds(rows);
          if (!series.missing_locations.empty()) {
            // Recorded meanwhile by another process, so not returned above.
            series_.Load(connection.Exec("list series", q::kListSeries).get());
            series = series_.ResolveIds(rows);
          }
          if (!series.missing_locations.empty()) {
            throw std::runtime_error("postgresql: a series was not recorded");
          }
        }
        const std::string copy_data = CopyData(rows, series.ids);
        PgTransaction transaction(connection);
        connection.Exec("lock counts", q::kLockCountsForIngest);
        connection.CopyIn("copy observations", q::kCopyIngestRows, copy_data);
        PgResultPtr counts =
            connection.Exec("upsert observations", q::kUpsertObservationsFromIngest);
        if (!series.losing_only_source.empty()) {
          // In the batch's transaction, so no snapshot sees the new source's rows together
          // with an only_source that excludes them; after the upsert, so every writer locks
          // observation rows before series rows (no deadlock between writers).
          connection.Exec("clear only_source", q::kClearOnlySource,
                          PgParams().Add(PgInt8Array(series.losing_only_source)));
        }
        connection.Exec("update latest", q::kUpdateLatestFromIngest,
                        LatestCandidates(rows, series.ids));
        transaction.CommitWrite();
        // Committed: those series have several sources now, so pages read them with the
        // column (instead of a guarded statement that would find out every time).
        series_.ForgetOnlySources(series.losing_only_source);
        core::IngestResult done = result;
        done.inserted = ParseInt(counts.get(), 0, 0);
        done.updated = ParseInt(counts.get(), 0, 1);
        return done;
      } catch (const ConnectionLost&) {
        throw;
      } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string("storage: ingest rejected, nothing was written: ") +
                                 e.what());
      }
    });
  }

 private:
  using Statement = PgConnection::Statement;

  // Every row's source, when the store knows them before a page is read, so the statement
  // leaves the column out (see sql::pg::kPageColumns): a source filter's, or per series the
  // one source the store's list gives each.
  struct KnownSources {
    std::optional<std::string> every_row;
    std::vector<std::int64_t> ids;     // ascending
    std::vector<std::string> sources;  // sources[i] is the one source of ids[i]

    bool Known() const { return every_row.has_value() || !ids.empty(); }
    const std::string& Of(std::int64_t series) const {
      if (every_row) return *every_row;
      const auto found = std::lower_bound(ids.begin(), ids.end(), series);
      // The statement's guard (sql::pg::kOneSourceGuard) admits only rows of these series.
      if (found == ids.end() || *found != series) {
        throw std::runtime_error("postgresql: a page row is of a series the page did not list");
      }
      return sources[static_cast<std::size_t>(found - ids.begin())];
    }
  };

  // A page statement and how to read its rows. time_order_only: a merge of one range per
  // series, whose rows come in time order only and run past `limit` to the end of the last
  // instant (see sql::pg::kMergedPageGuard); ReadPage puts them in page order. guarded: the
  // statement returns nothing when the store's list of series is out of date, and the caller
  // reads the page again another way.
  struct PageRead {
    Statement statement;
    bool time_order_only = false;
    bool guarded = false;
    KnownSources sources;
  };

  // The sources a page over `ids` (every series when null) can know before reading: see
  // KnownSources. Per series only when the store lists one source for each.
  KnownSources SourcesOf(const core::ObservationQuery& query,
                         const std::vector<std::int64_t>* ids) const {
    KnownSources known;
    if (query.source) {
      known.every_row = *query.source;
    } else if (auto listed = series_.OnlySources(ids)) {
      known.ids = std::move(listed->first);
      known.sources = std::move(listed->second);
    }
    return known;
  }

  // kPageColumns, and kPageSource unless the sources are known.
  static void AppendPageColumns(const KnownSources& sources, std::string& sql_text) {
    sql_text += q::kPageColumns;
    if (!sources.Known()) sql_text += q::kPageSource;
  }

  // The guard of a page whose sources come from the store's list of series (see
  // sql::pg::kOneSourceGuard); every_series: the page reads every series, not only ids.
  static void AppendOneSourceGuard(const KnownSources& sources, bool every_series,
                                   std::string& sql_text, PgParams& params, int& next) {
    if (sources.ids.empty()) return;
    AppendNumbered(sql_text, q::kOneSourceGuard, next);
    params.Add(static_cast<std::int64_t>(sources.ids.size()));
    if (!every_series) {
      AppendNumbered(sql_text, q::kSeriesIdsIn, next);
      params.Add(PgInt8Array(sources.ids));
    }
    sql_text += ')';
  }

 public:
  std::vector<core::StoredObservation> QueryObservations(
      const core::ObservationQuery& query) override {
    if (std::optional<PageRead> merged = MergedPageStatement(query)) {
      std::vector<core::StoredObservation> rows = ReadPageOnce(query, *merged);
      // Nothing back: an empty window, or a series the store did not know yet (or no longer
      // with one source); the general query below answers all of them.
      if (!rows.empty()) return rows;
      return ReadAfterMiss(query, true);
    }
    return QueryGeneralPage(query, true);
  }

  // may_leave_out_source: see PageStatement; when its guard fails, the page is read again with
  // the source column.
  std::vector<core::StoredObservation> QueryGeneralPage(const core::ObservationQuery& query,
                                                        bool may_leave_out_source) {
    const PageRead general = PageStatement(query, may_leave_out_source);
    std::vector<core::StoredObservation> rows = ReadPageOnce(query, general);
    if (rows.empty() && general.guarded) return ReadAfterMiss(query, false);
    return rows;
  }

  // After a guarded page (merged, or without the source column) came back empty: the general
  // page, which may_leave_out_source allows to leave the column out. Rows now mean the store's
  // list of series was out of date (another process added a series or a source), so it is read
  // again, or every later page would run its statement twice.
  std::vector<core::StoredObservation> ReadAfterMiss(const core::ObservationQuery& query,
                                                     bool may_leave_out_source) {
    std::vector<core::StoredObservation> rows = QueryGeneralPage(query, may_leave_out_source);
    if (!rows.empty()) {
      Run("list series", Retry::kAlways, [&](PgConnection& connection) {
        series_.Load(connection.Exec("list series", q::kListSeries).get());
        return 0;
      });
    }
    return rows;
  }

  std::vector<core::StoredObservation> ReadPageOnce(const core::ObservationQuery& query,
                                                    const PageRead& page) {
    return Run("query observations", Retry::kAlways, [&](PgConnection& connection) {
      return ReadPage(connection, Execute(connection, "query observations", page.statement).get(),
                      page, query.limit);
    });
  }

  // The page and its count in one round trip (see PgConnection::ExecBinaryPair); the rare
  // fallbacks (a merged statement meeting a series the store has not listed, or an empty
  // merged page) run on their own afterwards, as QueryObservations and CountObservations do.
  ObservationPage QueryObservationsWithCount(const core::ObservationQuery& page_query,
                                             const core::ObservationQuery& count_query) override {
    std::optional<PageRead> merged_page = MergedPageStatement(page_query);
    const bool page_merged = merged_page.has_value();
    const PageRead page = page_merged ? std::move(*merged_page) : PageStatement(page_query, true);
    std::optional<Statement> merged_count = MergedCountStatement(count_query);
    const bool count_merged = merged_count.has_value();
    const Statement count = count_merged ? std::move(*merged_count) : CountStatement(count_query);
    std::optional<std::int64_t> counted;
    ObservationPage result =
        Run("query observations", Retry::kAlways, [&](PgConnection& connection) {
          auto [page_result, count_result] =
              connection.ExecBinaryPair("query observations", page.statement, count);
          ObservationPage done{ReadPage(connection, page_result.get(), page, page_query.limit), 0};
          counted = count_merged ? MergedCount(connection, count_result.get())
                                 : BinaryInt64(count_result.get(), 0, 0);
          return done;
        });
    if ((page_merged || page.guarded) && result.rows.empty()) {
      // After a merged page the general one may still leave out the column; after a general
      // page whose guard failed, it carries it.
      result.rows = ReadAfterMiss(page_query, page_merged);
    }
    result.count = counted ? *counted : CountGeneral(count_query);
    return result;
  }

  // Rows of (series id and flag, ts, value, source) as sql::pg::kPageColumns selects them
  // (the source from page.sources when the statement leaves it out), named and in page order,
  // at most `limit` of them.
  std::vector<core::StoredObservation> ReadPage(PgConnection& connection, const PGresult* result,
                                                const PageRead& page, std::int64_t limit) {
    const bool source_column = !page.sources.Known();
    const BinaryColumns columns =
        source_column ? BinaryColumns(result, {8, 8, 8, 0}) : BinaryColumns(result, {8, 8, 8});
    const std::vector<int> order = page.time_order_only
                                       ? MergedPageOrder(columns, PQntuples(result), limit)
                                       : std::vector<int>{};
    const int count = order.empty() ? PQntuples(result) : static_cast<int>(order.size());
    std::vector<core::StoredObservation> rows;
    rows.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
      const int row = order.empty() ? i : order[static_cast<std::size_t>(i)];
      // series_id * 65536 + quality_flag + 32768, the flag any smallint.
      const std::int64_t series_and_flag = columns.Int64(row, 0);
      const int flag = static_cast<int>(series_and_flag & 0xFFFF) - 32768;
      // Built whole, not assigned into rows(count): value-initialising a vector of them
      // zero-fills every row first, a twentieth of the server's CPU for a page.
      rows.push_back({series_and_flag >> 16,
                      {{},
                       {},
                       PgMicrosToMs(columns.Int64(row, 1)),
                       columns.Double(row, 2),
                       ToQualityFlag(flag),
                       source_column ? std::string(TextView(result, row, 3))
                                     : page.sources.Of(series_and_flag >> 16)}});
    }
    if (!series_.FillNames(rows)) {
      series_.Load(connection.Exec("list series", q::kListSeries).get());
      if (!series_.FillNames(rows)) {
        throw std::runtime_error("postgresql: an observation names a series that does not exist");
      }
    }
    return rows;
  }

  // The row numbers of a merged page's rows in page order (ts, series id, source), the first
  // `limit` of them. Each instant's rows are ordered by series id, stably: rows of one series
  // arrive in their source order, which is PostgreSQL's collation's and must stay so (the
  // cursor condition compares sources in it). An instant holds a row per series and source, a
  // handful, so an insertion sort is the cheap one.
  static std::vector<int> MergedPageOrder(const BinaryColumns& columns, int count,
                                          std::int64_t limit) {
    const auto series = [&columns](int row) { return columns.Int64(row, 0) >> 16; };
    std::vector<int> order;
    order.reserve(static_cast<std::size_t>(count));
    std::size_t instant = 0;  // where the current instant's rows start in `order`
    for (int row = 0; row < count; ++row) {
      if (row > 0 && columns.Int64(row, 1) != columns.Int64(row - 1, 1)) {
        instant = order.size();
      }
      const auto place = std::upper_bound(
          order.begin() + static_cast<std::ptrdiff_t>(instant), order.end(), series(row),
          [&series](std::int64_t id, int other) { return id < series(other); });
      order.insert(place, row);
    }
    if (std::cmp_greater(order.size(), limit)) order.resize(static_cast<std::size_t>(limit));
    return order;
  }

  static PgResultPtr Execute(PgConnection& connection, std::string_view what,
                             const Statement& statement) {
    return statement.per_call
               ? connection.ExecBinaryPlannedPerCall(what, statement.sql_text.c_str(),
                                                     statement.params)
               : connection.ExecBinary(what, statement.sql_text.c_str(), statement.params);
  }

  // The general page query: every filter, planned once unless its best plan depends on the
  // values (see HasStablePlan). may_leave_out_source: a page over every series may read its
  // sources from the store's list (guarded); a source filter's page always leaves them out.
  PageRead PageStatement(const core::ObservationQuery& query, bool may_leave_out_source) const {
    const bool every_series = query.locations.empty() && !query.parameter;
    PageRead page;
    if (query.source || (may_leave_out_source && every_series)) {
      page.sources = SourcesOf(query, nullptr);
    }
    page.guarded = !page.sources.ids.empty();
    Statement& statement = page.statement;
    int next = 1;
    AppendPageColumns(page.sources, statement.sql_text);
    AppendNumbered(statement.sql_text, q::kPageFromWindow, next);
    statement.params = FilterParams(query, statement.sql_text, next);
    AppendAfter(query, statement.sql_text, statement.params, next);
    if (page.guarded) {
      AppendNumbered(statement.sql_text, q::kPageKeyGuardedLimit, next);
      AppendOneSourceGuard(page.sources, true, statement.sql_text, statement.params, next);
      AppendNumbered(statement.sql_text, q::kGuardedLimit, next);
    } else {
      AppendNumbered(statement.sql_text, q::kOrderByPageKeyLimit, next);
    }
    statement.params.Add(query.limit);
    statement.per_call = !HasStablePlan(query);
    return page;
  }

  // A page over the few (up to kMaxMergedSeries) series of a location and/or parameter filter,
  // by their ids: read in page order from observations_ts when they are a good part of all
  // series, else merged from one key range per series (see sql::pg::kMergedPageFrom). None
  // for other filters or more series; the statement returns nothing when the store's list of
  // series is short, so the caller then runs the general query.
  std::optional<PageRead> MergedPageStatement(const core::ObservationQuery& query) const {
    if (!IsFewSeries(query)) return std::nullopt;
    const std::vector<std::int64_t> ids = series_.Matching(query.locations, query.parameter);
    // Beyond kMaxMergedSeries the general query's hashed series filter beats = ANY's linear one.
    if (ids.empty() || ids.size() > kMaxMergedSeries) return std::nullopt;
    // Series of one parameter share a block (migration 0005): their mask is over ids. Over
    // several blocks it is over the ids' numbers, which are as distinct as the ids.
    const bool one_block = SeriesBlock(ids.front()) == SeriesBlock(ids.back());
    std::vector<std::int64_t> numbers;
    if (!one_block) {
      numbers.reserve(ids.size());
      for (const std::int64_t id : ids) numbers.push_back(SeriesNumber(id));
      std::sort(numbers.begin(), numbers.end());
    }
    const std::vector<std::int64_t>& masked = one_block ? ids : numbers;
    // A mask of ids spread far apart would be long: those series are merged instead. A
    // parameter at every location needs no mask.
    const bool dense =
        ids.size() * kDenseFraction >= series_.Size() &&
        (query.locations.empty() || masked.back() - masked.front() < kMaxDenseIdSpan);
    int next = 1;
    PageRead page{{}, !dense, true, SourcesOf(query, &ids)};
    std::string& sql_text = page.statement.sql_text;
    PgParams& params = page.statement.params;
    if (dense) {
      // Rows of these series are dense in time order: read observations_ts in page order and
      // skip the others' rows (see sql::pg::kFilterDenseIds).
      AppendPageColumns(page.sources, sql_text);
      AppendNumbered(sql_text, q::kPageFromWindow, next);
      params.Add(ClampToPg(query.start_ms)).Add(ClampToPg(query.end_ms));
      AppendNumbered(sql_text, q::kFilterSeriesRange, next);
      params.Add(ids.front()).Add(ids.back());
      // Every series of a parameter: the range holds only them (see kFilterSeriesRange).
      if (!query.locations.empty()) {
        AppendNumbered(sql_text, one_block ? q::kFilterDenseIds : q::kFilterDenseNumbers, next);
        params.Add(masked.front()).Add(masked.back()).Add(PgIdMask(masked)).Add(masked.front());
      }
      AppendSource(query.source, sql_text, params, next);
      AppendAfter(query, sql_text, params, next);
      AppendNumbered(sql_text, q::kDenseGuard, next);
      AppendGuardsAndOrder(query, page.sources, ids.size(), q::kGuardedLimit, sql_text, params,
                           next);
      return page;
    }
    AppendPageColumns(page.sources, sql_text);
    sql_text += q::kMergedPageFrom;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (i > 0) sql_text += q::kUnionAll;
      AppendNumbered(sql_text, q::kMergedPageBranch, next);
      params.Add(ids[i]).Add(ClampToPg(query.start_ms)).Add(ClampToPg(query.end_ms));
      AppendSource(query.source, sql_text, params, next);
      AppendAfter(query, sql_text, params, next);
      AppendNumbered(sql_text, q::kMergedPageBranchEnd, next);
      params.Add(query.limit);
    }
    AppendNumbered(sql_text, q::kMergedPageGuard, next);
    AppendGuardsAndOrder(query, page.sources, ids.size(), q::kGuardedFetch, sql_text, params, next);
    return page;
  }

  // The end of a few-series page, after kDenseGuard or kMergedPageGuard (which open its order
  // and guarded limit): the filter's conditions and the number of series the store listed,
  // the one-source guard if any, then `limit` (kGuardedLimit or kGuardedFetch), whose
  // parameter is the limit.
  static void AppendGuardsAndOrder(const core::ObservationQuery& query, const KnownSources& sources,
                                   std::size_t series, const char* limit, std::string& sql_text,
                                   PgParams& params, int& next) {
    AppendSeriesConditions(query, sql_text, params, next);
    AppendNumbered(sql_text, q::kSeriesGuardClose, next);
    params.Add(static_cast<std::int64_t>(series));
    AppendOneSourceGuard(sources, false, sql_text, params, next);
    AppendNumbered(sql_text, limit, next);
    params.Add(query.limit);
  }

  static void AppendSource(const std::optional<std::string>& source, std::string& sql_text,
                           PgParams& params, int& next) {
    if (!source) return;
    AppendNumbered(sql_text, q::kFilterSource, next);
    params.Add(*source);
  }

  // The keyset condition: rows after the cursor's (ts, series_id, source).
  static void AppendAfter(const core::ObservationQuery& query, std::string& sql_text,
                          PgParams& params, int& next) {
    if (!query.after) return;
    AppendNumbered(sql_text, q::kFilterAfter, next);
    params.Add(ClampToPg(query.after->timestamp_ms)).Add(query.after->id).Add(query.after->source);
  }

  // The location and parameter conditions on observation_series (a series filter or guard).
  static void AppendSeriesConditions(const core::ObservationQuery& query, std::string& sql_text,
                                     PgParams& params, int& next) {
    if (!query.locations.empty()) {
      AppendNumbered(sql_text, q::kSeriesLocations, next);
      params.Add(PgTextArray(query.locations));
    }
    if (query.parameter) {
      AppendNumbered(sql_text, q::kSeriesParameter, next);
      params.Add(*query.parameter);
    }
  }

  SeriesRows QuerySeries(const SeriesQuery& query) override {
    int next = 1;
    std::string sql_text;
    AppendNumbered(sql_text, q::kSelectSeries, next);
    if (query.source) AppendNumbered(sql_text, q::kFilterSource, next);
    AppendNumbered(sql_text, q::kOrderSeriesLimit, next);
    std::optional<SeriesIds::Series> series = series_.Find(query.location, query.parameter);
    return Run("query series", Retry::kAlways, [&](PgConnection& connection) {
      if (!series) {
        series_.Load(connection.Exec("list series", q::kListSeries).get());
        series = series_.Find(query.location, query.parameter);
        // Not committed anywhere: no row can belong to it.
        if (!series) return SeriesRows{};
      }
      if (!series->only_source.empty() && (!query.source || *query.source == series->only_source)) {
        // Every row has the one source: leave it out of the rows (a tenth of PostgreSQL's
        // work per row). The query checks only_source in its own snapshot and returns nothing
        // if it has become NULL since it was cached; nothing back falls through to the general
        // read below, which also covers a window with no rows.
        SeriesRows rows = QueryOneSourceSeries(connection, series->id, series->only_source, query);
        if (!rows.t.empty()) return rows;
      }
      PgParams params;
      params.Add(series->id).Add(ClampToPg(query.start_ms)).Add(ClampToPg(query.end_ms));
      if (query.source) params.Add(*query.source);
      params.Add(query.limit);
      PgResultPtr result = connection.ExecBinary("query series", sql_text.c_str(), params);
      const int count = PQntuples(result.get());
      const BinaryColumns columns(result.get(), {8, 8, 2, 0});
      SeriesRows rows;
      rows.t.resize(static_cast<std::size_t>(count));
      rows.v.resize(static_cast<std::size_t>(count));
      rows.q.resize(static_cast<std::size_t>(count));
      rows.s.reserve(static_cast<std::size_t>(count));
      for (int row = 0; row < count; ++row) {
        const auto i = static_cast<std::size_t>(row);
        rows.t[i] = PgMicrosToMs(columns.Int64(row, 0));
        rows.v[i] = columns.Double(row, 1);
        rows.q[i] = ToQualityFlag(columns.Int16(row, 2));
        AppendSeriesSource(rows, TextView(result.get(), row, 3));
      }
      return rows;
    });
  }

  static SeriesRows QueryOneSourceSeries(PgConnection& connection, std::int64_t series_id,
                                         const std::string& source, const SeriesQuery& query) {
    PgResultPtr result = connection.ExecBinary("query series", q::kSelectOneSourceSeries,
                                               PgParams()
                                                   .Add(series_id)
                                                   .Add(ClampToPg(query.start_ms))
                                                   .Add(ClampToPg(query.end_ms))
                                                   .Add(source)
                                                   .Add(query.limit));
    const int count = PQntuples(result.get());
    const BinaryColumns columns(result.get(), {8, 8, 2});
    SeriesRows rows;
    const auto size = static_cast<std::size_t>(count);
    rows.t.resize(size);
    rows.v.resize(size);
    rows.q.resize(size);
    rows.s.assign(size, 0);
    rows.sources.push_back(source);
    for (int row = 0; row < count; ++row) {
      const auto i = static_cast<std::size_t>(row);
      rows.t[i] = PgMicrosToMs(columns.Int64(row, 0));
      rows.v[i] = columns.Double(row, 1);
      rows.q[i] = ToQualityFlag(columns.Int16(row, 2));
    }
    return rows;
  }

  std::int64_t CountObservations(const core::ObservationQuery& query) override {
    if (std::optional<Statement> merged = MergedCountStatement(query)) {
      const std::optional<std::int64_t> count =
          Run("count observations", Retry::kAlways, [&](PgConnection& connection) {
            return MergedCount(connection,
                               Execute(connection, "count observations", *merged).get());
          });
      // No count: a series the store did not know yet (see MergedCount).
      if (count) return *count;
    }
    return CountGeneral(query);
  }

  std::int64_t CountGeneral(const core::ObservationQuery& query) {
    const Statement general = CountStatement(query);
    return Run("count observations", Retry::kAlways, [&](PgConnection& connection) {
      return BinaryInt64(Execute(connection, "count observations", general).get(), 0, 0);
    });
  }

  // The count over the few series of a location and/or parameter filter (see
  // sql::pg::kCountMergedOpen); none for other filters, and for every series or a parameter
  // at every location over whole days, which observation_day_totals answers.
  std::optional<Statement> MergedCountStatement(const core::ObservationQuery& query) const {
    const core::EpochMs start = ClampToPg(query.start_ms);
    const core::EpochMs end = ClampToPg(query.end_ms);
    const std::optional<DaySplit> split = SplitAtDays(start, end);
    if (!IsFewSeries(query) || FromTotals(query, split)) return std::nullopt;
    const std::vector<std::int64_t> ids = series_.Matching(query.locations, query.parameter);
    if (ids.empty() || ids.size() > kMaxMergedSeries) return std::nullopt;
    int next = 1;
    Statement statement;
    std::string& sql_text = statement.sql_text;
    PgParams& params = statement.params;
    const std::vector<EdgeRange> whole_window = {{start, end, EdgeRange::Shape::kClosed, false}};
    const std::vector<EdgeRange>& edges = split ? split->edges : whole_window;
    sql_text += q::kCountMergedOpen;
    sql_text += split ? "d.n" : "0";
    for (std::size_t i = 0; i < edges.size(); ++i) sql_text += fmt::format(" + e{}.c", i);
    AppendNumbered(sql_text, q::kCountMergedFrom, next);
    params.Add(PgInt8Array(ids));
    if (split) {
      AppendNumbered(sql_text, q::kCountMergedDays, next);
      params.Add(split->first_day).Add(split->end_day);
      AppendSource(query.source, sql_text, params, next);
      sql_text += ") d";
    }
    for (std::size_t i = 0; i < edges.size(); ++i) {
      sql_text += edges[i].subtract ? q::kCountMergedEdgeSubtract : q::kCountMergedEdgeAdd;
      AppendRange(edges[i], sql_text, params, next);
      AppendSource(query.source, sql_text, params, next);
      sql_text += fmt::format(") e{}", i);
    }
    AppendNumbered(sql_text, q::kCountMergedGuard, next);
    AppendSeriesConditions(query, sql_text, params, next);
    AppendNumbered(sql_text, q::kSeriesGuardClose, next);
    params.Add(static_cast<std::int64_t>(ids.size()));
    return statement;
  }

  // A merged count's result; none when its guard failed (a series the store has not seen),
  // after reading the series again so the next page and count are merged again (a page cannot
  // tell, when its guard fails, from an empty window; the count can).
  std::optional<std::int64_t> MergedCount(PgConnection& connection, const PGresult* result) {
    if (PQntuples(result) == 0) {
      series_.Load(connection.Exec("list series", q::kListSeries).get());
      return std::nullopt;
    }
    return BinaryInt64(result, 0, 0);
  }

  // Every series, or a parameter at every location, in any source, over a window holding
  // whole days: those days come from observation_day_totals, a few rows per day however many
  // series there are.
  static bool FromTotals(const core::ObservationQuery& query,
                         const std::optional<DaySplit>& split) {
    return split && query.locations.empty() && !query.source;
  }

  // The general count: whole days from the count tables and the partial days at the edges
  // from the rows, or, for a window without a whole day, the rows.
  Statement CountStatement(const core::ObservationQuery& query) const {
    const std::optional<DaySplit> split =
        SplitAtDays(ClampToPg(query.start_ms), ClampToPg(query.end_ms));
    // A parameter at every location: its edges read the parameter's block of ids in
    // observations_ts (migration 0005), which holds exactly its series, known to the store or
    // not, instead of probing each series' range (20 series: 130 -> 95 us of CPU per count,
    // one libpq client).
    std::optional<std::int64_t> block;
    if (FromTotals(query, split) && query.parameter) block = series_.BlockOf(*query.parameter);
    int next = 1;
    Statement statement;
    std::string& sql_text = statement.sql_text;
    PgParams& params = statement.params;
    if (split) {
      // The whole days, then each edge added or subtracted, all under the same filters.
      if (FromTotals(query, split)) {
        AppendNumbered(sql_text, q::kCountTotals, next);
        params.Add(split->first_day).Add(split->end_day);
        if (query.parameter) {
          AppendNumbered(sql_text, q::kTotalsParameter, next);
          params.Add(*query.parameter);
        }
      } else {
        AppendNumbered(sql_text, q::kCountDays, next);
        params.Add(split->first_day).Add(split->end_day);
        AppendFilters(query, sql_text, params, next);
      }
      for (const EdgeRange& edge : split->edges) {
        sql_text += edge.subtract ? q::kCountEdgeSubtract : q::kCountEdgeAdd;
        AppendRange(edge, sql_text, params, next);
        if (block) {
          AppendNumbered(sql_text, q::kFilterSeriesRange, next);
          params.Add(FirstIdOfBlock(*block)).Add(FirstIdOfBlock(*block + 1) - 1);
        } else {
          AppendFilters(query, sql_text, params, next);
        }
      }
      sql_text += ')';
    } else {
      AppendNumbered(sql_text, q::kCountObservations, next);
      params = FilterParams(query, sql_text, next);
    }
    // With whole days every part reads at most half a day of rows or a range of day counts,
    // which a generic plan does as well as any.
    statement.per_call = !split && !HasStablePlan(query);
    return statement;
  }

  static void AppendRange(const EdgeRange& range, std::string& sql_text, PgParams& params,
                          int& next) {
    switch (range.shape) {
      case EdgeRange::Shape::kHalfOpen:
        AppendNumbered(sql_text, q::kRangeHalfOpen, next);
        break;
      case EdgeRange::Shape::kClosed:
        AppendNumbered(sql_text, q::kRangeClosed, next);
        break;
      case EdgeRange::Shape::kOpen:
        AppendNumbered(sql_text, q::kRangeOpen, next);
        break;
    }
    params.Add(range.from).Add(range.to);
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
      PgResultPtr result =
          connection.ExecBinary("latest observations", q::kLatestObservations, params);
      // location_id, parameter, ts, value, quality_flag, source
      const BinaryColumns columns(result.get(), {0, 0, 8, 8, 2, 0});
      std::vector<core::Observation> rows(static_cast<std::size_t>(PQntuples(result.get())));
      for (int row = 0; row < PQntuples(result.get()); ++row) {
        core::Observation& observation = rows[static_cast<std::size_t>(row)];
        observation.location_id = TextView(result.get(), row, 0);
        observation.parameter = TextView(result.get(), row, 1);
        observation.timestamp_ms = PgMicrosToMs(columns.Int64(row, 2));
        observation.value = columns.Double(row, 3);
        observation.quality_flag = ToQualityFlag(columns.Int16(row, 4));
        observation.source = TextView(result.get(), row, 5);
      }
      return rows;
    });
  }

  std::int64_t DeleteObservationsBefore(core::EpochMs cutoff_ms) override {
    return Run("delete observations", Retry::kAlways, [&](PgConnection& connection) {
      PgTransaction transaction(connection);
      connection.Exec("lock counts", q::kLockCounts);
      PgResultPtr result = connection.Exec("delete observations", q::kDeleteObservationsBefore,
                                           PgParams().Add(ClampToPg(cutoff_ms)));
      const std::int64_t deleted = ParseInt(result.get(), 0, 0);
      connection.Exec("clear counts", q::kClearCounts);
      connection.Exec("recount", q::kRecount);
      connection.Exec("clear totals", q::kClearTotals);
      connection.Exec("recount totals", q::kRetotal);
      transaction.CommitWrite();
      return deleted;
    });
  }

  void RecordSourceRun(const SourceRun& run) override {
    // Not idempotent: a second insert would record the run twice, so no retry once COMMIT
    // has been sent.
    Run("record source run", Retry::kBeforeCommit, [&](PgConnection& connection) {
      PgTransaction transaction(connection);
      connection.Exec("record source run", q::kInsertSourceRun,
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
      PgTransaction transaction(connection, kBeginSnapshot);
      std::vector<SourceRun> latest =
          ReadSourceRuns(connection.Exec("source status", q::kLatestRunPerSource).get());
      std::vector<SourceRun> successes = ReadSourceRuns(
          connection.Exec("source status", q::kLatestRunPerSourceByOutcome, PgParams().Add(true))
              .get());
      std::vector<SourceRun> failures = ReadSourceRuns(
          connection.Exec("source status", q::kLatestRunPerSourceByOutcome, PgParams().Add(false))
              .get());
      PgResultPtr counts = connection.Exec("source status", q::kRowsPerSource);
      std::vector<std::pair<std::string, std::int64_t>> rows_per_source;
      rows_per_source.reserve(static_cast<std::size_t>(PQntuples(counts.get())));
      for (int row = 0; row < PQntuples(counts.get()); ++row) {
        rows_per_source.emplace_back(Text(counts.get(), row, 0), ParseInt(counts.get(), row, 1));
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
      PgTransaction transaction(connection);
      for (const SourceCell& cell : cells) {
        connection.Exec("upsert source cell", q::kUpsertSourceCell,
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

  std::string DataVersion() override {
    return Run("data version", Retry::kAlways, [](PgConnection& connection) {
      return Text(connection.Exec("data version", q::kDataVersion).get(), 0, 0);
    });
  }

  std::vector<SourceCell> ListSourceCells(std::string_view location_id) override {
    return Run("list source cells", Retry::kAlways, [location_id](PgConnection& connection) {
      PgResultPtr result =
          connection.Exec("list source cells", q::kListSourceCells, PgParams().Add(location_id));
      std::vector<SourceCell> cells;
      cells.reserve(static_cast<std::size_t>(PQntuples(result.get())));
      for (int row = 0; row < PQntuples(result.get()); ++row) {
        cells.push_back({Text(result.get(), row, 0), Text(result.get(), row, 1),
                         Text(result.get(), row, 2), ParseDouble(result.get(), row, 3),
                         ParseDouble(result.get(), row, 4)});
      }
      return cells;
    });
  }

 private:
  static void LockMigrations(PgConnection& connection) {
    connection.Exec("lock migrations", q::kLockMigrations,
                    PgParams().Add(static_cast<std::int64_t>(q::kMigrationLockKey)));
  }

  static int CurrentVersion(PgConnection& connection) {
    return static_cast<int>(
        ParseInt(connection.Exec("read schema version", q::kCurrentVersion).get(), 0, 0));
  }

  // A merged page reads one key range per series; beyond this many the general query (planned
  // for its values) is as good.
  static constexpr std::size_t kMaxMergedSeries = 64;
  // A filter matching at least 1 in kDenseFraction of all series reads observations_ts in page
  // order instead of merging ranges: at most about kDenseFraction x limit index entries. On the
  // benchmark load (pgbench, one client, 1,000 rows): 20 of 80 series 0.88 against 1.01 ms,
  // 16 of 80 1.01 against 1.02, 12 of 80 1.16 against 0.93 (it was 8: 12 read dense).
  static constexpr std::size_t kDenseFraction = 5;
  // The widest id range a dense page's mask covers (8 KiB of mask).
  static constexpr std::int64_t kMaxDenseIdSpan = 65536;

  // Filtered by location and/or parameter, but not to exactly one series.
  static bool IsFewSeries(const core::ObservationQuery& query) {
    return (!query.locations.empty() || query.parameter) &&
           !(query.locations.size() == 1 && query.parameter);
  }

  // Whether one cached plan suits every parameter value of this query's shape: every series
  // (an ordered scan of observations_ts) or exactly one (a range of observations_key). For the
  // other shapes the best plan depends on how selective the values are, and the generic plan
  // PostgreSQL switches to after five executions was measured at 12 ms against 2 ms for a page
  // of one location's four parameters (it scans the whole window in time order and filters).
  static bool HasStablePlan(const core::ObservationQuery& query) {
    const bool every_series = query.locations.empty() && !query.parameter;
    const bool one_series = query.locations.size() == 1 && query.parameter;
    return (every_series && !query.source) || one_series;
  }

  // Appends the optional filters in a fixed order and returns their parameters, after the
  // window bounds that every filtered statement starts with.
  static PgParams FilterParams(const core::ObservationQuery& query, std::string& sql_text,
                               int& next) {
    PgParams params;
    params.Add(ClampToPg(query.start_ms)).Add(ClampToPg(query.end_ms));
    AppendFilters(query, sql_text, params, next);
    return params;
  }

  // The location, parameter and source conditions of a query, in a fixed order.
  static void AppendFilters(const core::ObservationQuery& query, std::string& sql_text,
                            PgParams& params, int& next) {
    if (query.locations.size() == 1 && query.parameter) {
      AppendNumbered(sql_text, q::kFilterOneSeries, next);
      params.Add(query.locations.front()).Add(*query.parameter);
    } else if (!query.locations.empty() || query.parameter) {
      AppendNumbered(sql_text, q::kFilterSeriesIn, next);
      AppendSeriesConditions(query, sql_text, params, next);
      sql_text += ')';
    }
    AppendSource(query.source, sql_text, params, next);
  }

  // Runs `operation` on a pooled connection. A broken connection is replaced and the
  // operation retried once when `retry` allows; a second failure, or an unreachable server,
  // is core::UnavailableError.
  template <typename Fn>
  auto Run(std::string_view what, Retry retry, Fn&& operation)
      -> std::invoke_result_t<Fn&, PgConnection&> {
    Lease lease(pool_);
    for (int attempt = 1;; ++attempt) {
      try {
        if (!lease->Healthy()) lease.Reconnect();
        return operation(*lease);
      } catch (const ConnectionLost& e) {
        pool_.DropIdle();
        const bool may_retry = attempt == 1 && (retry == Retry::kAlways || !e.commit_sent());
        if (!may_retry) throw core::UnavailableError(e.what());
        spdlog::warn("postgresql: {} lost its connection ({}); reconnecting and retrying once",
                     what, e.what());
        lease.Reconnect();
      }
    }
  }

  PgPool pool_;
  SeriesIds series_;
};

}  // namespace

std::unique_ptr<Store> OpenPgStore(const std::string& url, int pool_size) {
  return std::make_unique<PgStore>(url, pool_size);
}

}  // namespace ocean::storage
