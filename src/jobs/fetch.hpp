// The fetch job: runs the configured upstream sources for the configured locations and writes
// what they return, one source at a time. One failing location or source never stops the others;
// every run is recorded (storage::Store::RecordSourceRun) and summarised in one line per source:
//   noaa: 84 rows (12 locations, 0 failed) from https://coastwatch.pfeg.noaa.gov/erddap in 2.3 s
//   noaa: FAILED: 12 locations: every server failed: https://... / https://...
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"
#include "sources/source.hpp"

namespace ocean::storage {
class Store;
class FlagReview;
struct SourceRun;
}  // namespace ocean::storage
namespace ocean::cache {
class Cache;
}
namespace ocean::sources {
class HttpClient;
}

namespace ocean::jobs {

using PrintLine = std::function<void(std::string_view line)>;

// Where a run's rows go: the database, a running server's ingest endpoint, or nowhere (dry run).
class ObservationSink {
 public:
  virtual ~ObservationSink() = default;
  // Writes one source's rows (free of duplicate keys). Throws std::runtime_error when it cannot;
  // the run then records that as the source's failure.
  virtual core::IngestResult Write(std::span<const sources::FetchedObservation> rows) = 0;
  virtual void RecordRun(const storage::SourceRun& run) = 0;
};

// One transaction per source batch; cache::InvalidatingWriter then drops `cache` (when set)
// if rows changed, so servers sharing the cache see the new rows at once.
// `review`, when set, runs inside each batch's transaction (quality control, jobs/quality.hpp).
std::unique_ptr<ObservationSink> MakeStoreSink(storage::Store& store, cache::Cache* cache,
                                               const storage::FlagReview* review = nullptr);

// POSTs batches of at most `batch_rows` rows to a running server's /api/observations/ingest/
// with the bearer key; the HTTP client retries 5xx (ingest upserts, so a resend is harmless).
// Runs are not recorded (there is no store here); the summary lines are the record.
std::unique_ptr<ObservationSink> MakeIngestSink(std::string url, std::string api_key,
                                                sources::HttpClient& http,
                                                std::size_t batch_rows = 5000);

// Prints each row as a CSV-ish line and writes nothing.
std::unique_ptr<ObservationSink> MakeDryRunSink(PrintLine print);

struct FetchOptions {
  std::optional<int> days;   // window length; unset: each source's lookback_days
  core::EpochMs now_ms = 0;  // the window ends here (no forecasts)
};

struct SourceSummary {
  std::string source_id;
  std::int64_t rows = 0;
  int locations = 0;
  int failed_locations = 0;
  bool failed = false;  // nothing useful came back, or the rows could not be written
  bool ok = false;      // no error at all (what the run record's `ok` says)
  std::string server;
  double seconds = 0.0;
  std::string error;  // every error line, "; "-joined

  std::string Line() const;
};

struct FetchRunSummary {
  std::vector<SourceSummary> sources;
  bool AllOk() const;
};

// Fetches each source in turn (locations in parallel within the HTTP client's per-host limit),
// writes through `sink`, records the run, and prints each source's summary line.
FetchRunSummary RunFetch(std::span<const sources::SourceConfig> sources,
                         std::span<const core::Location> locations, sources::HttpClient& http,
                         ObservationSink& sink, const FetchOptions& options,
                         const PrintLine& print);

}  // namespace ocean::jobs
