// ERDDAP griddap client (data-sources.md §1). Per run and server: the dataset's axes from
// {base}/info/{dataset}/index.json; per location: a small box of cells around the point for the
// whole window as .json, from which each time step takes the nearest cell that has data (so a
// coastal site on a land cell gets the neighbouring ocean value). Pure parsing and query
// building are exposed for tests.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"
#include "sources/erddap_axes.hpp"
#include "sources/source.hpp"
#include "sources/units.hpp"

namespace ocean::sources {

struct ErddapDatasetInfo {
  std::vector<std::string> dimensions;  // the variable's dimension order, e.g. time, altitude,
                                        // latitude, longitude
  std::vector<ErddapAxis> axes;         // same order
  std::string units;                    // the variable's units attribute ("" when absent)
  LongitudeConvention longitude_convention = LongitudeConvention::kPlusMinus180;

  const ErddapAxis* Axis(std::string_view name) const;
  bool LongitudeIs0To360() const { return longitude_convention == LongitudeConvention::k0To360; }
};

// Parses info/{dataset}/index.json for `variable`; refuses a longitude axis in neither
// convention.
Parsed<ErddapDatasetInfo> ParseErddapInfo(std::string_view body, std::string_view variable);

// How one server's values become the source's parameter's unit: from the units its own dataset
// reports (`dataset_units`, or the server's configured `units` when the dataset gives none),
// with spellings normalised and kelvin converted to °C. Refused, naming the source, dataset and
// unit, when the units cannot be converted, differ from the server's configured `units`, or
// need a conversion while the server also sets scale or offset (they would convert twice).
Parsed<UnitConversion> ErddapUnitConversion(const SourceConfig& source, const ServerConfig& server,
                                            std::string_view dataset_units);

// The griddap query (after '?', percent-encoded) for `variable` over the window in a box of
// ±`cells` grid cells around the location: brackets in the dataset's dimension order, times
// clamped to the time axis, latitude and longitude clamped to their axes in storage order,
// longitude wrapped into the dataset's convention, extra axes (altitude, depth) at their first
// index. An empty query when the window misses the
// time axis altogether (nothing to ask); an error when the location is off the grid.
Parsed<std::string> BuildGriddapQuery(const ErddapDatasetInfo& info, std::string_view variable,
                                      const core::Location& location, const FetchWindow& window,
                                      int cells = 2);

// One row of a griddap .json answer; `value` is nullopt for ERDDAP's null (missing, never 0).
struct GridCell {
  core::EpochMs time_ms = 0;
  double latitude = 0.0;
  double longitude = 0.0;
  std::optional<double> value;
};

// Parses {"table":{"columnNames","columnTypes","columnUnits","rows"}} for `variable`.
Parsed<std::vector<GridCell>> ParseGriddapJson(std::string_view body, std::string_view variable);

// Per time step, the cell nearest to (latitude, longitude) that has a value; time steps with no
// value at all are left out. Longitudes are compared modulo 360; the returned cell longitude is
// in [-180, 180] (an edge-described axis's -180.01875 is reported as 179.98125).
std::vector<GridCell> NearestCellPerTime(std::span<const GridCell> cells, double latitude,
                                         double longitude);

// How an ERDDAP answer that is not a 200 is to be read.
enum class ErddapFailure {
  kNoData,         // 404 "Your query produced no matching results": an empty answer
  kServerFailure,  // unknown datasetID, 5xx, 429, 401/403, no answer: try the next server
  kRequestFailure  // anything else (400 query error, ...): this location failed
};
ErddapFailure ClassifyErddapError(long status, std::string_view body);

// A dataset's axes, and how its variable's values become the source's parameter unit.
struct ErddapDataset {
  ErddapDatasetInfo info;
  UnitConversion to_parameter;
};

// Reads {server.url}/info/{server.dataset}/index.json and the server's unit conversion for
// `source`'s parameter (ErddapUnitConversion); a failure names the dataset.
Parsed<ErddapDataset> ReadErddapDataset(const SourceConfig& source, const ServerConfig& server,
                                        HttpClient& http);

// {server.url}/griddap/{server.dataset}.json?{query}: the URL of a BuildGriddapQuery answer.
std::string GriddapDataUrl(const ServerConfig& server, std::string_view query);

// Fetches an erddap_griddap source.
FetchResult FetchErddap(const SourceConfig& source, std::span<const core::Location> locations,
                        const FetchWindow& window, HttpClient& http);

// Percent-encodes a griddap query: everything but unreserved characters and "():," ('+' must be
// %2B: ERDDAP decodes '+' as a space).
std::string EncodeGriddapQuery(std::string_view query);

}  // namespace ocean::sources
