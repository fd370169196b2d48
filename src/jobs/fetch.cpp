#include "jobs/fetch.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <exception>
#include <map>
#include <stdexcept>
#include <tuple>

#include "cache/invalidating_writer.hpp"
#include "core/observation_json.hpp"
#include "core/time.hpp"
#include "core/validation.hpp"
#include "sources/failover.hpp"
#include "sources/http_client.hpp"
#include "storage/store.hpp"

namespace ocean::jobs {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxRecordedErrorBytes = 4000;
constexpr std::string_view kAuthorizationPrefix = "Authorization: Bearer ";
constexpr std::string_view kJsonContentType = "Content-Type: application/json";

std::vector<core::Observation> Observations(std::span<const sources::FetchedObservation> rows) {
  std::vector<core::Observation> observations;
  observations.reserve(rows.size());
  for (const auto& row : rows) observations.push_back(row.observation);
  return observations;
}

// One cell per (source, location, parameter): that of its latest row that has one.
std::vector<storage::SourceCell> LatestCells(std::span<const sources::FetchedObservation> rows) {
  using Key = std::tuple<std::string_view, std::string_view, std::string_view>;
  std::map<Key, const sources::FetchedObservation*> latest;
  for (const auto& row : rows) {
    if (!row.cell_latitude || !row.cell_longitude) continue;
    const auto& o = row.observation;
    auto [it, inserted] = latest.try_emplace(Key{o.source, o.location_id, o.parameter}, &row);
    if (!inserted && it->second->observation.timestamp_ms <= o.timestamp_ms) it->second = &row;
  }
  std::vector<storage::SourceCell> cells;
  cells.reserve(latest.size());
  for (const auto& [key, row] : latest) {
    const auto& o = row->observation;
    cells.push_back(
        {o.source, o.location_id, o.parameter, *row->cell_latitude, *row->cell_longitude});
  }
  return cells;
}

// The writes go through cache::InvalidatingWriter, which drops the cache when they change
// what the API serves.
class StoreSink final : public ObservationSink {
 public:
  StoreSink(storage::Store& store, cache::Cache* cache, const storage::FlagReview* review)
      : writes_(store, cache, review) {}

  core::IngestResult Write(std::span<const sources::FetchedObservation> rows) override {
    if (rows.empty()) return {};
    return writes_.WriteFetched(Observations(rows), LatestCells(rows));
  }
  void RecordRun(const storage::SourceRun& run) override { writes_.RecordSourceRun(run); }

 private:
  cache::InvalidatingWriter writes_;
};

class IngestSink final : public ObservationSink {
 public:
  IngestSink(std::string url, std::string api_key, sources::HttpClient& http,
             std::size_t batch_rows)
      : url_(std::move(url)),
        api_key_(std::move(api_key)),
        http_(http),
        batch_rows_(std::max<std::size_t>(1, batch_rows)) {}

  core::IngestResult Write(std::span<const sources::FetchedObservation> rows) override {
    core::IngestResult total;
    const auto observations = Observations(rows);
    const std::vector<std::string> headers = {std::string(kAuthorizationPrefix) + api_key_,
                                              std::string(kJsonContentType)};
    for (std::size_t start = 0; start < observations.size(); start += batch_rows_) {
      const auto batch = std::span(observations)
                             .subspan(start, std::min(batch_rows_, observations.size() - start));
      const auto response = http_.Post(url_, core::ObservationsJson(batch), headers);
      if (!response.ok()) {
        throw std::runtime_error(fmt::format("ingest {} (rows {}-{}): {}", url_, start,
                                             start + batch.size() - 1,
                                             sources::DescribeFailure(response)));
      }
      json::error_code ec;
      const auto answer = json::parse(response.body, ec);
      if (!ec && answer.is_object()) {
        const auto& object = answer.get_object();
        const auto number = [&](std::string_view key) -> std::int64_t {
          const auto* value = object.if_contains(key);
          return value != nullptr && value->is_int64() ? value->get_int64() : 0;
        };
        total.received += number("received");
        total.inserted += number("inserted");
        total.updated += number("updated");
      }
    }
    return total;
  }
  void RecordRun(const storage::SourceRun&) override {}

 private:
  std::string url_;
  std::string api_key_;  // secret: never logged
  sources::HttpClient& http_;
  std::size_t batch_rows_;
};

class DryRunSink final : public ObservationSink {
 public:
  explicit DryRunSink(PrintLine print) : print_(std::move(print)) {}

  core::IngestResult Write(std::span<const sources::FetchedObservation> rows) override {
    for (const auto& row : rows) {
      const auto& o = row.observation;
      print_(fmt::format("{},{},{},{},{},{},{},{}", o.source, o.location_id, o.parameter,
                         core::FormatTimestamp(o.timestamp_ms), o.value,
                         core::ToString(o.quality_flag),
                         row.cell_latitude ? fmt::format("{}", *row.cell_latitude) : "",
                         row.cell_longitude ? fmt::format("{}", *row.cell_longitude) : ""));
    }
    return {static_cast<std::int64_t>(rows.size()), 0, 0};
  }
  void RecordRun(const storage::SourceRun&) override {}

