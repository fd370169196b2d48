#include "storage/pg/migrate.hpp"

#include <string>

#include "storage/migration_runner.hpp"
#include "storage/migrations.hpp"
#include "storage/pg/codec.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/statements.hpp"

namespace ocean::storage::pg {
namespace {

// The migration runner's view of one PostgreSQL connection.
class PgMigrationTarget final : public MigrationTarget {
 public:
  explicit PgMigrationTarget(PgConnection& connection) : connection_(connection) {}

  // The advisory lock serialises servers starting together; it ends with the transaction.
  void InTransaction(const std::function<void()>& body) override {
    PgTransaction transaction(connection_);
    connection_.Exec("lock migrations", sql::kLockMigrations,
                     PgParams().Add(static_cast<std::int64_t>(sql::kMigrationLockKey)));
    body();
    transaction.Commit();
  }

  void CreateVersionTable() override {
    connection_.Exec("create schema_migrations", sql::kCreateMigrationsTable);
  }

  int CurrentVersion() override {
    return static_cast<int>(
        ParseInt(connection_.Exec("read schema version", sql::kCurrentVersion).get(), 0, 0));
  }

  void Apply(const EmbeddedMigration& migration) override {
    const std::string what = "migration " + std::string(migration.name);
    connection_.ExecScript(what, std::string(migration.sql));
    connection_.Exec(what, sql::kRecordMigration, PgParams().Add(migration.version));
  }

 private:
  PgConnection& connection_;
};

}  // namespace

MigrationReport Migrate(PgConnection& connection) {
  PgMigrationTarget target(connection);
  return RunMigrations("postgresql", PostgresMigrations(), target);
}

}  // namespace ocean::storage::pg
