// Copernicus Marine (CMEMS) ARCO reader (data-sources.md §2). Per run and server (a STAC
// catalogue root): catalog.stac.json -> the product's collection -> the dataset's items, newest
// usable version -> its geoChunked Zarr store (small lat/lon chunks, long time chunks: the cheap
// layout for a point time series) -> .zmetadata and the coordinate arrays. Per location: the
// nearest cell (or, on land, the nearest cell with data within ±2 cells) at the surface level,
// for the window's times, from chunks shared by all locations of the run. Times after the
// window's end (forecasts; the end is "now" at the latest) are never read.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/types.hpp"
#include "sources/source.hpp"

namespace ocean::sources {

// Servers are STAC catalogue roots; an empty list uses kDefaultCopernicusStacRoots.
// Dataset, variable, scale, offset and units come from each server entry. The window's end
// also serves as "now" when deciding which dataset versions are released or retired.
FetchResult FetchCopernicus(const SourceConfig& source, std::span<const core::Location> locations,
                            const FetchWindow& window, HttpClient& http);

// The catalogue roots the Copernicus Marine Toolbox 2.4 uses: its client configuration
// (clientsConfigV1.json) lists the "primary" catalogue on the waw4-1 bucket and the "secondary"
// on waw3-1, in that order. config/sources.json names the same two; these serve a source that
// names none.
inline constexpr std::string_view kDefaultCopernicusStacRoots[] = {
    "https://s3.waw4-1.cloudferro.com/mdl-metadata/metadata",
    "https://s3.waw3-1.cloudferro.com/mdl-metadata/metadata",
};

// --- Exposed for tests ---------------------------------------------------------------------

// The directory holding catalog.stac.json, from a configured server URL: trailing '/' and a
// trailing "catalog.stac.json" dropped; the bare metadata bucket ".../mdl-metadata" gets the
// "/metadata" it keeps the catalogue under.
std::string CopernicusStacRoot(std::string_view server_url);

// A STAC item id split the way the toolbox does: "{dataset}[_{YYYYMM}][--ext--{part}]".
// Version "default" when there is no YYYYMM tag, part "default" without "--ext--".
struct CopernicusItemId {
  std::string dataset;
  std::string version;
  std::string part;
};
CopernicusItemId ParseCopernicusItemId(std::string_view item_id);

// `href` resolved against the URL of the document that contains it (RFC 3986); nullopt when
// either does not parse.
std::optional<std::string> ResolveHref(std::string_view document_url, std::string_view href);

}  // namespace ocean::sources
