// Applying the embedded PostgreSQL migrations. Private to the PostgreSQL store.
#pragma once

#include "storage/store.hpp"

namespace ocean::storage::pg {

class PgConnection;

// Each pending migration in its own transaction, under an advisory lock so servers starting
// together apply each once. Throws SchemaTooNewError for a schema newer than this binary.
MigrationReport Migrate(PgConnection& connection);

}  // namespace ocean::storage::pg
