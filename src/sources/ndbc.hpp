// NDBC realtime2 standard meteorological files (data-sources.md §3.2):
// {base}/data/realtime2/{STATION}.txt, two '#' header lines (names, units), whitespace-separated
// columns, "MM" for missing, UTC, newest row first, the last 45 days.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"
#include "sources/erddap.hpp"
#include "sources/source.hpp"

namespace ocean::sources {

struct NdbcRow {
  core::EpochMs time_ms = 0;
  std::vector<std::optional<double>> values;  // one per requested column; nullopt for "MM"
};

struct NdbcTable {
  std::vector<NdbcRow> rows;
  std::size_t skipped_rows = 0;  // malformed data lines (wrong field count, bad number)
};

// Parses the file for the requested columns (in that order). Fails when the header is not the
// realtime2 layout (YY MM DD hh mm first) or lacks a requested column.
Parsed<NdbcTable> ParseNdbcRealtime(std::string_view text, std::span<const std::string> columns);

// "{base}/data/realtime2/{STATION}.txt" with the station id upper-cased.
std::string NdbcRealtimeUrl(std::string_view base_url, std::string_view station);

// Fetches an ndbc_realtime source for the locations that name an NDBC station.
FetchResult FetchNdbc(const SourceConfig& source, std::span<const core::Location> locations,
                      const FetchWindow& window, HttpClient& http);

}  // namespace ocean::sources
