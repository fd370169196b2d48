// The HTTP API: one method per endpoint, each adapting a Request to the storage and core
// functions and handing the rows to a pure renderer. The methods are defined one file per
// resource (locations.cpp, observations.cpp, series.cpp, heatwaves.cpp, sources.cpp, health.cpp,
// ingest.cpp, catalogue.cpp); what they share is in api.cpp and response.cpp. Routes are in
// routes.cpp.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cache/cache.hpp"
#include "cache/invalidating_writer.hpp"
#include "core/types.hpp"
#include "http/message.hpp"
#include "storage/store.hpp"

namespace ocean::api {

// A configured upstream source as /api/sources/ describes it (from config/sources.json).
struct SourceDescription {
  std::string id;
  std::string name;
  std::string kind;
  std::vector<std::string> parameters;
  std::string schedule;  // cron, UTC
  std::string attribution;
  std::string license;
  std::string doi;
  bool demo = false;  // serves the synthesised demo samples (`serve --demo`)
};

// What /api/health/ says about demo data (`serve --demo`).
struct DemoInfo {
  std::string samples_end;  // RFC 3339: the newest sample before shifting
  int shifted_days = 0;     // whole days added to every sample time
  std::string note;         // what the samples are
};

struct ApiOptions {
  std::string version;
  std::vector<SourceDescription> sources;
  // Next scheduled run of a source; nullopt when the scheduler is off or does not know it.
  std::function<std::optional<core::EpochMs>(std::string_view source_id)> next_run;
  std::string api_key;                 // empty: writes disabled (503)
  std::function<core::EpochMs()> now;  // injected clock
  std::optional<DemoInfo> demo;        // set: the data is demo data, labelled in health
  std::string backup_status_file;      // set: health reports the backup job's status file
  // Retention as POST /api/admin/cleanup/ runs it (the Lambda `cleanup` handler calls it):
  // deletes observations older than retention_days and returns how many.
  std::function<std::int64_t()> cleanup;
  int retention_days = 30;
  // Quality control run inside every ingest's transaction; null: rows keep the flags they carry.
  const storage::FlagReview* review = nullptr;
};

class Api {
 public:
  Api(storage::Store& store, cache::Cache& cache, ApiOptions options);

  http::Response Health(const http::Request& request);
  http::Response ListLocations(const http::Request& request);
  http::Response GetLocation(const http::Request& request, std::string_view id);
  http::Response ListParameters(const http::Request& request);
  http::Response ListObservations(const http::Request& request);
  http::Response LatestObservations(const http::Request& request);
  http::Response Series(const http::Request& request);
  http::Response Heatwaves(const http::Request& request);
  http::Response Ingest(const http::Request& request);
  // What Ingest decides from the head alone (key, then media type), before the body is read:
  // throws the 503 writes_disabled, 401 or 415 ApiError. Cheap and non-blocking.
  void AdmitIngest(const http::Request& head) const;
  // POST /api/admin/cleanup/: retention now, behind the bearer key like ingest.
  http::Response AdminCleanup(const http::Request& request);
  void AdmitAdmin(const http::Request& head) const;
  http::Response ListSources(const http::Request& request);
  http::Response OpenApi(const http::Request& request);

  // Serves GET responses from the cache (or computes and stores them), with ETag and 304.
  // `key_suffix` separates answers that differ beyond the URL (a window relative to now).
  http::Response Cached(const http::Request& request,
                        const std::function<http::Response()>& compute,
                        std::string_view key_suffix = {});

  // Refreshes the known-location set after the locations table changed.
  void ReloadLocations();

 private:
  bool LocationExists(std::string_view id);
  void Authorize(const http::Request& request) const;

  storage::Store& store_;
  cache::Cache& cache_;
  cache::InvalidatingWriter writes_;  // every write of the API goes through it
  ApiOptions options_;
  std::mutex locations_mutex_;
  std::set<std::string, std::less<>> location_ids_;
};

}  // namespace ocean::api
