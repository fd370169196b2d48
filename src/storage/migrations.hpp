// Numbered SQL migrations, embedded at build time from db/migrations/<dialect>/NNNN_*.sql
// (see embed_migrations.cmake). Private to the storage module.
#pragma once

#include <span>
#include <string_view>

namespace ocean::storage {

struct EmbeddedMigration {
  int version;            // NNNN from the file name; contiguous from 1
  std::string_view name;  // the file name, for logs and errors
  std::string_view sql;   // may hold several statements
};

// Ordered by version.
std::span<const EmbeddedMigration> SqliteMigrations();
std::span<const EmbeddedMigration> PostgresMigrations();

}  // namespace ocean::storage
