#include "app/app.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "api/api.hpp"
#include "api/json_writer.hpp"
#include "api/routes.hpp"
#include "cache/cache.hpp"
#include "core/locations.hpp"
#include "core/time.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "jobs/cleanup.hpp"
#include "jobs/periodic.hpp"
#include "storage/store.hpp"
#include "version.hpp"

namespace ocean::app {
namespace {

core::EpochMs NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Operational messages go to stderr; stdout carries only JSON lines (start-up and access log).
void SetUpLogging(const config::Config& config) {
  auto logger = spdlog::stderr_logger_mt("oceandash");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(config.log_level));
  spdlog::set_default_logger(logger);
}

int WorkerCount(const config::Config& config) {
  if (config.workers > 0) return config.workers;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::clamp(cores * 4, 4, 32);
}

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

void PrintStartLine(const config::Config& config, const storage::Store& store,
                    const cache::Cache& cache, unsigned short port, int workers) {
  api::JsonWriter w;
  w.BeginObject()
      .Key("time")
      .String(core::FormatTimestamp(NowMs()))
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
      .EndObject();
  std::string line = w.Take();
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

const char* VersionString() { return kVersionLine; }

int RunServe(const config::Config& config) {
  SetUpLogging(config);
  const int workers = WorkerCount(config);
  auto store = OpenAndPrepareStore(config, workers);
  cache::CacheOptions cache_options;
  cache_options.memory_max_bytes = static_cast<std::size_t>(config.cache_max_mb) * 1024 * 1024;
  auto cache = cache::OpenCache(config.redis_url, cache_options);
  // Locations may have changed at start-up: cached answers from an earlier run are stale.
  cache->InvalidateAll();

  api::ApiOptions api_options;
  api_options.version = kVersion;
  api_options.api_key = config.api_key;
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
  http::Server server(options,
                      [&router](http::Request& request) { return router.Dispatch(request); });
  const unsigned short port = server.Start();
  server.StopOnSignals();

  std::unique_ptr<jobs::PeriodicJob> cleanup;
  if (config.scheduler) {
    cleanup = std::make_unique<jobs::PeriodicJob>(
        "cleanup", std::chrono::hours(24), std::chrono::minutes(1), [&] {
          const auto deleted =
              jobs::RunCleanup(*store, cache.get(), config.retention_days, NowMs());
          spdlog::info("cleanup: deleted {} observations older than {} days", deleted,
                       config.retention_days);
        });
  }
  PrintStartLine(config, *store, *cache, port, workers);
  server.Run();
  if (cleanup) cleanup->Stop();
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
  const auto deleted = jobs::RunCleanup(*store, cache.get(), config.retention_days, NowMs());
  std::printf("deleted %lld observations older than %d days\n", static_cast<long long>(deleted),
              config.retention_days);
  return 0;
}

}  // namespace ocean::app
