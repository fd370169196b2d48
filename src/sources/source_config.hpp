// The sources file (config/sources.json): a JSON array of source entries, see SourceConfig.
//
//   {"id": "noaa", "kind": "erddap_griddap", "name": "...", "parameter": "sst",
//    "servers": [{"url": "https://coastwatch.pfeg.noaa.gov/erddap",
//                 "dataset": "jplMURSST41", "variable": "analysed_sst"},
//                {"url": "https://coastwatch.noaa.gov/erddap",
//                 "dataset": "noaacwBLENDEDsstDNDaily", "variable": "analysed_sst"}],
//    "schedule": "0 */6 * * *", "lookback_days": 7, "attribution": "...", "license": "...",
//    "doi": "..."}
//   {"id": "ndbc", "kind": "ndbc_realtime", "servers": [{"url": "https://www.ndbc.noaa.gov"}],
//    "variables": [{"column": "WTMP", "parameter": "sst"},
//                  {"column": "WVHT", "parameter": "wave_height"}], ...}
//
// A server's dataset, variable, scale, offset and units default to the entry's own.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sources/source.hpp"

namespace ocean::sources {

// Parses and validates the file's text. Throws std::runtime_error naming the file, the entry
// and the field, e.g. "config/sources.json: entry 1 (\"noaa\"): servers[0].url: must start
// with http:// or https://".
std::vector<SourceConfig> ParseSources(std::string_view text, std::string_view file_name);

// How the process environment is read (injected by tests).
using EnvLookup = std::function<const char*(const char*)>;

// "noaa" -> "OCEAN_SOURCE_NOAA_URL"; '-' becomes '_'.
std::string UrlOverrideVariable(std::string_view source_id);

// For each source whose OCEAN_SOURCE_<ID>_URL is set, the servers become that one base URL,
// keeping the primary's dataset and variable (tests point a source at a fake upstream).
std::vector<SourceConfig> WithUrlOverrides(std::vector<SourceConfig> sources, const EnvLookup& env);

// Reads, parses and applies the environment's URL overrides.
std::vector<SourceConfig> LoadSourcesFile(const std::string& path);

// The sources named on the command line, in the file's order; "all" selects every one.
// Throws std::runtime_error naming an unknown id and listing the known ones.
std::vector<SourceConfig> SelectSources(std::span<const SourceConfig> sources,
                                        std::span<const std::string> ids);

}  // namespace ocean::sources
