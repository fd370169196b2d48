#include "config/cli.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

namespace ocean::config {
namespace {

constexpr const char* kRootFooter =
    "Every option of a subcommand (see `oceandash serve --help`) also reads an environment\n"
    "variable: --database DATABASE_URL, --redis REDIS_URL, --locations OCEAN_LOCATIONS_FILE,\n"
    "--retention-days OCEAN_RETENTION_DAYS, --log-level OCEAN_LOG_LEVEL, --host OCEAN_HOST,\n"
    "--port PORT, --static OCEAN_STATIC_DIR, --api-key-file OCEAN_API_KEY_FILE,\n"
    "--max-body-bytes OCEAN_MAX_BODY_BYTES, --cors-origins CORS_ALLOWED_ORIGINS,\n"
    "--threads OCEAN_THREADS, --workers OCEAN_WORKERS, --cache-max-mb OCEAN_CACHE_MAX_MB,\n"
    "--no-scheduler OCEAN_NO_SCHEDULER, --sources OCEAN_SOURCES_FILE, --demo OCEAN_DEMO,\n"
    "--demo-dir OCEAN_DEMO_DIR, --database-password-file DATABASE_PASSWORD_FILE. Flags override\n"
    "the environment, which overrides the defaults.\n"
    "`oceandash fetch noaa --dry-run` fetches once; OCEAN_SOURCE_<ID>_URL replaces a source's\n"
    "servers with one base URL.\n"
    "\n";

constexpr const char* kDemoManifest = "manifest.json";
// Demo rows never mix with real ones: without an explicit database the demo has its own file.
constexpr const char* kDemoDatabase = "sqlite:oceandash-demo.db";

constexpr const char* kEnvFooter =
    "Environment only (secrets stay off the command line):\n"
    "  OCEAN_API_KEY          bearer key that authorises writes (POST /api/observations/ingest/)\n"
    "  OCEAN_API_KEY_FILE     file holding that key (also --api-key-file)\n"
    "With no key configured, writes answer 503: the service is never open by default.";

// Options every subcommand that touches the database needs.
void AddStorageOptions(CLI::App& app, Config& c) {
  app.add_option("--database", c.database_url,
                 "database URL: sqlite:PATH or postgresql://user:pass@host:port/db")
      ->envname("DATABASE_URL")
      ->capture_default_str();
  app.add_option("--database-password-file", c.database_password_file,
                 "file holding the PostgreSQL password for a --database URL without one")
      ->envname("DATABASE_PASSWORD_FILE");
  app.add_option("--redis", c.redis_url, "Redis URL redis://host:port/db; unset: in-process cache")
      ->envname("REDIS_URL");
  app.add_option("--locations", c.locations_file,
                 "locations JSON file (default: config/locations.json)")
      ->envname("OCEAN_LOCATIONS_FILE");
  app.add_option("--retention-days", c.retention_days, "days of observations kept")
      ->envname("OCEAN_RETENTION_DAYS")
      ->capture_default_str();
  app.add_option("--log-level", c.log_level, "trace, debug, info, warn, error or off")
      ->envname("OCEAN_LOG_LEVEL")
      ->capture_default_str();
}

void AddServeOptions(CLI::App& app, Config& c) {
  app.add_option("--host", c.host, "address to listen on")
      ->envname("OCEAN_HOST")
      ->capture_default_str();
  app.add_option("--port", c.port, "port to listen on (0: any free port)")
      ->envname("PORT")
      ->capture_default_str();
  app.add_option("--static", c.static_dir, "folder of the built dashboard, served at /")
      ->envname("OCEAN_STATIC_DIR");
  app.add_option("--api-key-file", c.api_key_file, "file holding the write API key")
      ->envname("OCEAN_API_KEY_FILE");
  app.add_option("--max-body-bytes", c.max_body_bytes, "largest accepted request body")
      ->envname("OCEAN_MAX_BODY_BYTES")
      ->capture_default_str();
  app.add_option("--cors-origins", c.cors_origins_text,
                 "comma-separated origins allowed to call the API from a browser, or *")
      ->envname("CORS_ALLOWED_ORIGINS");
  app.add_option("--threads", c.threads, "I/O threads (0: one per core)")
      ->envname("OCEAN_THREADS")
      ->capture_default_str();
  app.add_option("--workers", c.workers,
                 "request worker threads and database connections (0: auto)")
      ->envname("OCEAN_WORKERS")
      ->capture_default_str();
  app.add_option("--cache-max-mb", c.cache_max_mb, "size bound of the in-process cache")
      ->envname("OCEAN_CACHE_MAX_MB")
      ->capture_default_str();
  app.add_flag("--no-scheduler", c.no_scheduler,
               "no background jobs (daily cleanup, fetchers): use when Lambda runs them")
      ->envname("OCEAN_NO_SCHEDULER");
  app.add_option("--sources", c.sources_file,
                 "sources JSON file the scheduler fetches (default: config/sources.json)")
      ->envname("OCEAN_SOURCES_FILE");
  app.add_flag("--demo", c.demo,
               "offline demo: load the synthesised samples in demo/ through the real parsers "
               "(database default sqlite:oceandash-demo.db); no real fetching")
      ->envname("OCEAN_DEMO");
  app.add_option("--demo-dir", c.demo_dir, "folder of the demo samples (default: demo/)")
      ->envname("OCEAN_DEMO_DIR");
  app.add_option("--backup-status-file", c.backup_status_file,
                 "status file of the backup job, reported in /api/health/")
      ->envname("OCEAN_BACKUP_STATUS_FILE");
}

void AddFetchOptions(CLI::App& app, Config& c) {
  app.add_option("SOURCE", c.fetch_sources, "source ids from the sources file, or all")->required();
  app.add_option("--days", c.fetch_days,
                 "days back from now to fetch (default: each source's lookback_days)");
  app.add_flag("--dry-run", c.dry_run, "print what would be stored; write nothing");
  app.add_option("--ingest-url", c.ingest_url,
                 "POST the rows to this URL (a running server's /api/observations/ingest/) with "
                 "OCEAN_API_KEY instead of writing the database");
  app.add_option("--sources", c.sources_file, "sources JSON file (default: config/sources.json)")
      ->envname("OCEAN_SOURCES_FILE");
  app.add_option("--api-key-file", c.api_key_file, "file holding the API key for --ingest-url")
      ->envname("OCEAN_API_KEY_FILE");
}

// `oceandash healthcheck` asks the server this process's configuration would start, so it reads
// the same address and port settings.
void AddHealthcheckOptions(CLI::App& app, Config& c) {
  app.add_option("--host", c.host, "address the server listens on (0.0.0.0: ask 127.0.0.1)")
      ->envname("OCEAN_HOST")
      ->capture_default_str();
  app.add_option("--port", c.port, "port the server listens on")
      ->envname("PORT")
      ->capture_default_str();
}

// The shipped file, found from the working directory (the README runs from the checkout) or
// from beside the binary (build/oceandash -> config/...).
std::string FindShippedFile(const char* name) {
  for (const std::string prefix : {"config/", "../config/"}) {
    if (std::filesystem::is_regular_file(prefix + name)) return prefix + name;
  }
  return "";
}

// The demo samples: the checkout's demo/ from the working directory or from beside the binary
// (build/oceandash -> demo/).
std::string FindDemoDir() {
  std::vector<std::filesystem::path> candidates = {"demo", "../demo"};
  std::error_code error;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    candidates.push_back(exe.parent_path() / "demo");
    candidates.push_back(exe.parent_path().parent_path() / "demo");
  }
  for (const auto& dir : candidates) {
    if (std::filesystem::is_regular_file(dir / kDemoManifest)) return dir.string();
  }
  return "";
}

std::string Trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, ',')) {
    part = Trim(part);
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// A secret's file (Docker secrets, Secrets Manager): its content without surrounding
// whitespace, which editors and `echo` add.
std::string ReadSecretFile(const std::string& path, std::string_view option) {
  std::ifstream in(path);
  if (!in) throw ConfigError(fmt::format("{}: cannot read {}", option, path));
  std::ostringstream text;
  text << in.rdbuf();
  std::string secret = Trim(text.str());
  if (secret.empty()) throw ConfigError(fmt::format("{}: {} is empty", option, path));
  return secret;
}

// RFC 3986 user info: everything but the unreserved characters is percent-encoded, which libpq
// decodes.
std::string PercentEncode(std::string_view text) {
  std::string encoded;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += fmt::format("%{:02X}", c);
    }
  }
  return encoded;
}

}  // namespace

