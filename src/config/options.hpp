// The configuration's names, defined once: each option's flag, environment variable, default
// and help. The parser, `--help`, the validation messages and the test of the README's
// configuration table all read them from here.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace ocean::config {

struct OptionSpec {
  std::string_view flag;          // empty: environment only (a secret stays off argv)
  std::string_view env;           // the environment variable read when the flag is absent
  std::string_view default_text;  // as --help and the README show it; empty: unset
  std::string_view help;
};

namespace option {
inline constexpr OptionSpec kPort{"--port", "PORT", "8000", "port to listen on (0: any free port)"};
inline constexpr OptionSpec kHost{"--host", "OCEAN_HOST", "0.0.0.0", "address to listen on"};
inline constexpr OptionSpec kDatabase{
    "--database", "DATABASE_URL", "sqlite:oceandash.db",
    "database URL: sqlite:PATH or postgresql://user:pass@host:port/db"};
inline constexpr OptionSpec kDatabasePasswordFile{
    "--database-password-file", "DATABASE_PASSWORD_FILE", "",
    "file holding the PostgreSQL password for a --database URL without one"};
inline constexpr OptionSpec kRedis{"--redis", "REDIS_URL", "",
                                   "Redis URL redis://host:port/db; unset: in-process cache"};
inline constexpr OptionSpec kLocations{"--locations", "OCEAN_LOCATIONS_FILE",
                                       "config/locations.json", "locations JSON file"};
inline constexpr OptionSpec kQcRules{
    "--qc-rules", "OCEAN_QC_FILE", "config/qc.json",
    "QARTOD tests run on every ingest, per parameter and location (docs/qc.md)"};
inline constexpr OptionSpec kStatic{"--static", "OCEAN_STATIC_DIR", "",
                                    "folder of the built dashboard, served at /"};
inline constexpr OptionSpec kApiKey{"", "OCEAN_API_KEY", "",
                                    "bearer key that authorises writes (POST "
                                    "/api/observations/ingest/)"};
inline constexpr OptionSpec kApiKeyFile{"--api-key-file", "OCEAN_API_KEY_FILE", "",
                                        "file holding the write API key"};
inline constexpr OptionSpec kRetentionDays{"--retention-days", "OCEAN_RETENTION_DAYS", "30",
                                           "days of observations kept"};
inline constexpr OptionSpec kMaxBodyBytes{"--max-body-bytes", "OCEAN_MAX_BODY_BYTES", "16777216",
                                          "largest accepted request body"};
inline constexpr OptionSpec kCorsOrigins{
    "--cors-origins", "CORS_ALLOWED_ORIGINS", "",
    "comma-separated origins allowed to call the API from a browser, or *"};
inline constexpr OptionSpec kLogLevel{"--log-level", "OCEAN_LOG_LEVEL", "info",
                                      "trace, debug, info, warn, error or off"};
inline constexpr OptionSpec kNoScheduler{
    "--no-scheduler", "OCEAN_NO_SCHEDULER", "off",
    "no background jobs (daily cleanup, fetchers): use when Lambda runs them"};
inline constexpr OptionSpec kSources{"--sources", "OCEAN_SOURCES_FILE", "config/sources.json",
                                     "sources JSON file the scheduler fetches"};
inline constexpr OptionSpec kThreads{"--threads", "OCEAN_THREADS", "0",
                                     "I/O threads (0: one per core)"};
inline constexpr OptionSpec kWorkers{"--workers", "OCEAN_WORKERS", "0",
                                     "request worker threads and database connections (0: auto)"};
inline constexpr OptionSpec kCacheMaxMb{"--cache-max-mb", "OCEAN_CACHE_MAX_MB", "8",
                                        "size bound of the in-process cache"};
inline constexpr OptionSpec kDemo{
    "--demo", "OCEAN_DEMO", "off",
    "offline demo: load the synthesised samples in demo/ through the real parsers (database "
    "default sqlite:oceandash-demo.db); no real fetching"};
inline constexpr OptionSpec kDemoDir{"--demo-dir", "OCEAN_DEMO_DIR", "demo/",
                                     "folder of the demo samples"};
inline constexpr OptionSpec kBackupStatusFile{
    "--backup-status-file", "OCEAN_BACKUP_STATUS_FILE", "",
    "status file of the backup job, reported in /api/health/"};
}  // namespace option

// Every option that reads the environment, in the order of the README's table.
inline constexpr std::array kOptions = {
    &option::kPort,
    &option::kHost,
    &option::kDatabase,
    &option::kRedis,
    &option::kLocations,
    &option::kQcRules,
    &option::kStatic,
    &option::kApiKey,
    &option::kApiKeyFile,
    &option::kRetentionDays,
    &option::kMaxBodyBytes,
    &option::kCorsOrigins,
    &option::kLogLevel,
    &option::kNoScheduler,
    &option::kSources,
    &option::kThreads,
    &option::kWorkers,
    &option::kCacheMaxMb,
    &option::kDatabasePasswordFile,
    &option::kBackupStatusFile,
    &option::kDemo,
    &option::kDemoDir,
};

// "--port/PORT" (or "OCEAN_API_KEY" for an environment-only one): how messages name an option.
std::string Names(const OptionSpec& spec);

}  // namespace ocean::config
