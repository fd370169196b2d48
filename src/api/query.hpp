// Query-string parsing for the read endpoints. Pure functions: unit-tested without sockets.
// Every problem becomes ApiError(kValidation) with one detail per bad parameter.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/types.hpp"
#include "core/validation.hpp"

namespace ocean::api {

using QueryPairs = std::vector<std::pair<std::string, std::string>>;

inline constexpr core::EpochMs kDefaultWindowMs = 30 * 86'400'000LL;
inline constexpr std::int64_t kDefaultLimit = 1000;
inline constexpr std::int64_t kMaxLimit = 10000;
inline constexpr std::int64_t kDefaultMaxPoints = 1000;
inline constexpr std::int64_t kMaxMaxPoints = 10000;

struct ObservationsParams {
  core::ObservationQuery query;  // `after` unused: the cursor below says where a page starts
  std::string cursor;            // as the client sent it; empty: the first page
  bool csv = false;              // format=csv
};

struct SeriesParams {
  std::string location;
  std::string parameter;
  std::optional<std::string> source;
  core::EpochMs start_ms = 0;
  core::EpochMs end_ms = 0;
  std::size_t max_points = kDefaultMaxPoints;
  bool anomaly = false;  // anomaly=true: each point placed against the stored climatology
};

// `now_ms` resolves the default window (the last 30 days up to now).
ObservationsParams ParseObservationsQuery(const QueryPairs& query, core::EpochMs now_ms,
                                          const core::LocationExists& location_exists);
SeriesParams ParseSeriesQuery(const QueryPairs& query, core::EpochMs now_ms,
                              const core::LocationExists& location_exists);
// For /api/heatwaves/: one known location (404 when unknown, after every other check) and
// the parameter, which defaults to and must be sst.
struct HeatwavesParams {
  std::string location;
  std::string parameter = "sst";
};
HeatwavesParams ParseHeatwavesQuery(const QueryPairs& query,
                                    const core::LocationExists& location_exists);
// For /api/observations/latest/: the `location` filter (repeatable or comma list).
std::vector<std::string> ParseLatestQuery(const QueryPairs& query,
                                          const core::LocationExists& location_exists);

// The query string of the next page: the same filters, the window pinned to the resolved
// start and end (so later pages do not drift with the clock), and the cursor.
std::string NextPageQuery(const ObservationsParams& params, const std::string& cursor);

// Percent-encodes a query component (RFC 3986 unreserved characters pass through).
std::string EncodeQueryComponent(std::string_view text);

}  // namespace ocean::api
