// Helpers shared by the two Store implementations. Private to the storage module.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/types.hpp"
#include "storage/store.hpp"

namespace ocean::storage {

// How long a caller waits for a pooled connection before the store reports itself unavailable.
inline constexpr std::chrono::seconds kPoolAcquireTimeout{10};

// The time through core::SystemClock, for rows the store stamps itself (runs, migrations).
core::EpochMs NowMs();

// Builds ListSourceStatus from per-source aggregates, which each backend reads with its own SQL:
// the newest run, the newest successful run, the newest failed run, and the stored row count.
// Sources present in any input appear once, ordered by source_id.
std::vector<SourceStatus> MergeSourceStatus(
    std::vector<SourceRun> latest_runs, std::vector<SourceRun> latest_successes,
    std::vector<SourceRun> latest_failures,
    const std::vector<std::pair<std::string, std::int64_t>>& rows_per_source);

// Appends `source` as the next row's source index, adding it to rows.sources when new. Rows of
// a series mostly share one source, so the previous row's source is tried first.
void AppendSeriesSource(SeriesRows& rows, std::string_view source);

// A JSON array of strings, for SQLite's json_each().
std::string JsonStringArray(const std::vector<std::string>& values);

// A PostgreSQL text[] literal such as {"a","b\"c"}.
std::string PgTextArray(const std::vector<std::string>& values);

}  // namespace ocean::storage