 private:
  PrintLine print_;
};

std::string JoinErrors(const std::vector<std::string>& errors) {
  std::string text;
  for (const auto& error : errors) {
    if (!text.empty()) text += "; ";
    text += error;
  }
  if (text.size() > kMaxRecordedErrorBytes) {
    text.resize(kMaxRecordedErrorBytes);
    text += "...";
  }
  return text;
}

// Rows repeating a key (location, parameter, timestamp, source) keep the last one: the store
// requires unique keys within one batch.
std::vector<sources::FetchedObservation> UniqueRows(std::vector<sources::FetchedObservation> rows) {
  std::vector<core::Observation> keys = Observations(rows);
  core::DeduplicateByKey(keys);
  if (keys.size() == rows.size()) return rows;
  // Rare (a source listing one time twice): keep, for each kept key, its last fetched row.
  std::vector<sources::FetchedObservation> unique;
  unique.reserve(keys.size());
  for (const auto& key : keys) {
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
      const auto& o = it->observation;
      if (o.location_id == key.location_id && o.parameter == key.parameter &&
          o.timestamp_ms == key.timestamp_ms && o.source == key.source) {
        unique.push_back(*it);
        break;
      }
    }
  }
  return unique;
}

}  // namespace

std::unique_ptr<ObservationSink> MakeStoreSink(storage::Store& store, cache::Cache* cache,
                                               const storage::FlagReview* review) {
  return std::make_unique<StoreSink>(store, cache, review);
}

std::unique_ptr<ObservationSink> MakeIngestSink(std::string url, std::string api_key,
                                                sources::HttpClient& http, std::size_t batch_rows) {
  return std::make_unique<IngestSink>(std::move(url), std::move(api_key), http, batch_rows);
}

std::unique_ptr<ObservationSink> MakeDryRunSink(PrintLine print) {
  return std::make_unique<DryRunSink>(std::move(print));
}

std::string SourceSummary::Line() const {
  if (failed) return fmt::format("{}: FAILED: {}", source_id, error);
  std::string line =
      fmt::format("{}: {} rows ({} locations, {} failed) from {} in {:.1f} s", source_id, rows,
                  locations, failed_locations, server.empty() ? "no server" : server, seconds);
  if (!error.empty()) line += fmt::format("; errors: {}", error);
  return line;
}

bool FetchRunSummary::AllOk() const {
  return std::all_of(sources.begin(), sources.end(), [](const auto& s) { return s.ok; });
}

FetchRunSummary RunFetch(std::span<const sources::SourceConfig> sources,
                         std::span<const core::Location> locations, sources::HttpClient& http,
                         ObservationSink& sink, const FetchOptions& options,
                         const PrintLine& print) {
  FetchRunSummary run_summary;
  const auto run_started = std::chrono::steady_clock::now();
  const auto wall_ms = [&](std::chrono::steady_clock::time_point at) {
    return options.now_ms +
           std::chrono::duration_cast<std::chrono::milliseconds>(at - run_started).count();
  };
  for (const auto& source : sources) {
    const auto started = std::chrono::steady_clock::now();
    const int days = options.days.value_or(source.lookback_days);
    const sources::FetchWindow window{options.now_ms - days * core::kMsPerDay, options.now_ms};

    SourceSummary summary;
    summary.source_id = source.id;
    sources::FetchResult result;
    try {
      result = sources::FetchSource(source, locations, window, http);
    } catch (const std::exception& e) {
      // Fetchers report upstream trouble as values; this is a bug or resource exhaustion, and
      // still must not stop the other sources.
      result.failed = true;
      result.errors.push_back(fmt::format("unexpected: {}", e.what()));
    }
    summary.locations = result.locations;
    summary.failed_locations = result.failed_locations;
    summary.server = result.server_used;
    summary.failed = result.failed;
    auto rows = UniqueRows(std::move(result.rows));
    summary.rows = static_cast<std::int64_t>(rows.size());
    std::vector<std::string> errors = std::move(result.errors);
    // A partial answer is stored; the failures are recorded beside it.
    if (!rows.empty()) {
      try {
        sink.Write(rows);
      } catch (const std::exception& e) {
        errors.push_back(fmt::format("writing {} rows: {}", rows.size(), e.what()));
        summary.failed = true;
      }
    }
    summary.ok = !summary.failed && errors.empty();
    summary.error = JoinErrors(errors);
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    storage::SourceRun record;
    record.source_id = source.id;
    record.started_ms = wall_ms(started);
    record.finished_ms = wall_ms(std::chrono::steady_clock::now());
    record.rows = summary.failed ? 0 : summary.rows;
    record.ok = summary.ok;
    record.error = summary.error;
    try {
      sink.RecordRun(record);
    } catch (const std::exception& e) {
      spdlog::error("{}: could not record the run: {}", source.id, e.what());
      summary.ok = false;
    }
    print(summary.Line());
    run_summary.sources.push_back(std::move(summary));
  }
  return run_summary;
}

}  // namespace ocean::jobs
