// GET /api/sources/: the configured upstream sources and what each has done lately.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/types.hpp"
#include "storage/store.hpp"

namespace ocean::api {

struct SourceDescription;

// Configured sources first, in the file's order, then any other source that has written
// observations (manual ingests, a retired source with rows left) or has a long-record download
// (`oceandash climatology`: OISST). Each carries its downloads' progress as "backfill" (an
// empty array when none). `next_run` may be empty.
std::string RenderSources(
    std::span<const SourceDescription> sources, std::span<const storage::SourceStatus> statuses,
    const std::function<std::optional<core::EpochMs>(std::string_view)>& next_run,
    std::span<const storage::BackfillProgress> backfill = {});

}  // namespace ocean::api
