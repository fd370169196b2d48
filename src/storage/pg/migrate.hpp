// Applying the embedded PostgreSQL migrations. Private to the PostgreSQL store.
#pragma once

#include "storage/store.hpp"

namespace ocean::storage::pg {

class PgConnection;

// The embedded migrations through the shared runner (storage/migration_runner.hpp), each in its
// own transaction under an advisory lock. Throws SchemaTooNewError for a newer schema.
MigrationReport Migrate(PgConnection& connection);

}  // namespace ocean::storage::pg
