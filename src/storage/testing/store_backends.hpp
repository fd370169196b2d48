// Test support for the tests that run one suite against both stores: each backend gives every
// test a fresh, empty database (SQLite: a temporary file; PostgreSQL: a schema of its own in
// OCEAN_TEST_PG_URL, started by scripts/services.sh). Header-only; tests only.
#pragma once

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "storage/migrations.hpp"
#include "storage/store.hpp"

namespace ocean::storage::testing {

inline constexpr char kPgUrlEnv[] = "OCEAN_TEST_PG_URL";
inline constexpr char kAllowNoPgEnv[] = "OCEAN_TEST_ALLOW_NO_PG";
inline constexpr char kNoPgMessage[] =
    "OCEAN_TEST_PG_URL is not set, so the PostgreSQL half of the storage tests cannot run. "
    "Start the test services with `scripts/services.sh start` and "
    "`source /tmp/oceandash-services/services.env`, or set OCEAN_TEST_ALLOW_NO_PG=1 to skip them.";

// The variable's value, or nullptr when it is unset or empty.
inline const char* Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

// True when a backend that cannot run may be skipped instead of failing the test.
inline bool MaySkipUnavailableBackend() {
  const char* allow = Env(kAllowNoPgEnv);
  return allow != nullptr && std::string(allow) == "1";
}

// Unique across the processes and tests of one run: names of files and schemas.
inline std::string UniqueSuffix() {
  static std::atomic<int> counter{0};
  std::random_device random;
  return std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(random() % 1000000);
}

struct PgConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct PgResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;
struct SqliteDbDeleter {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

// A direct libpq session for test setup and plan checks, outside the store under test.
class PgAdmin {
 public:
  explicit PgAdmin(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
      throw std::runtime_error(std::string("test: cannot connect to PostgreSQL: ") +
                               PQerrorMessage(conn_.get()));
    }
  }
  // A nullopt parameter is SQL NULL.
  PgResultPtr Exec(const std::string& sql_text,
                   const std::vector<std::optional<std::string>>& params = {}) {
    std::vector<const char*> values;
    for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
    PgResultPtr result(PQexecParams(conn_.get(), sql_text.c_str(), static_cast<int>(values.size()),
                                    nullptr, values.data(), nullptr, nullptr, 0));
    ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      throw std::runtime_error("test: " + sql_text + ": " + PQerrorMessage(conn_.get()));
    }
    return result;
  }
  // Several statements in one string, no parameters (the simple query protocol).
  void ExecScript(const std::string& sql_text) {
    PgResultPtr result(PQexec(conn_.get(), sql_text.c_str()));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK &&
        PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
      throw std::runtime_error("test: script: " + std::string(PQerrorMessage(conn_.get())));
    }
  }

 private:
  std::unique_ptr<PGconn, PgConnDeleter> conn_;
};

class SqliteBackend {
 public:
  static constexpr bool kIsPostgres = false;
  static constexpr const char* kName = "Sqlite";

  // Returns an empty string when ready, else why the backend is unavailable.
  std::string SetUp() {
    dir_ = std::filesystem::temp_directory_path() / ("oceandash_store_test_" + UniqueSuffix());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "ocean.db").string();
    return {};
  }
  void TearDown() {
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }
  std::string url() const { return "sqlite:" + path_; }
  int KnownVersion() const { return SqliteMigrations().back().version; }

  void ExecRaw(const std::string& sql_text) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open(path_.c_str(), &raw);
    std::unique_ptr<sqlite3, SqliteDbDeleter> db(raw);
    ASSERT_EQ(rc, SQLITE_OK);
    sqlite3_busy_timeout(db.get(), 5000);
    char* error = nullptr;
    rc = sqlite3_exec(db.get(), sql_text.c_str(), nullptr, nullptr, &error);
    std::string message = error ? error : "";
    sqlite3_free(error);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }

  const std::string& path() const { return path_; }

 private:
  std::filesystem::path dir_;
  std::string path_;
};

class PgBackend {
 public:
  static constexpr bool kIsPostgres = true;
  static constexpr const char* kName = "Postgres";

  std::string SetUp() {
    const char* base = Env(kPgUrlEnv);
    if (base == nullptr) return kNoPgMessage;
    base_url_ = base;
    schema_ = "oceandash_test_" + UniqueSuffix();
    admin_ = std::make_unique<PgAdmin>(base_url_);
    admin_->Exec("CREATE SCHEMA " + schema_);
    admin_->Exec("SET search_path TO " + schema_);
    return {};
  }
  void TearDown() {
    // A fresh session: a test may have restarted the server under the old one.
    admin_ = std::make_unique<PgAdmin>(base_url_);
    admin_->Exec("SET client_min_messages TO warning");
    admin_->Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }
  // The schema goes into the URL as a session option, so every pooled connection uses it.
  std::string url() const {
    return base_url_ + (base_url_.find('?') == std::string::npos ? "?" : "&") +
           "options=-csearch_path%3D" + schema_;
  }
  int KnownVersion() const { return PostgresMigrations().back().version; }
  void ExecRaw(const std::string& sql_text) { admin_->Exec(sql_text); }
  PgAdmin& admin() { return *admin_; }

 private:
  std::string base_url_;
  std::string schema_;
  std::unique_ptr<PgAdmin> admin_;
};

// For TYPED_TEST_SUITE(Suite, Backends, BackendNames): Suite/Sqlite.Test, Suite/Postgres.Test.
using Backends = ::testing::Types<SqliteBackend, PgBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

// A typed test's backend: SetUp starts it, skipping or failing the test when it cannot run;
// a derived SetUp calls this one first and returns unless ready_.
template <typename Backend>
class BackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string problem = backend_.SetUp();
    if (!problem.empty()) {
      if (MaySkipUnavailableBackend()) GTEST_SKIP() << problem;
      FAIL() << problem;
    }
    ready_ = true;
  }
  void TearDown() override {
    if (ready_) backend_.TearDown();
  }

  Backend backend_;
  bool ready_ = false;
};

// A typed test with a migrated store (`readers` reader connections) on its backend, closed
// before the backend is dropped; a derived SetUp calls this one first and returns unless ready_.
template <typename Backend, int readers = 2>
class StoreBackendTest : public BackendTest<Backend> {
 protected:
  void SetUp() override {
    BackendTest<Backend>::SetUp();
    if (!this->ready_) return;
    store_ = OpenStore(this->backend_.url(), readers);
    store_->Migrate();
  }
  void TearDown() override {
    store_.reset();
    BackendTest<Backend>::TearDown();
  }

  std::unique_ptr<Store> store_;
};

}  // namespace ocean::storage::testing
