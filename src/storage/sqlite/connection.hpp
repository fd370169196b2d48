// RAII over the SQLite C API for the SQLite store: connections, cached statements and
// transactions. The one place where SQLite result codes become exceptions. Private to the
// storage module.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ocean::storage::sqlite {

struct DbDeleter {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbDeleter>;

struct StmtDeleter {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

// A busy or locked database (after busy_timeout) is a transient unavailability
// (core::UnavailableError); anything else aborts the operation (std::runtime_error).
[[noreturn]] void ThrowSqliteError(int rc, std::string_view what, std::string_view message);

inline constexpr char kMemoryPath[] = ":memory:";

class Connection {
 public:
  // A reader is query-only; the writer turns on WAL (persistent, so once is enough).
  Connection(const std::string& path, bool reader);

  sqlite3* get() const { return db_.get(); }
  // For the pool: a SQLite connection does not break the way a network connection does.
  bool Healthy() const { return true; }

  void Check(int rc, std::string_view what) const {
    if (rc != SQLITE_OK) ThrowSqliteError(rc, what, sqlite3_errmsg(db_.get()));
  }

  // For statements without parameters or results (pragmas, migrations, transaction control).
  void Exec(const char* sql_text);

  // Prepared once per connection and reused; statements are keyed by their text.
  sqlite3_stmt* Prepare(const std::string& sql_text);

 private:
  std::string QueryText(const char* sql_text);

  DbPtr db_;
  std::unordered_map<std::string, StmtPtr> statements_;
};

// One use of a cached statement: binds in order, steps, and resets on scope exit so the
// statement never keeps a read transaction open between calls.
class Statement {
 public:
  Statement(Connection& connection, const std::string& sql_text)
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
  // Several values in parameter order, as one Bind call each.
  template <typename First, typename Second, typename... Rest>
  Statement& Bind(const First& first, const Second& second, const Rest&... rest) {
    Bind(first);
    Bind(second);
    (Bind(rest), ...);
    return *this;
  }
  // Bytes as a BLOB (SQLITE_STATIC, as for text).
  Statement& BindBlob(std::string_view bytes) {
    connection_.Check(sqlite3_bind_blob(stmt_, ++bound_, bytes.data(),
                                        static_cast<int>(bytes.size()), SQLITE_STATIC),
                      "bind");
    return *this;
  }

  // True while a row is available.
  bool Step();
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
  // A BLOB column's bytes, valid until the next step or reset.
  std::string_view BlobView(int column) const {
    const void* bytes = sqlite3_column_blob(stmt_, column);
    if (bytes == nullptr) return {};
    return {static_cast<const char*>(bytes),
            static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
  }

 private:
  Connection& connection_;
  sqlite3_stmt* stmt_;
  int bound_ = 0;
};

// A write transaction (BEGIN IMMEDIATE); rolls back unless committed, so an exception anywhere
// in a write leaves nothing behind.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void Commit();

 private:
  Connection& connection_;
  bool committed_ = false;
};

// A read transaction, so several statements of one read see one snapshot; ended on scope exit.
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& connection);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Connection& connection_;
};

}  // namespace ocean::storage::sqlite
