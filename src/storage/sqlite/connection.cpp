#include "storage/sqlite/connection.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "core/api_error.hpp"

namespace ocean::storage::sqlite {
namespace {

constexpr int kBusyTimeoutMs = 5000;

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
constexpr char kRollback[] = "ROLLBACK";

struct FreeDeleter {
  void operator()(char* text) const { sqlite3_free(text); }
};
using ErrorText = std::unique_ptr<char, FreeDeleter>;

// For destructors, which must not throw: logs a failure instead.
void ExecOrLog(Connection& connection, const char* sql_text, std::string_view what) {
  char* raw_error = nullptr;
  const int rc = sqlite3_exec(connection.get(), sql_text, nullptr, nullptr, &raw_error);
  const ErrorText error(raw_error);
  if (rc != SQLITE_OK) {
    spdlog::error("sqlite: {} failed: {}", what, error ? error.get() : sqlite3_errstr(rc));
  }
}

}  // namespace

void ThrowSqliteError(int rc, std::string_view what, std::string_view message) {
  std::string text = "sqlite: " + std::string(what) + ": " + std::string(message);
  const int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    throw core::UnavailableError(text);
  }
  // A constraint (a foreign key naming an unknown location) rejects the data, not the database.
  if (primary == SQLITE_CONSTRAINT) {
    throw core::ApiError(core::ErrorCode::kValidation, "storage: write rejected: " + text);
  }
  throw std::runtime_error(text);
}

Connection::Connection(const std::string& path, bool reader) {
  sqlite3* raw = nullptr;
  // NOMUTEX: each connection is used by one thread at a time (the pool guarantees it).
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  db_.reset(raw);  // sqlite3_open_v2 may allocate a handle even when it fails
  if (rc != SQLITE_OK) {
    const std::string message = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    ThrowSqliteError(rc, "cannot open " + path, message);
  }
  Check(sqlite3_extended_result_codes(db_.get(), 1), "enable extended result codes");
  Check(sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs), "set busy timeout");
  Exec(kConnectionPragmas);
  if (reader) {
    Exec(kQueryOnly);
    return;
  }
  const std::string mode = QueryText(kEnableWal);
  if (mode != "wal" && path != kMemoryPath) {
    throw std::runtime_error("sqlite: cannot enable WAL journal mode on " + path + " (got \"" +
                             mode + "\")");
  }
}

void Connection::Exec(const char* sql_text) {
  char* raw_error = nullptr;
  const int rc = sqlite3_exec(db_.get(), sql_text, nullptr, nullptr, &raw_error);
  const ErrorText error(raw_error);
  if (rc != SQLITE_OK) ThrowSqliteError(rc, "exec", error ? error.get() : sqlite3_errstr(rc));
}

sqlite3_stmt* Connection::Prepare(const std::string& sql_text) {
  const auto found = statements_.find(sql_text);
  if (found != statements_.end()) return found->second.get();
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db_.get(), sql_text.c_str(), static_cast<int>(sql_text.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) ThrowSqliteError(rc, "prepare", sqlite3_errmsg(db_.get()));
  return statements_.emplace(sql_text, std::move(stmt)).first->second.get();
}

std::string Connection::QueryText(const char* sql_text) {
  Statement statement(*this, sql_text);
  return statement.Step() ? statement.Text(0) : std::string();
}

bool Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  ThrowSqliteError(rc, "step", sqlite3_errmsg(connection_.get()));
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.Exec(kBeginImmediate);
}

Transaction::~Transaction() {
  if (!committed_) ExecOrLog(connection_, kRollback, "rollback");
}

void Transaction::Commit() {
  connection_.Exec(kCommit);
  committed_ = true;
}

ReadTransaction::ReadTransaction(Connection& connection) : connection_(connection) {
  connection_.Exec(kBeginRead);
}

ReadTransaction::~ReadTransaction() { ExecOrLog(connection_, kCommit, "ending read transaction"); }

}  // namespace ocean::storage::sqlite
