// The writes behind the bearer key: POST /api/observations/ingest/ and /api/admin/cleanup/.
#pragma once

#include <cstdint>
#include <string>

#include "core/types.hpp"

namespace ocean::api {

// {"received", "inserted", "updated"}
std::string RenderIngestResult(const core::IngestResult& result);
// {"deleted", "retention_days", "cutoff"}: the cutoff is `now_ms` less the retention.
std::string RenderCleanupResult(std::int64_t deleted, int retention_days, core::EpochMs now_ms);

}  // namespace ocean::api
