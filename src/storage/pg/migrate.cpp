#include "storage/pg/migrate.hpp"

#include <span>
#include <string>

#include <spdlog/spdlog.h>

#include "storage/migrations.hpp"
#include "storage/pg/codec.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/statements.hpp"

namespace ocean::storage::pg {
namespace {

void LockMigrations(PgConnection& connection) {
  connection.Exec("lock migrations", sql::kLockMigrations,
                  PgParams().Add(static_cast<std::int64_t>(sql::kMigrationLockKey)));
}

int CurrentVersion(PgConnection& connection) {
  return static_cast<int>(
      ParseInt(connection.Exec("read schema version", sql::kCurrentVersion).get(), 0, 0));
}

}  // namespace

MigrationReport Migrate(PgConnection& connection) {
  std::span<const EmbeddedMigration> migrations = PostgresMigrations();
  const int known = migrations.empty() ? 0 : migrations.back().version;
  MigrationReport report;
  {
    PgTransaction transaction(connection);
    LockMigrations(connection);
    connection.Exec("create schema_migrations", sql::kCreateMigrationsTable);
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
    connection.Exec(what, sql::kRecordMigration, PgParams().Add(migration.version));
    transaction.Commit();
    report.to_version = migration.version;
    spdlog::info("postgresql: applied migration {}", migration.name);
  }
  return report;
}

}  // namespace ocean::storage::pg
