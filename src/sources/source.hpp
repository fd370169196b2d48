// What every upstream source shares: its configuration (config/sources.json) and the result
// of one fetch.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/types.hpp"

namespace ocean::sources {

// A parse result: a value or a one-line reason.
template <typename T>
struct Parsed {
  std::optional<T> value;
  std::string error;

  static Parsed Ok(T v) { return {std::move(v), ""}; }
  static Parsed Fail(std::string why) { return {std::nullopt, std::move(why)}; }
};

class HttpClient;

enum class SourceKind { kErddapGriddap, kCopernicusArco, kNdbcRealtime };

// The spelling of each kind in config/sources.json ("erddap_griddap", "copernicus_arco",
// "ndbc_realtime").
std::string_view ToString(SourceKind kind);
std::optional<SourceKind> ParseSourceKind(std::string_view text);

// One upstream server of a source. Fallback servers often publish the same quantity under
// another dataset id or variable name (MUR SST on pfeg, the blended SST on coastwatch.noaa.gov),
// so each server names its own; the loader fills anything a server leaves out from the source.
struct ServerConfig {
  std::string url;       // base URL: "https://coastwatch.pfeg.noaa.gov/erddap"
  std::string dataset;   // ERDDAP datasetID / CMEMS dataset id on this server; NDBC: unused
  std::string variable;  // ERDDAP / CMEMS variable on this server; NDBC: unused
  double scale = 1.0;    // after any unit conversion: value * scale + offset
  double offset = 0.0;   //   (for quantities units cannot describe, e.g. a packed variable)
  // ERDDAP: the units the server's data is in when its dataset does not say; the dataset's
  // own units, else these, are converted to the parameter's (kelvin -> °C) or refused.
  std::string units;
};

// One upstream column feeding one catalogue parameter. NDBC files carry several quantities, so
// one source can feed several parameters (WTMP -> sst, WVHT -> wave_height).
struct VariableMapping {
  std::string column;     // NDBC column name (WTMP) or ERDDAP/CMEMS variable
  std::string parameter;  // catalogue id (sst, wave_height, ...)
  double scale = 1.0;
  double offset = 0.0;
};

// One entry of config/sources.json. A user adds an ERDDAP dataset by adding an entry.
struct SourceConfig {
  std::string id;  // [a-z0-9_-]{1,32}; also the `source` of its observations
  SourceKind kind = SourceKind::kErddapGriddap;
  std::string name;                   // for people: "NOAA MUR SST (JPL)"
  std::vector<ServerConfig> servers;  // primary first, then fallbacks (CMEMS: may be empty)
  // The primary's values (servers[0] after loading); kept for sources with a single server.
  std::string dataset;    // ERDDAP datasetID / CMEMS dataset id / (NDBC: unused)
  std::string variable;   // ERDDAP variable / CMEMS variable / (NDBC: see `variables`)
  std::string parameter;  // catalogue id it feeds (sst, chlorophyll_a, ...); NDBC: `variables`
  std::vector<VariableMapping> variables;  // NDBC columns; ERDDAP/CMEMS: {variable, parameter}
  std::string product;                     // CMEMS product id (for STAC discovery); else empty
  std::string schedule = "0 */6 * * *";    // cron, UTC
  int lookback_days = 7;  // recent days are revised upstream: re-fetch them every run
  double scale = 1.0;     // value * scale + offset after any unit conversion (see ServerConfig)
  double offset = 0.0;
  std::string attribution;  // text the source asks users to show
  std::string license;      // licence name or URL
  std::string doi;          // product DOI when the source has one
};

struct FetchWindow {
  core::EpochMs start_ms = 0;  // inclusive
  core::EpochMs end_ms = 0;    // inclusive; never later than now (no forecasts)
};

// One fetched value, with where it came from.
struct FetchedObservation {
  core::Observation observation;
  std::optional<double> cell_latitude;  // grid cell (or buoy position) actually used
  std::optional<double> cell_longitude;
};

struct FetchResult {
  std::vector<FetchedObservation> rows;  // values outside the valid range flagged kBad
  std::vector<std::string> errors;       // one line per failed location or request
  bool failed = false;      // the source as a whole failed (no server answered usefully)
  std::string server_used;  // base URL(s) that answered, comma-separated
  int locations = 0;        // locations attempted
  int failed_locations = 0;
};

// Fetches one source for the given locations and window. Never throws for upstream trouble:
// a failing location is an entry in `errors`, the others still produce rows.
FetchResult FetchSource(const SourceConfig& source, std::span<const core::Location> locations,
                        const FetchWindow& window, HttpClient& http);

// Flags a converted value against the parameter's gross range (QARTOD test 4): outside is
// kBad (kept, so implausible upstream values stay visible), inside is kNotEvaluated because
// none of our upstreams runs a QC test we could report as "good".
core::QualityFlag FlagForValue(std::string_view parameter, double value);

}  // namespace ocean::sources
