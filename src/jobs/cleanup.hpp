// Retention: deletes observations older than the retention window.
#pragma once

#include <cstdint>

#include "core/types.hpp"

namespace ocean::storage {
class Store;
}
namespace ocean::cache {
class Cache;
}

namespace ocean::jobs {

// Deletes rows with timestamp < now - retention_days and invalidates the cache when any
// were deleted. Returns how many rows were deleted.
std::int64_t RunCleanup(storage::Store& store, cache::Cache* cache, int retention_days,
                        core::EpochMs now_ms);

}  // namespace ocean::jobs