std::string WithDatabasePassword(const std::string& url, const std::string& password) {
  constexpr std::string_view kOption = "--database-password-file/DATABASE_PASSWORD_FILE";
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos || url.starts_with("sqlite:")) {
    throw ConfigError(fmt::format("{}: needs a postgresql:// database URL", kOption));
  }
  const std::size_t authority_start = scheme_end + 3;
  const std::size_t authority_end = std::min(url.find_first_of("/?#", authority_start), url.size());
  const std::string_view authority =
      std::string_view(url).substr(authority_start, authority_end - authority_start);
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos || at == 0) {
    throw ConfigError(fmt::format(
        "{}: the database URL needs a user name (postgresql://USER@host:port/db)", kOption));
  }
  if (authority.substr(0, at).find(':') != std::string_view::npos) {
    throw ConfigError(fmt::format(
        "{}: the database URL already holds a password; give it in one place only", kOption));
  }
  std::string result = url;
  result.insert(authority_start + at, ":" + PercentEncode(password));
  return result;
}

void Validate(Config& c) {
  if (c.port < 0 || c.port > 65535) {
    throw ConfigError(fmt::format("--port/PORT: {} is not a port number (0-65535)", c.port));
  }
  if (c.host.empty()) throw ConfigError("--host: must not be empty");
  const bool sqlite = c.database_url.starts_with("sqlite:");
  const bool postgres =
      c.database_url.starts_with("postgresql://") || c.database_url.starts_with("postgres://");
  if (!sqlite && !postgres) {
    throw ConfigError(
        "--database/DATABASE_URL: must start with sqlite: or postgresql:// (got a value with "
        "another scheme)");
  }
  if (sqlite && c.database_url.size() == std::string_view("sqlite:").size()) {
    throw ConfigError(
        "--database/DATABASE_URL: sqlite: needs a file path, e.g. sqlite:oceandash.db");
  }
  if (!c.redis_url.empty() && !c.redis_url.starts_with("redis://")) {
    throw ConfigError("--redis/REDIS_URL: must start with redis://");
  }
  if (c.retention_days < 1 || c.retention_days > 3650) {
    throw ConfigError(fmt::format("--retention-days/OCEAN_RETENTION_DAYS: {} is outside 1-3650",
                                  c.retention_days));
  }
  if (c.max_body_bytes < 1024 || c.max_body_bytes > (std::size_t{1} << 30)) {
    throw ConfigError("--max-body-bytes/OCEAN_MAX_BODY_BYTES: must be between 1024 and 1073741824");
  }
  static constexpr std::array<std::string_view, 6> kLevels = {"trace", "debug", "info",
                                                              "warn",  "error", "off"};
  if (std::find(kLevels.begin(), kLevels.end(), c.log_level) == kLevels.end()) {
    throw ConfigError(fmt::format(
        "--log-level/OCEAN_LOG_LEVEL: \"{}\" is not one of trace, debug, info, warn, error, off",
        c.log_level));
  }
  if (c.threads < 0 || c.threads > 256) throw ConfigError("--threads/OCEAN_THREADS: must be 0-256");
  if (c.workers < 0 || c.workers > 256) throw ConfigError("--workers/OCEAN_WORKERS: must be 0-256");
  if (c.cache_max_mb < 0 || c.cache_max_mb > 4096) {
    throw ConfigError("--cache-max-mb/OCEAN_CACHE_MAX_MB: must be 0-4096");
  }
  if (!c.static_dir.empty() && !std::filesystem::is_directory(c.static_dir)) {
    throw ConfigError(
        fmt::format("--static/OCEAN_STATIC_DIR: {} is not a directory", c.static_dir));
  }
  c.cors_allowed_origins = SplitComma(c.cors_origins_text);

  if (!c.api_key_file.empty()) {
    c.api_key = ReadSecretFile(c.api_key_file, "--api-key-file/OCEAN_API_KEY_FILE");
  }
  if (!c.database_password_file.empty()) {
    c.database_url = WithDatabasePassword(
        c.database_url, ReadSecretFile(c.database_password_file,
                                       "--database-password-file/DATABASE_PASSWORD_FILE"));
    c.database_password_file.clear();  // read once: Validate may run again on this Config
  }
  if (!c.api_key.empty() && c.api_key.size() < 16) {
    throw ConfigError("OCEAN_API_KEY: must be at least 16 characters (a random string)");
  }

  if (c.locations_file.empty()) {
    c.locations_file = FindShippedFile("locations.json");
  } else if (!std::filesystem::is_regular_file(c.locations_file)) {
    throw ConfigError(fmt::format("--locations/OCEAN_LOCATIONS_FILE: {} is not a readable file",
                                  c.locations_file));
  }

  if (c.sources_file.empty()) {
    c.sources_file = FindShippedFile("sources.json");
  } else if (!std::filesystem::is_regular_file(c.sources_file)) {
    throw ConfigError(
        fmt::format("--sources/OCEAN_SOURCES_FILE: {} is not a readable file", c.sources_file));
  }
  if (c.fetch_days < 0 || c.fetch_days > 365) {
    throw ConfigError(fmt::format("--days: {} is outside 1-365", c.fetch_days));
  }
  if (!c.ingest_url.empty()) {
    if (!c.ingest_url.starts_with("http://") && !c.ingest_url.starts_with("https://")) {
      throw ConfigError("--ingest-url: must start with http:// or https://");
    }
    if (c.dry_run) throw ConfigError("--ingest-url: cannot be combined with --dry-run");
    if (c.api_key.empty()) {
      throw ConfigError("--ingest-url: needs the API key (OCEAN_API_KEY or --api-key-file)");
    }
  }
}

