// `oceandash climatology`: for each selected site and parameter, the missing years of its long
// daily record are fetched (a stopped download resumes), then its climatology is computed and
// stored. Progress goes to stderr (one line rewritten in place on a terminal); stdout gets one
// result line per site and parameter.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "app/science_commands.hpp"
#include "cache/cache.hpp"
#include "core/clock.hpp"
#include "core/locations.hpp"
#include "core/time.hpp"
#include "jobs/backfill.hpp"
#include "jobs/site_climatology.hpp"
#include "science/climatology.hpp"
#include "sources/http_client.hpp"
#include "sources/source_config.hpp"
#include "storage/store.hpp"

namespace ocean::app {
namespace {

// The long-record sources the command's --parameter values name, in the default order.
std::vector<jobs::LongRecordSource> SelectedSources(const config::Config& config) {
  std::vector<std::string> wanted = config.climatology_parameters;
  if (wanted.empty()) wanted = {"sst", "chlorophyll"};
  std::vector<jobs::LongRecordSource> selected;
  for (const auto& name : wanted) {
    if (name == "sst") {
      selected.push_back(jobs::OisstLongRecord(std::getenv));
    } else if (name == "chlorophyll") {
      if (config.sources_file.empty()) {
        throw std::runtime_error(
            "--parameter chlorophyll: config/sources.json not found; set --sources");
      }
      const auto configured = sources::LoadSourcesFile(config.sources_file);
      auto chlorophyll = jobs::ChlorophyllLongRecord(configured);
      if (!chlorophyll) {
        throw std::runtime_error(fmt::format(
            "--parameter chlorophyll: {} has no erddap_griddap source for chlorophyll_a",
            config.sources_file));
      }
      selected.push_back(std::move(*chlorophyll));
    }
  }
  return selected;
}

std::vector<core::Location> SelectedLocations(const config::Config& config) {
  auto locations = core::LoadLocationsFile(config.locations_file);
  if (config.climatology_location.empty()) return locations;
  for (auto& location : locations) {
    if (location.id == config.climatology_location) return {std::move(location)};
  }
  throw std::runtime_error(fmt::format("--location: no location \"{}\" in {}",
                                       config.climatology_location, config.locations_file));
}

void PrintLine(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace

int RunClimatologyCommand(const config::Config& config) {
  SetUpLogging(config);
  const auto selected = SelectedSources(config);
  const auto locations = SelectedLocations(config);
  auto store = OpenAndPrepareStore(config, 1);
  // Servers sharing the Redis cache must not serve anomalies from the previous climatology.
  std::unique_ptr<cache::Cache> cache;
  if (!config.redis_url.empty()) cache = cache::OpenCache(config.redis_url, {});
  sources::HttpClient http;
  core::SystemClock clock;
  jobs::ProgressPrinter printer(stderr, ::isatty(STDERR_FILENO) == 1);
  jobs::BackfillOptions options;
  options.refresh = config.climatology_refresh;

  bool all_ok = true;
  for (const auto& location : locations) {
    for (const auto& source : selected) {
      const auto outcome = jobs::RunBackfill(source, location, http, *store, options,
                                             [&](std::string_view line) { printer.Show(line); });
      printer.Finish();
      if (!outcome.ok) {
        all_ok = false;
        std::fprintf(stderr, "oceandash climatology: %s\n", outcome.error.c_str());
        continue;
      }
      // An unchanged record keeps its climatology unless asked to recompute.
      if (!outcome.fetched && !config.climatology_refresh &&
          store->GetClimatology(location.id, source.parameter)) {
        PrintLine(fmt::format("{} {}: climatology {}\u2013{} already stored ({} days)", location.id,
                              source.label, source.first_year, source.last_year, outcome.days));
        continue;
      }
      jobs::ClimatologyRequest request;
      request.location_id = location.id;
      request.parameter = source.parameter;
      request.source = source.RecordSource();
      request.first_year = source.first_year;
      request.last_year = source.last_year;
      request.log10 = source.log10;
      const auto record = store->ReadDailyRecord(
          location.id, source.parameter,
          static_cast<std::int32_t>(core::DaysFromCivil(source.first_year, 1, 1)),
          static_cast<std::int32_t>(core::DaysFromCivil(source.last_year, 12, 31)));
      try {
        store->PutClimatology(jobs::ComputeStoredClimatology(record, request, clock.Now()));
      } catch (const science::ClimatologyError& e) {
        all_ok = false;
        std::fprintf(stderr, "oceandash climatology: %s\n", e.what());
        continue;
      }
      if (cache) cache->InvalidateAll();
      PrintLine(fmt::format("{} {}: climatology {}\u2013{} stored from {} ({} days)", location.id,
                            source.label, source.first_year, source.last_year, request.source,
                            record.size()));
    }
  }
  return all_ok ? 0 : 1;
}

}  // namespace ocean::app
