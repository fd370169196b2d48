// The long daily record behind a site's climatology (issue 16, items 5 and 10): whole baseline
// years of one ERDDAP griddap dataset at the site's nearest ocean cell, fetched once and kept
// in the store's daily record. Downloads go one calendar year per request; each year is stored
// and its progress recorded before the next is asked for, so a stopped download resumes after
// the last stored day instead of starting again.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"
#include "sources/source.hpp"
#include "sources/source_config.hpp"

namespace ocean::storage {
class Store;
}
namespace ocean::sources {
class HttpClient;
}

namespace ocean::jobs {

// One dataset a long record comes from, and the baseline years it covers.
struct LongRecordSource {
  std::string id;         // progress key in /api/sources/ and OCEAN_SOURCE_<ID>_URL's <ID>
  std::string parameter;  // catalogue id stored with the record ("sst", "chlorophyll_a")
  std::string label;      // how progress lines and the command name it ("sst", "chlorophyll")
  sources::ServerConfig server;  // the one server asked: url, dataset, variable, units
  int first_year = 0;            // baseline, inclusive
  int last_year = 0;
  bool log10 = false;  // the climatology is computed in log10 space (chlorophyll)

  // The `source` stored with each day and the climatology: "erddap:<dataset>".
  std::string RecordSource() const;
};

// NOAA OISST v2.1 (AVHRR-only, 0.25°, daily since 1981-09) on NOAA ERD's ERDDAP, longitudes
// −180..180: the SST baseline of Hobday et al. (2016), 1991–2020. `env` reads
// OCEAN_SOURCE_OISST_URL, which replaces the base URL (tests point it at a fake upstream).
inline constexpr std::string_view kOisstId = "oisst";
inline constexpr int kOisstFirstYear = 1991;
inline constexpr int kOisstLastYear = 2020;
LongRecordSource OisstLongRecord(const sources::EnvLookup& env);

// The chlorophyll record comes from the configured chlorophyll_a ERDDAP source's primary
// server (NOAA CoastWatch S-NPP VIIRS daily, from 2012-01-02), never its fallback: an 8-day
// MODIS composite mixed into a daily record would bias the percentiles. Baseline 2012–2023,
// the complete years of that mission at the time of writing. nullopt when no ERDDAP source
// feeds chlorophyll_a.
inline constexpr int kChlorophyllFirstYear = 2012;
inline constexpr int kChlorophyllLastYear = 2023;
std::optional<LongRecordSource> ChlorophyllLongRecord(
    std::span<const sources::SourceConfig> configured);

// One request: a calendar year, days since 1970-01-01, inclusive.
struct RecordChunk {
  int year = 0;
  std::int32_t first_day = 0;
  std::int32_t last_day = 0;
};

// The years first_year..last_year whose last day is after done_through_day (a year stored in
// part is asked for whole: upserts make the overlap harmless).
std::vector<RecordChunk> PlanChunks(int first_year, int last_year, std::int32_t done_through_day);

// "monterey-bay sst 1991–2020: 12/30 years, 4,380 days".
std::string FormatProgressLine(std::string_view location, std::string_view label, int first_year,
                               int last_year, int years_done, std::int64_t days);

// Shows progress lines: on a terminal one line rewritten in place, otherwise one line each.
class ProgressPrinter {
 public:
  ProgressPrinter(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}
  ProgressPrinter(const ProgressPrinter&) = delete;
  ProgressPrinter& operator=(const ProgressPrinter&) = delete;
  ~ProgressPrinter() { Finish(); }

  void Show(std::string_view line);
  // Ends an in-place line so later output starts on its own line.
  void Finish();

 private:
  std::FILE* out_;
  bool terminal_;
  bool open_line_ = false;
};

struct BackfillOptions {
  bool refresh = false;  // ignore stored progress: fetch every year again
  // A box of ±cells grid cells around the site, of which each day takes the nearest cell with
  // a value (as the regular fetcher does). One cell each way is enough to step off a coastal
  // land cell and keeps 30 years at nine values a day.
  int cells = 1;
};

struct BackfillOutcome {
  bool ok = false;
  bool fetched = false;    // false: the record was already complete and nothing was asked
  int chunks_fetched = 0;  // requests answered in this run
  std::int64_t days = 0;   // days of the record stored when the run ended
  std::string error;       // when !ok: one line naming the site
};

using ProgressCallback = std::function<void(std::string_view line)>;

// Fetches the missing years of `source` at `location` into `store`, recording progress after
// each year (state "running", then "done" or "failed" with the error). Never throws for
// upstream trouble; storage errors propagate.
BackfillOutcome RunBackfill(const LongRecordSource& source, const core::Location& location,
                            sources::HttpClient& http, storage::Store& store,
                            const BackfillOptions& options, const ProgressCallback& progress);

}  // namespace ocean::jobs
