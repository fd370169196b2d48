// GET /api/observations/ and /api/observations/latest/: pure renderers of the stored rows.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/types.hpp"

namespace ocean::api {

// A JSON page: {"count", "next" (the next page's URL, null on the last page), "results"}.
// An empty `next_url` is the last page.
std::string RenderObservationsJson(std::span<const core::StoredObservation> rows,
                                   std::int64_t count, std::string_view next_url);
// A CSV page: a header line, then one CRLF-terminated line per row.
std::string RenderObservationsCsv(std::span<const core::StoredObservation> rows);
// The latest observations: a JSON array of observations.
std::string RenderLatest(std::span<const core::Observation> latest);

}  // namespace ocean::api
