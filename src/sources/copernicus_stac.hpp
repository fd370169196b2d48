// The Copernicus Marine STAC catalogue (data-sources.md §2.2): from a catalogue root to the
// geoChunked Zarr store of the dataset version the Copernicus Marine Toolbox would choose.
// Internal to the Copernicus reader (copernicus.cpp reads the store).
#pragma once

#include <string>
#include <string_view>

#include "core/types.hpp"
#include "sources/http_client.hpp"
#include "sources/source.hpp"

namespace ocean::sources {

// `url` with the query tag the toolbox adds to every request, so Copernicus can count usage.
std::string WithCopernicusMonitoringQuery(const std::string& url);

// Upstream trouble worth trying another server for, as opposed to an answer we cannot use.
bool IsCopernicusServerFailure(const HttpResponse& response);

// Walks catalog -> product -> dataset items under `root` and returns the store URL of the
// preferred version (released before unreleased, never retired before retiring, newest label);
// versions retired before `now_ms` or in preparation are skipped.
Parsed<std::string> DiscoverCopernicusStore(HttpClient& http, const std::string& root,
                                            std::string_view product, std::string_view dataset,
                                            core::EpochMs now_ms);

}  // namespace ocean::sources
