// One libpq connection with its prepared statements, and the transaction guard over it.
// Private to the PostgreSQL store.
#pragma once

#include <libpq-fe.h>

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ocean::storage::pg {

struct PgConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;

struct PgResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

// The connection broke under an operation. Caught by Run (pool.hpp), which reconnects and
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

// A statement failed on a healthy connection; sqlstate tells a rejected write (bad data) from
// a fault.
class StatementError : public std::runtime_error {
 public:
  StatementError(const std::string& message, std::string sqlstate)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// Text-format parameters; a null entry is SQL NULL.
class PgParams {
 public:
  PgParams& Add(std::string value);
  PgParams& Add(std::string_view value) { return Add(std::string(value)); }
  PgParams& Add(const char* value) { return Add(std::string(value)); }
  PgParams& Add(std::int64_t value) { return Add(std::to_string(value)); }
  PgParams& Add(int value) { return Add(std::to_string(value)); }
  PgParams& Add(bool value) { return Add(std::string(value ? "true" : "false")); }
  PgParams& Add(double value);
  PgParams& AddNull();

  std::vector<const char*> Pointers() const;
  int size() const { return static_cast<int>(values_.size()); }

 private:
  std::vector<std::string> values_;
  std::vector<bool> nulls_;
};

// A statement with its parameters. Prepared once per connection and executed by name, unless
// `per_call`: then sent unnamed, so PostgreSQL plans it for these values on every call (for
// queries whose best plan depends on the values, where a cached generic plan is slow).
struct Statement {
  std::string sql_text;
  PgParams params;
  bool per_call = false;
};

class PgConnection {
 public:
  // Connects or throws core::UnavailableError.
  explicit PgConnection(const std::string& url);

  PGconn* get() const { return conn_.get(); }
  bool Healthy() const { return !broken_ && PQstatus(conn_.get()) == CONNECTION_OK; }
  void MarkBroken() { broken_ = true; }

  bool ingest_table_ready() const { return ingest_table_ready_; }
  void set_ingest_table_ready() { ingest_table_ready_ = true; }

  // Text results; `commit`: this is the COMMIT (see ConnectionLost::commit_sent).
  PgResultPtr Exec(std::string_view what, const char* sql_text, const PgParams& params = {},
                   bool commit = false);
  // Binary results: numbers and timestamps arrive as fixed-width big-endian fields.
  PgResultPtr ExecBinary(std::string_view what, const Statement& statement);

  // Two statements in one round trip (libpq's pipeline mode), binary results in order: a page
  // and its count are one wait for PostgreSQL instead of two. The connection is left out of
  // pipeline mode either way.
  std::array<PgResultPtr, 2> ExecBinaryPair(std::string_view what, const Statement& first,
                                            const Statement& second);

  // Several statements without parameters (migrations).
  void ExecScript(std::string_view what, const std::string& script);

  // COPY ... FROM STDIN with `data` already in the format the statement names.
  void CopyIn(std::string_view what, const char* sql_text, std::string_view data);

 private:
  // Heterogeneous lookup: finding a statement by its text allocates nothing.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  const std::string& Prepare(std::string_view what, const char* sql_text, int param_count);
  void Check(const PGresult* result, std::string_view what, bool commit);

  PgConnPtr conn_;
  bool broken_ = false;
  bool ingest_table_ready_ = false;
  // Statement text -> prepared statement name on this connection; dies with the connection,
  // so a reconnect starts with an empty one.
  std::unordered_map<std::string, std::string, TextHash, std::equal_to<>> prepared_;
};

// Rolls back unless committed, so a failed write leaves neither data nor an aborted
// transaction on the pooled connection.
class PgTransaction {
 public:
  explicit PgTransaction(PgConnection& connection, const char* begin = "BEGIN");
  ~PgTransaction();
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;

  void Commit();
  // For transactions that change stored data: bumps the data version (see migration 0003) as
  // the last statement, so the new version commits together with the change it announces.
  void CommitWrite();

 private:
  PgConnection& connection_;
  bool done_ = false;
};

// The shortest text that reads back as exactly `value`.
void AppendDouble(std::string& out, double value);

}  // namespace ocean::storage::pg
