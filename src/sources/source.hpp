// What every upstream source shares: its configuration (config/sources.json) and the result
// of one fetch.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/types.hpp"

namespace ocean::sources {

class HttpClient;

enum class SourceKind { kErddapGriddap, kCopernicusArco, kNdbcRealtime };

// One entry of config/sources.json. A user adds an ERDDAP dataset by adding an entry.
struct SourceConfig {
  std::string id;            // [a-z0-9_-]{1,32}; also the `source` of its observations
  SourceKind kind = SourceKind::kErddapGriddap;
  std::string name;          // for people: "NOAA MUR SST (JPL)"
  std::vector<std::string> servers;  // base URLs, primary first, then fallbacks
  std::string dataset;       // ERDDAP datasetID / CMEMS dataset id / (NDBC: unused)
  std::string variable;      // ERDDAP variable / CMEMS variable / NDBC column (WTMP, WVHT)
  std::string parameter;     // catalogue id it feeds (sst, chlorophyll_a, ...)
  std::string product;       // CMEMS product id (for STAC discovery); empty otherwise
  std::string schedule = "0 */6 * * *";  // cron, UTC
  int lookback_days = 7;     // recent days are revised upstream: re-fetch them every run
  double scale = 1.0;        // value * scale + offset converts to the parameter's unit
  double offset = 0.0;       //   (e.g. kelvin -> °C: offset -273.15)
  std::string attribution;   // text the source asks users to show
  std::string license;       // licence name or URL
  std::string doi;           // product DOI when the source has one
};

struct FetchWindow {
  core::EpochMs start_ms = 0;  // inclusive
  core::EpochMs end_ms = 0;    // inclusive; never later than now (no forecasts)
};

// One fetched value, with where it came from.
struct FetchedObservation {
  core::Observation observation;
  std::optional<double> cell_latitude;   // grid cell (or buoy position) actually used
  std::optional<double> cell_longitude;
};

struct FetchResult {
  std::vector<FetchedObservation> rows;  // values outside the valid range flagged kBad
  std::vector<std::string> errors;       // one line per failed location or request
  bool failed = false;  // the source as a whole failed (no server answered usefully)
  std::string server_used;  // base URL that answered
};

// Fetches one source for the given locations and window. Never throws for upstream trouble:
// a failing location is an entry in `errors`, the others still produce rows.
FetchResult FetchSource(const SourceConfig& source, std::span<const core::Location> locations,
                        const FetchWindow& window, HttpClient& http);

}  // namespace ocean::sources
