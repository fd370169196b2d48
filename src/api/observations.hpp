// GET /api/observations/ and /api/observations/latest/: pure renderers of the stored rows.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/anomaly.hpp"
#include "api/heatwaves.hpp"
#include "core/types.hpp"

namespace ocean::api {

// A JSON page: {"count", "next" (the next page's URL, null on the last page), "results"}.
// An empty `next_url` is the last page.
std::string RenderObservationsJson(std::span<const core::StoredObservation> rows,
                                   std::int64_t count, std::string_view next_url);
// A CSV page: a header line, then one CRLF-terminated line per row.
std::string RenderObservationsCsv(std::span<const core::StoredObservation> rows);
// What latest adds to one observation, computed by the handler from the stored climatology.
struct LatestContext {
  // Set when (location, parameter) has a climatology; only its descriptor fields are read.
  std::optional<storage::StoredClimatology> climatology;
  PointAnomaly anomaly;               // read when climatology is set
  std::vector<HeatwaveEvent> events;  // sst: the detected events, for the ongoing one
};

// The latest observations: a JSON array of observations, each with "climatology", "anomaly"
// and "percentile" (null without a climatology) and, for sst, "heatwave" (null or the ongoing
// event). `context` is parallel to `latest`; missing entries mean no climatology.
std::string RenderLatest(std::span<const core::Observation> latest,
                         std::span<const LatestContext> context = {});

}  // namespace ocean::api
