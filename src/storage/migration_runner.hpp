// The one migration runner: numbered migrations, each in its own transaction, applied once even
// when several servers start together. Each store gives it a MigrationTarget over one of its
// connections. Private to the storage module.
#pragma once

#include <functional>
#include <span>
#include <string_view>

#include "storage/migrations.hpp"
#include "storage/store.hpp"

namespace ocean::storage {

// What a database gives the runner; every call uses the one connection the runner holds.
class MigrationTarget {
 public:
  virtual ~MigrationTarget() = default;

  // Runs `body` in one transaction that keeps other processes from migrating meanwhile
  // (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory transaction lock). Commits when `body`
  // returns, rolls back when it throws.
  virtual void InTransaction(const std::function<void()>& body) = 0;
  // Creates the table of applied versions when it is missing.
  virtual void CreateVersionTable() = 0;
  // The highest applied version; 0 for none.
  virtual int CurrentVersion() = 0;
  // Runs one migration's SQL (it may hold several statements) and records its version. A
  // failure names the migration.
  virtual void Apply(const EmbeddedMigration& migration) = 0;
};

// Applies every migration newer than the database, in version order. The version is re-read
// inside each migration's transaction, under the lock, so a migration another process applied
// meanwhile is skipped. Idempotent. Throws SchemaTooNewError when the database was migrated by a
// newer binary. `store_kind` ("sqlite", "postgresql") prefixes the log lines.
MigrationReport RunMigrations(std::string_view store_kind,
                              std::span<const EmbeddedMigration> migrations,
                              MigrationTarget& target);

}  // namespace ocean::storage
