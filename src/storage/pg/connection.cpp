#include "storage/pg/connection.hpp"

#include <charconv>
#include <iterator>

#include <spdlog/spdlog.h>

#include "core/api_error.hpp"
#include "storage/pg/statements.hpp"

namespace ocean::storage::pg {
namespace {

// Connection defaults; the URL may override any of them (it is expanded after these).
// connect_timeout makes a dead server an UnavailableError within seconds; keepalives let a
// silently vanished peer surface as a broken connection instead of a hang.
constexpr const char* kDefaultKeywords[] = {"connect_timeout",     "application_name",
                                            "client_encoding",     "keepalives_idle",
                                            "keepalives_interval", "keepalives_count"};
constexpr const char* kDefaultValues[] = {"3", "oceandash", "UTF8", "30", "10", "3"};

constexpr int kTextResults = 0;
constexpr int kBinaryResults = 1;

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

}  // namespace

void AppendDouble(std::string& out, double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

PgParams& PgParams::Add(std::string value) {
  values_.push_back(std::move(value));
  nulls_.push_back(false);
  return *this;
}

PgParams& PgParams::Add(double value) {
  std::string text;
  AppendDouble(text, value);
  return Add(std::move(text));
}

PgParams& PgParams::AddNull() {
  values_.emplace_back();
  nulls_.push_back(true);
  return *this;
}

std::vector<const char*> PgParams::Pointers() const {
  std::vector<const char*> pointers;
  pointers.reserve(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i) {
    pointers.push_back(nulls_[i] ? nullptr : values_[i].c_str());
  }
  return pointers;
}

PgConnection::PgConnection(const std::string& url) {
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
    Exec("session setup", sql::kSessionSetup);
  } catch (const std::runtime_error& e) {
    throw core::UnavailableError(e.what());
  }
}

PgResultPtr PgConnection::Exec(std::string_view what, const char* sql_text, const PgParams& params,
                               bool commit) {
  const std::string& name = Prepare(what, sql_text, params.size());
  std::vector<const char*> values = params.Pointers();
  PgResultPtr result(PQexecPrepared(conn_.get(), name.c_str(), params.size(), values.data(),
                                    nullptr, nullptr, kTextResults));
  Check(result.get(), what, commit);
  return result;
}

PgResultPtr PgConnection::ExecBinary(std::string_view what, const Statement& statement) {
  std::vector<const char*> values = statement.params.Pointers();
  const int count = statement.params.size();
  PgResultPtr result(statement.per_call
                         ? PQexecParams(conn_.get(), statement.sql_text.c_str(), count, nullptr,
                                        values.data(), nullptr, nullptr, kBinaryResults)
                         : PQexecPrepared(conn_.get(),
                                          Prepare(what, statement.sql_text.c_str(), count).c_str(),
                                          count, values.data(), nullptr, nullptr, kBinaryResults));
  Check(result.get(), what, false);
  return result;
}

std::array<PgResultPtr, 2> PgConnection::ExecBinaryPair(std::string_view what,
                                                        const Statement& first,
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
    sent = names[i] == nullptr
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
    throw ConnectionLost("postgresql: " + std::string(what) + ": " + OneLine(PQerrorMessage(conn)),
                         false);
  }
  // The first failure names the cause; a statement after it only reports being skipped.
  for (const auto& result : results) Check(result.get(), what, false);
  return results;
}

void PgConnection::ExecScript(std::string_view what, const std::string& script) {
  PgResultPtr result(PQexec(conn_.get(), script.c_str()));
  Check(result.get(), what, false);
}

void PgConnection::CopyIn(std::string_view what, const char* sql_text, std::string_view data) {
  PgResultPtr start(PQexec(conn_.get(), sql_text));
  if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN) {
    Check(start.get(), what, false);
    throw StatementError("postgresql: " + std::string(what) + ": server did not enter COPY", "");
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

// Parameter types are left to the server to infer from the text (every statement casts where
// needed).
const std::string& PgConnection::Prepare(std::string_view what, const char* sql_text,
                                         int param_count) {
  auto found = prepared_.find(std::string_view(sql_text));
  if (found != prepared_.end()) return found->second;
  std::string name = "s" + std::to_string(prepared_.size() + 1);
  PgResultPtr result(PQprepare(conn_.get(), name.c_str(), sql_text, param_count, nullptr));
  Check(result.get(), what, false);
  return prepared_.emplace(sql_text, std::move(name)).first->second;
}

void PgConnection::Check(const PGresult* result, std::string_view what, bool commit) {
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
  const char* sqlstate_field = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = sqlstate_field ? sqlstate_field : "";
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
  if (!sqlstate.empty()) text += " [SQLSTATE " + sqlstate + "]";
  throw StatementError(text, std::move(sqlstate));
}

PgTransaction::PgTransaction(PgConnection& connection, const char* begin)
    : connection_(connection) {
  connection_.Exec("begin", begin);
}

PgTransaction::~PgTransaction() {
  if (done_ || !connection_.Healthy()) return;
  PgResultPtr result(PQexec(connection_.get(), sql::kRollback));
  if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    spdlog::warn("postgresql: rollback failed: {}", OneLine(PQerrorMessage(connection_.get())));
    connection_.MarkBroken();
  }
}

void PgTransaction::Commit() {
  done_ = true;  // even if COMMIT fails, the server has ended the transaction
  connection_.Exec("commit", sql::kCommit, {}, /*commit=*/true);
}

void PgTransaction::CommitWrite() {
  connection_.Exec("bump data version", sql::kBumpDataVersion);
  Commit();
}

}  // namespace ocean::storage::pg
