#include "jobs/cleanup.hpp"

#include "cache/invalidating_writer.hpp"
#include "core/time.hpp"
#include "storage/store.hpp"

namespace ocean::jobs {

std::int64_t RunCleanup(storage::Store& store, cache::Cache* cache, int retention_days,
                        core::EpochMs now_ms) {
  const core::EpochMs cutoff =
      now_ms - static_cast<core::EpochMs>(retention_days) * core::kMsPerDay;
  return cache::InvalidatingWriter(store, cache).DeleteObservationsBefore(cutoff);
}

}  // namespace ocean::jobs
