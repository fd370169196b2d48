#include "storage/migration_runner.hpp"

#include <spdlog/spdlog.h>

#include <string>

namespace ocean::storage {

MigrationReport RunMigrations(std::string_view store_kind,
                              std::span<const EmbeddedMigration> migrations,
                              MigrationTarget& target) {
  const int known = migrations.empty() ? 0 : migrations.back().version;
  MigrationReport report;
  target.InTransaction([&] {
    target.CreateVersionTable();
    report.from_version = target.CurrentVersion();
  });
  if (report.from_version > known) {
    throw SchemaTooNewError("database schema version " + std::to_string(report.from_version) +
                            " is newer than this binary knows (" + std::to_string(known) +
                            "); upgrade oceandash");
  }
  report.to_version = report.from_version;
  for (const EmbeddedMigration& migration : migrations) {
    if (migration.version <= report.to_version) continue;
    bool applied = false;
    target.InTransaction([&] {
      if (target.CurrentVersion() >= migration.version) return;
      target.Apply(migration);
      applied = true;
    });
    report.to_version = migration.version;
    if (applied) spdlog::info("{}: applied migration {}", store_kind, migration.name);
  }
  return report;
}

}  // namespace ocean::storage