std::optional<Invocation> ParseCommandLine(int argc, const char* const* argv, int& exit_code) {
  Invocation invocation;
  Config& c = invocation.config;
  if (const char* key = std::getenv("OCEAN_API_KEY")) c.api_key = Trim(key);

  CLI::App app{"oceandash: ocean conditions service (API, dashboard, scheduler)", "oceandash"};
  app.footer(std::string(kRootFooter) + kEnvFooter);
  app.require_subcommand(1);
  auto* serve = app.add_subcommand("serve", "run the HTTP API and dashboard");
  AddStorageOptions(*serve, c);
  AddServeOptions(*serve, c);
  serve->footer(kEnvFooter);
  auto* migrate = app.add_subcommand("migrate", "apply database migrations and exit");
  AddStorageOptions(*migrate, c);
  auto* cleanup =
      app.add_subcommand("cleanup", "delete observations older than the retention window");
  AddStorageOptions(*cleanup, c);
  auto* fetch = app.add_subcommand(
      "fetch", "fetch upstream sources once and store the observations (see config/sources.json)");
  AddStorageOptions(*fetch, c);
  AddFetchOptions(*fetch, c);
  auto* version = app.add_subcommand("version", "print the version");
  auto* healthcheck = app.add_subcommand(
      "healthcheck",
      "exit 0 when the local server's /api/health/ answers 200 (Docker HEALTHCHECK)");
  AddHealthcheckOptions(*healthcheck, c);
  auto* lambda = app.add_subcommand(
      "lambda",
      "serve AWS Lambda invocations (custom runtime): the handler named by _HANDLER, events "
      "from AWS_LAMBDA_RUNTIME_API; API_URL and BACKEND_SECRET name the backend and its key");
  lambda->add_option("--locations", c.locations_file, "locations JSON file")
      ->envname("OCEAN_LOCATIONS_FILE");
  lambda->add_option("--sources", c.sources_file, "sources JSON file")
      ->envname("OCEAN_SOURCES_FILE");

  auto* qc = app.add_subcommand(
      "qc",
      "run the QARTOD tests on a JSON series ({\"time\":[...],\"value\":[...]}) with an "
      "ioos_qc-shaped configuration and print the flags as JSON");
  qc->add_option("--config", c.qc_config_file, "QC configuration JSON file ({\"qartod\":{...}})")
      ->required();
  qc->add_option("--input", c.qc_input_file, "series JSON file")->required();
  auto* mhw = app.add_subcommand(
      "mhw",
      "detect marine heatwaves (Hobday et al. 2016) in a JSON daily series "
      "({\"time\":[YYYY-MM-DD...],\"value\":[...]}) and print the events and climatology");
  mhw->add_option("--input", c.mhw_input_file, "daily series JSON file")->required();
  mhw->add_option("--climatology-period", c.mhw_climatology_period,
                  "first and last year of the climatology baseline (default: the whole record)")
      ->expected(2);
  mhw->add_flag("--cold-spells", c.mhw_cold_spells, "detect marine cold spells instead");

  // Every subcommand binds the same Config, and CLI11 applies the environment to the options of
  // every subcommand, selected or not: `migrate --database X` would end with another
  // subcommand's DATABASE_URL. With a parse-complete callback, a subcommand reads the
  // environment only when it is the one parsed.
  for (CLI::App* subcommand : app.get_subcommands([](CLI::App*) { return true; })) {
    subcommand->parse_complete_callback([] {});
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);
    return std::nullopt;
  }
  if (*serve) invocation.command = Command::kServe;
  if (*migrate) invocation.command = Command::kMigrate;
  if (*cleanup) invocation.command = Command::kCleanup;
  if (*fetch) invocation.command = Command::kFetch;
  if (*lambda) invocation.command = Command::kLambda;
  if (*qc) {
    invocation.command = Command::kQc;
    return invocation;
  }
  if (*mhw) {
    invocation.command = Command::kMhw;
    return invocation;
  }
  if (*version) {
    invocation.command = Command::kVersion;
    return invocation;
  }
  if (*healthcheck) {
    invocation.command = Command::kHealthcheck;
    if (c.port < 1 || c.port > 65535) {
      throw ConfigError(fmt::format("--port/PORT: {} is not a port number (1-65535)", c.port));
    }
    if (c.host.empty()) throw ConfigError("--host/OCEAN_HOST: must not be empty");
    return invocation;
  }
  c.scheduler = !c.no_scheduler;
  if (c.demo) {
    if (serve->get_option("--database")->count() == 0) c.database_url = kDemoDatabase;
    if (c.demo_dir.empty()) {
      c.demo_dir = FindDemoDir();
      if (c.demo_dir.empty()) {
        throw ConfigError("--demo: demo/manifest.json not found; set --demo-dir/OCEAN_DEMO_DIR");
      }
    } else if (!std::filesystem::is_regular_file(std::filesystem::path(c.demo_dir) /
                                                 kDemoManifest)) {
      throw ConfigError(
          fmt::format("--demo-dir/OCEAN_DEMO_DIR: {} has no manifest.json", c.demo_dir));
    }
  }
  Validate(c);
  if (invocation.command == Command::kFetch) {
    if (c.sources_file.empty()) {
      throw ConfigError("--sources/OCEAN_SOURCES_FILE: config/sources.json not found; set it");
    }
    if (c.locations_file.empty()) {
      throw ConfigError(
          "--locations/OCEAN_LOCATIONS_FILE: config/locations.json not found; set it");
    }
  }
  return invocation;
}

}  // namespace ocean::config
