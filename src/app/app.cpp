#include "app/app.hpp"

#include <malloc.h>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>

#include "api/api.hpp"
#include "api/routes.hpp"
#include "app/demo.hpp"
#include "cache/cache.hpp"
#include "cache/invalidating_writer.hpp"
#include "core/clock.hpp"
#include "core/json_writer.hpp"
#include "core/locations.hpp"
#include "core/time.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "jobs/cleanup.hpp"
#include "jobs/cron.hpp"
#include "jobs/fetch.hpp"
#include "jobs/periodic.hpp"
#include "jobs/quality.hpp"
#include "jobs/scheduler.hpp"
#include "sources/http_client.hpp"
#include "sources/source_config.hpp"
#include "storage/store.hpp"
#include "version.hpp"

namespace ocean::app {
namespace {

// glibc gives threads their own malloc arenas (up to 8 per core) and each keeps what it freed;
// after a large ingest that is megabytes per worker. The workers mostly wait on the database, so
// two arenas cost no measurable contention.
constexpr int kMallocArenas = 2;
// After a request body this large, the memory its handling freed goes back to the system.
constexpr std::size_t kTrimAfterBodyBytes = 1024 * 1024;

void LimitMallocArenas() {
#ifdef __GLIBC__
  if (mallopt(M_ARENA_MAX, kMallocArenas) != 1) spdlog::warn("mallopt(M_ARENA_MAX) failed");
#endif
}

// Frees the request body and returns freed heap pages to the system.
void ReleaseRequestMemory(http::Request& request) {
  std::string().swap(request.body);
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

}  // namespace

// Operational messages go to stderr; stdout carries only JSON lines (start-up and access log).
void SetUpLogging(const config::Config& config) {
  auto logger = spdlog::stderr_logger_mt("oceandash");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(config.log_level));
  spdlog::set_default_logger(logger);
}

namespace {

// Each worker holds one database connection. With the database on the same host (the compose
// deployment), workers beyond about two per core only add backends competing for the same
// cores: no more throughput, a worse p99 (bench/README.md, "Request workers per core"). A
// remote database, where each query mostly waits on the network, is the case for raising
// --workers.
int WorkerCount(const config::Config& config) {
  if (config.workers > 0) return config.workers;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::clamp(cores * 2, 4, 32);
}

}  // namespace

// Opens the store, applies migrations and upserts the configured locations.
std::unique_ptr<storage::Store> OpenAndPrepareStore(const config::Config& config, int pool) {
  auto store = storage::OpenStore(config.database_url, pool);
  const auto report = store->Migrate();
  if (report.from_version != report.to_version) {
    spdlog::info("database migrated from version {} to {}", report.from_version, report.to_version);
  }
  if (!config.locations_file.empty()) {
    const auto locations = core::LoadLocationsFile(config.locations_file);
    store->UpsertLocations(locations);
    spdlog::info("{} locations loaded from {}", locations.size(), config.locations_file);
  } else {
    spdlog::warn("no locations file (config/locations.json not found; set --locations)");
  }
  return store;
}

namespace {

void PrintStartLine(const config::Config& config, const storage::Store& store,
                    const cache::Cache& cache, unsigned short port, int workers,
                    core::EpochMs now_ms) {
  core::JsonWriter w;
  w.BeginObject()
      .Key("time")
      .String(core::FormatTimestamp(now_ms))
      .Key("event")
      .String("start")
      .Key("version")
      .String(kVersion)
      .Key("database")
      .String(store.Kind())
      .Key("cache")
      .String(cache.Kind())
      .Key("host")
      .String(config.host)
      .Key("port")
      .Int(port)
      .Key("workers")
      .Int(workers)
      .Key("writes")
      .String(config.api_key.empty() ? "disabled" : "enabled")
      .Key("scheduler")
      .Bool(config.scheduler)
      .Key("static")
      .String(config.static_dir)
      .Key("demo")
      .Bool(config.demo)
      .EndObject();
  std::string line = w.Take();
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

// The sources the server fetches on schedule; none when the file is absent (a warning).
std::vector<sources::SourceConfig> LoadServeSources(const config::Config& config) {
  if (config.sources_file.empty()) {
    spdlog::warn("no sources file (config/sources.json not found; set --sources): no fetching");
    return {};
  }
  return sources::LoadSourcesFile(config.sources_file);
}

// `demo`: the sources were fetched once from the demo samples and have no schedule.
std::vector<api::SourceDescription> Describe(std::span<const sources::SourceConfig> configured,
                                             bool demo) {
  std::vector<api::SourceDescription> out;
  for (const auto& source : configured) {
    api::SourceDescription d;
    d.demo = demo;
    d.id = source.id;
    d.name = source.name;
    d.kind = std::string(sources::ToString(source.kind));
    if (!source.parameter.empty()) d.parameters.push_back(source.parameter);
    for (const auto& mapping : source.variables) {
      if (std::find(d.parameters.begin(), d.parameters.end(), mapping.parameter) ==
          d.parameters.end()) {
        d.parameters.push_back(mapping.parameter);
      }
    }
    d.schedule = demo ? "" : source.schedule;
    d.attribution = source.attribution;
    d.license = source.license;
    d.doi = source.doi;
    out.push_back(std::move(d));
  }
  return out;
}

// How often a server compares the stored data's version (see RunServe).
constexpr std::chrono::milliseconds kDataVersionPoll{1000};

// Retention runs daily at a quiet minute (not on the hour, when the fetchers run).
constexpr const char* kCleanupSchedule = "17 3 * * *";

// Polls the stored data's version (see RunServe); cache::InvalidatingWriter decides when that
// drops the cache, as it does for this process's own writes.
class DataVersionWatch {
 public:
  DataVersionWatch(storage::Store& store, cache::Cache& cache)
      : writes_(store, &cache),
        job_("data version watch", kDataVersionPoll, kDataVersionPoll,
             [this] { Poll(true, spdlog::level::debug); }) {
    // The baseline, read before the job's first poll a period from now. Without one (the
    // database is down) the first successful poll drops the cache.
    Poll(false, spdlog::level::warn);
  }

 private:
  // The database being down is reported by /api/health/ and every request: once a second
  // here would only repeat it, so polls log at debug level.
  void Poll(bool drop_on_first, spdlog::level::level_enum level) {
    try {
      writes_.PollDataVersion(drop_on_first);
    } catch (const std::exception& e) {
      spdlog::log(level, "data version: {}", e.what());
    }
  }

  cache::InvalidatingWriter writes_;
  jobs::PeriodicJob job_;  // last: stopped and joined first
};

}  // namespace

const char* VersionString() { return kVersionLine; }

int RunServe(const config::Config& config) {
  LimitMallocArenas();  // before any thread starts
  SetUpLogging(config);
  // The one source of "now" for the API, the jobs and the access log.
  core::SystemClock clock;
  const int workers = WorkerCount(config);
  auto store = OpenAndPrepareStore(config, workers);
  cache::CacheOptions cache_options;
  cache_options.memory_max_bytes = static_cast<std::size_t>(config.cache_max_mb) * 1024 * 1024;
  auto cache = cache::OpenCache(config.redis_url, cache_options);
  // Locations may have changed at start-up: cached answers from an earlier run are stale.
  cache->InvalidateAll();

  // The demo replaces the configured sources: its samples are loaded once, nothing is fetched.
  // The jobs read the file, not the store: the stored locations do not carry NDBC station ids.
  const auto locations = config.locations_file.empty()
                             ? store->ListLocations()
                             : core::LoadLocationsFile(config.locations_file);
  // Quality control of every write of observations (docs/qc.md); outlives the writers below.
  const jobs::QualityReview review(jobs::QcRules::Load(config.qc_rules_file));
  std::optional<DemoLoad> demo;
  if (config.demo) {
    demo = LoadDemo(config.demo_dir, locations, *store, cache.get(), clock.Now(), &review);
  }
  const auto configured_sources = demo ? demo->sources : LoadServeSources(config);
  // Parse the schedules before serving: a bad cron expression is a start-up error.
  std::vector<jobs::CronSchedule> schedules;
  for (const auto& source :
       demo ? std::span<const sources::SourceConfig>() : std::span(configured_sources)) {
    try {
      schedules.push_back(jobs::CronSchedule::Parse(source.schedule));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(
          fmt::format("{}: source \"{}\": schedule: {}", config.sources_file, source.id, e.what()));
    }
  }
  // Declared before the scheduler, whose jobs use them, so they outlive it.
  sources::HttpClient http;
  auto sink = jobs::MakeStoreSink(*store, cache.get(), &review);
  std::mutex sink_mutex;  // the source jobs share the sink and may be due at the same minute
  jobs::Scheduler scheduler(clock);

  api::ApiOptions api_options;
  api_options.version = kVersion;
  api_options.api_key = config.api_key;
  api_options.sources = Describe(configured_sources, demo.has_value());
  if (demo) api_options.demo = demo->info;
  api_options.backup_status_file = config.backup_status_file;
  api_options.review = &review;
  api_options.retention_days = config.retention_days;
  api_options.cleanup = [&] {
    return jobs::RunCleanup(*store, cache.get(), config.retention_days, clock.Now());
  };
  api_options.now = [&clock] { return clock.Now(); };
  if (config.scheduler) {
    api_options.next_run = [&scheduler](std::string_view id) { return scheduler.NextRun(id); };
  }
  api::Api api(*store, *cache, api_options);

  http::Router router;
  api::RegisterRoutes(router, api);
  if (!config.static_dir.empty()) {
    http::StaticFiles files(config.static_dir);
    router.SetFallback([files](const http::Request& request) { return files.Serve(request); });
  }

  http::ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.io_threads = config.threads;
  options.worker_threads = workers;
  options.max_body_bytes = config.max_body_bytes;
  options.cors_allowed_origins = config.cors_allowed_origins;
  options.clock = &clock;
  http::Server server(
      options,
      [&router](http::Request& request) {
        const bool large_body = request.body.size() > kTrimAfterBodyBytes;
        http::Response response = router.Dispatch(request);
        if (large_body) ReleaseRequestMemory(request);
        return response;
      },
      // 404, 405, 401, 503 and 415 are decided from the head, before a body is buffered.
      [&router](const http::Request& head) { return router.Admit(head); });
  // Other processes write to the same database too: a second server without Redis, or
  // `oceandash fetch` / `cleanup` run on their own. Their writes cannot reach this process's
  // cache, so it is dropped when the stored data's version changes: a read sees such a write
  // within about two seconds (with Redis shared by every writer, at once). The baseline is read
  // before serving; without one (database down at start-up) the first successful poll drops
  // the cache, as anything may have changed meanwhile.
  DataVersionWatch data_version_watch(*store, *cache);
  const unsigned short port = server.Start();
  server.StopOnSignals();

  // The in-server scheduler (the seed's Celery beat): each source on its cron schedule, and
  // retention daily. With --no-scheduler (AWS: Lambda runs the fetchers) nothing runs here.
  if (config.scheduler) {
    scheduler.Add("cleanup", jobs::CronSchedule::Parse(kCleanupSchedule), [&] {
      const auto deleted =
          jobs::RunCleanup(*store, cache.get(), config.retention_days, clock.Now());
      spdlog::info("cleanup: deleted {} observations older than {} days", deleted,
                   config.retention_days);
    });
    // A new installation shows data at once instead of after the next 6-hour slot.
    core::ObservationQuery everything;
    everything.start_ms = std::numeric_limits<core::EpochMs>::min() / 2;
    everything.end_ms = std::numeric_limits<core::EpochMs>::max() / 2;
    const bool empty = store->CountObservations(everything) == 0;
    for (std::size_t i = 0; i < schedules.size(); ++i) {
      const sources::SourceConfig* source = &configured_sources[i];
      scheduler.Add(
          source->id, schedules[i],
          [&, source] {
            std::lock_guard lock(sink_mutex);
            jobs::FetchOptions options;
            options.now_ms = clock.Now();
            jobs::RunFetch(std::span(source, 1), locations, http, *sink, options,
                           [](std::string_view line) { spdlog::info("fetch: {}", line); });
          },
          /*run_at_start=*/empty);
    }
    scheduler.Start();
  }
  PrintStartLine(config, *store, *cache, port, workers, clock.Now());
  server.Run();
  scheduler.Stop();
  spdlog::info("stopped");
  return 0;
}

int RunMigrate(const config::Config& config) {
  SetUpLogging(config);
  auto store = storage::OpenStore(config.database_url, 1);
  const auto report = store->Migrate();
  std::printf("database schema at version %d (was %d)\n", report.to_version, report.from_version);
  return 0;
}

int RunCleanup(const config::Config& config) {
  SetUpLogging(config);
  auto store = storage::OpenStore(config.database_url, 1);
  store->Migrate();
  // Other processes (servers) may cache what we delete: invalidate the shared cache too.
  std::unique_ptr<cache::Cache> cache;
  if (!config.redis_url.empty()) cache = cache::OpenCache(config.redis_url, {});
  const auto deleted =
      jobs::RunCleanup(*store, cache.get(), config.retention_days, core::SystemClock().Now());
  std::printf("deleted %lld observations older than %d days\n", static_cast<long long>(deleted),
              config.retention_days);
  return 0;
}

int RunFetchCommand(const config::Config& config) {
  SetUpLogging(config);
  const auto all_sources = sources::LoadSourcesFile(config.sources_file);
  const auto selected = sources::SelectSources(all_sources, config.fetch_sources);
  const auto locations = core::LoadLocationsFile(config.locations_file);
  const jobs::PrintLine print = [](std::string_view line) {
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  };
  sources::HttpClient http;
  jobs::FetchOptions options;
  if (config.fetch_days > 0) options.days = config.fetch_days;
  options.now_ms = core::SystemClock().Now();

  std::unique_ptr<storage::Store> store;
  std::unique_ptr<cache::Cache> cache;
  std::unique_ptr<jobs::ObservationSink> sink;
  const jobs::QualityReview review(jobs::QcRules::Load(config.qc_rules_file));
  if (config.dry_run) {
    sink = jobs::MakeDryRunSink(print);
  } else if (!config.ingest_url.empty()) {
    sink = jobs::MakeIngestSink(config.ingest_url, config.api_key, http);
  } else {
    store = OpenAndPrepareStore(config, 1);
    // Servers sharing the Redis cache must not serve answers from before these rows.
    if (!config.redis_url.empty()) cache = cache::OpenCache(config.redis_url, {});
    sink = jobs::MakeStoreSink(*store, cache.get(), &review);
  }
  const auto summary = jobs::RunFetch(selected, locations, http, *sink, options, print);
  return summary.AllOk() ? 0 : 1;
}

}  // namespace ocean::app
