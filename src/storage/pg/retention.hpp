// Deleting observations older than a cutoff, and recounting what remains. Private to the
// PostgreSQL store.
#pragma once

#include <cstdint>

#include "core/types.hpp"

namespace ocean::storage::pg {

class PgConnection;

// One transaction: the rows before the cutoff, the latest rows they were, and every per-day
// count rebuilt from the rows that remain. Returns how many rows it deleted.
std::int64_t DeleteBefore(PgConnection& connection, core::EpochMs cutoff_ms);

}  // namespace ocean::storage::pg
