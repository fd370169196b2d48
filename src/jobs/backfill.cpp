#include "jobs/backfill.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/time.hpp"
#include "sources/erddap.hpp"
#include "sources/failover.hpp"
#include "sources/http_client.hpp"
#include "storage/store.hpp"

namespace ocean::jobs {
namespace {

constexpr std::string_view kRunning = "running";
constexpr std::string_view kDone = "done";
constexpr std::string_view kFailed = "failed";

constexpr std::string_view kOisstUrl = "https://coastwatch.pfeg.noaa.gov/erddap";
constexpr std::string_view kOisstDataset = "ncdcOisst21Agg_LonPM180";

std::int32_t FirstDayOfYear(int year) {
  return static_cast<std::int32_t>(core::DaysFromCivil(year, 1, 1));
}

std::int32_t LastDayOfYear(int year) {
  return static_cast<std::int32_t>(core::DaysFromCivil(year, 12, 31));
}

// "4380" -> "4,380".
std::string WithThousands(std::int64_t number) {
  std::string digits = std::to_string(number < 0 ? -number : number);
  for (auto at = static_cast<std::ptrdiff_t>(digits.size()) - 3; at > 0; at -= 3) {
    digits.insert(static_cast<std::size_t>(at), ",");
  }
  return number < 0 ? "-" + digits : digits;
}

std::int32_t DayOf(core::EpochMs time_ms) {
  const auto day =
      time_ms >= 0 ? time_ms / core::kMsPerDay : (time_ms - core::kMsPerDay + 1) / core::kMsPerDay;
  return static_cast<std::int32_t>(day);
}

// The stored progress of this (source, location, parameter), if any.
std::optional<storage::BackfillProgress> StoredProgress(storage::Store& store,
                                                        const LongRecordSource& source,
                                                        const core::Location& location) {
  for (auto& progress : store.ListBackfillProgress()) {
    if (progress.source_id == source.id && progress.location_id == location.id &&
        progress.parameter == source.parameter) {
      return progress;
    }
  }
  return std::nullopt;
}

// The dataset's axes and how its values become the parameter's unit, or why not.
sources::Parsed<sources::ErddapDataset> ReadDataset(const LongRecordSource& source,
                                                    sources::HttpClient& http) {
  sources::SourceConfig config;
  config.id = source.id;
  config.parameter = source.parameter;
  return sources::ReadErddapDataset(config, source.server, http);
}

// One year's days at the site, or why not (the message does not name the site; the caller
// does).
sources::Parsed<std::vector<storage::DailyValue>> FetchChunk(const LongRecordSource& source,
                                                             const sources::ErddapDataset& dataset,
                                                             const core::Location& location,
                                                             const RecordChunk& chunk, int cells,
                                                             sources::HttpClient& http) {
  using Result = sources::Parsed<std::vector<storage::DailyValue>>;
  const auto& server = source.server;
  const sources::FetchWindow window{
      static_cast<core::EpochMs>(chunk.first_day) * core::kMsPerDay,
      (static_cast<core::EpochMs>(chunk.last_day) + 1) * core::kMsPerDay - 1};
  auto query = sources::BuildGriddapQuery(dataset.info, server.variable, location, window, cells);
  if (!query.value) return Result::Fail(query.error);
  if (query.value->empty()) return Result::Ok({});  // the year is outside the time axis
  const auto response = http.Get(sources::GriddapDataUrl(server, *query.value));
  if (!response.ok()) {
    if (sources::ClassifyErddapError(response.status, response.body) ==
        sources::ErddapFailure::kNoData) {
      return Result::Ok({});
    }
    return Result::Fail(fmt::format("{}: {}", chunk.year, sources::DescribeFailure(response)));
  }
  auto cells_read = sources::ParseGriddapJson(response.body, server.variable);
  if (!cells_read.value) {
    return Result::Fail(fmt::format("{}: unreadable answer: {}", chunk.year, cells_read.error));
  }
  const auto nearest =
      sources::NearestCellPerTime(*cells_read.value, location.latitude, location.longitude);
  if (nearest.empty() && !cells_read.value->empty()) {
    return Result::Fail(fmt::format(
        "every cell within {} of ({}, {}) is land or missing in {} for {}: no daily record "
        "there",
        cells, location.latitude, location.longitude, server.dataset, chunk.year));
  }
  // A daily product has one time step per day; should a day hold two, the first is kept.
  std::map<std::int32_t, double> by_day;
  for (const auto& cell : nearest) {
    const std::int32_t day = DayOf(cell.time_ms);
    if (day < chunk.first_day || day > chunk.last_day) continue;
    const double value = dataset.to_parameter.Apply(*cell.value) * server.scale + server.offset;
    if (!std::isfinite(value)) continue;
    by_day.try_emplace(day, value);
  }
  std::vector<storage::DailyValue> days;
  days.reserve(by_day.size());
  for (const auto& [day, value] : by_day) days.push_back({day, value});
  return Result::Ok(std::move(days));
}

}  // namespace

std::string LongRecordSource::RecordSource() const { return "erddap:" + server.dataset; }

LongRecordSource OisstLongRecord(const sources::EnvLookup& env) {
  LongRecordSource source;
  source.id = std::string(kOisstId);
  source.parameter = "sst";
  source.label = "sst";
  source.server.url = std::string(kOisstUrl);
  source.server.dataset = std::string(kOisstDataset);
  source.server.variable = "sst";
  source.server.units = "degree_C";
  source.first_year = kOisstFirstYear;
  source.last_year = kOisstLastYear;
  if (env) {
    const std::string variable = sources::UrlOverrideVariable(source.id);
    if (const char* url = env(variable.c_str()); url != nullptr && *url != '\0') {
      source.server.url = url;
    }
  }
  return source;
}

std::optional<LongRecordSource> ChlorophyllLongRecord(
    std::span<const sources::SourceConfig> configured) {
  for (const auto& config : configured) {
    if (config.kind != sources::SourceKind::kErddapGriddap || config.parameter != "chlorophyll_a" ||
        config.servers.empty()) {
      continue;
    }
    LongRecordSource source;
    source.id = config.id;
    source.parameter = config.parameter;
    source.label = "chlorophyll";
    source.server = config.servers.front();
    source.first_year = kChlorophyllFirstYear;
    source.last_year = kChlorophyllLastYear;
    source.log10 = true;
    return source;
  }
  return std::nullopt;
}

std::vector<RecordChunk> PlanChunks(int first_year, int last_year, std::int32_t done_through_day) {
  std::vector<RecordChunk> chunks;
  for (int year = first_year; year <= last_year; ++year) {
    const RecordChunk chunk{year, FirstDayOfYear(year), LastDayOfYear(year)};
    if (chunk.last_day > done_through_day) chunks.push_back(chunk);
  }
  return chunks;
}

std::string FormatProgressLine(std::string_view location, std::string_view label, int first_year,
                               int last_year, int years_done, std::int64_t days) {
  const int years = last_year - first_year + 1;
  return fmt::format("{} {} {}\u2013{}: {}/{} years, {} days", location, label, first_year,
                     last_year, years_done, years, WithThousands(days));
}

void ProgressPrinter::Show(std::string_view line) {
  if (terminal_) {
    // Carriage return, the line, then erase what a longer previous line left.
    std::fprintf(out_, "\r%.*s\x1b[K", static_cast<int>(line.size()), line.data());
    open_line_ = true;
  } else {
    std::fprintf(out_, "%.*s\n", static_cast<int>(line.size()), line.data());
  }
  std::fflush(out_);
}

void ProgressPrinter::Finish() {
  if (!open_line_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
  open_line_ = false;
}

BackfillOutcome RunBackfill(const LongRecordSource& source, const core::Location& location,
                            sources::HttpClient& http, storage::Store& store,
                            const BackfillOptions& options, const ProgressCallback& progress) {
  BackfillOutcome outcome;
  storage::BackfillProgress record;
  record.source_id = source.id;
  record.location_id = location.id;
  record.parameter = source.parameter;
  record.first_day = FirstDayOfYear(source.first_year);
  record.last_day = LastDayOfYear(source.last_year);
  record.done_through_day = record.first_day - 1;

  // Resume only a download of the same range; another baseline starts again.
  const auto stored = options.refresh ? std::nullopt : StoredProgress(store, source, location);
  if (stored && stored->first_day == record.first_day && stored->last_day == record.last_day) {
    record.done_through_day =
        std::clamp(stored->done_through_day, record.first_day - 1, record.last_day);
  }
  const auto chunks = PlanChunks(source.first_year, source.last_year, record.done_through_day);
  const int years = source.last_year - source.first_year + 1;
  int years_done = years - static_cast<int>(chunks.size());
  outcome.days = record.done_through_day >= record.first_day
                     ? static_cast<std::int64_t>(store
                                                     .ReadDailyRecord(location.id, source.parameter,
                                                                      record.first_day,
                                                                      record.done_through_day)
                                                     .size())
                     : 0;
  const auto show = [&] {
    if (progress) {
      progress(FormatProgressLine(location.id, source.label, source.first_year, source.last_year,
                                  years_done, outcome.days));
    }
  };
  const auto fail = [&](const std::string& why) {
    outcome.error = fmt::format("{} {}: {}", location.id, source.label, why);
    record.state = std::string(kFailed);
    record.error = outcome.error;
    store.RecordBackfillProgress(record);
    return outcome;
  };
  if (chunks.empty()) {
    if (!stored || stored->state != kDone) {
      record.state = std::string(kDone);
      store.RecordBackfillProgress(record);
    }
    outcome.ok = true;
    return outcome;
  }

  outcome.fetched = true;
  record.state = std::string(kRunning);
  store.RecordBackfillProgress(record);
  show();
  const auto dataset = ReadDataset(source, http);
  if (!dataset.value) return fail(dataset.error);
  for (const auto& chunk : chunks) {
    const auto days = FetchChunk(source, *dataset.value, location, chunk, options.cells, http);
    if (!days.value) return fail(days.error);
    if (!days.value->empty()) {
      store.UpsertDailyRecord(location.id, source.parameter, source.RecordSource(), *days.value);
    }
    // A refetched year replaces its days: count what the store holds, not what was sent.
    outcome.days = static_cast<std::int64_t>(
        store.ReadDailyRecord(location.id, source.parameter, record.first_day, chunk.last_day)
            .size());
    record.done_through_day = chunk.last_day;
    ++outcome.chunks_fetched;
    ++years_done;
    if (years_done == years) record.state = std::string(kDone);
    store.RecordBackfillProgress(record);
    show();
  }
  outcome.ok = true;
  return outcome;
}

}  // namespace ocean::jobs
