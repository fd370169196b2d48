#include "config/cli.hpp"

#include "config/options.hpp"
#include "core/text.hpp"

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

constexpr const char* kDemoManifest = "manifest.json";
// Demo rows never mix with real ones: without an explicit database the demo has its own file.
constexpr const char* kDemoDatabase = "sqlite:oceandash-demo.db";

// The root's footer: every flag's environment variable, from the one table of names.
std::string RootFooter() {
  std::string text =
      "Every option of a subcommand (see `oceandash serve --help`) also reads an environment\n"
      "variable:";
  std::size_t line = text.size() - text.rfind('\n');
  for (const OptionSpec* spec : kOptions) {
    if (spec->flag.empty()) continue;
    const std::string item = fmt::format("{} {},", spec->flag, spec->env);
    if (line + 1 + item.size() > 92) {
      text += "\n";
      line = 0;
    } else {
      text += ' ';
      ++line;
    }
    text += item;
    line += item.size();
  }
  text.back() = '.';
  text +=
      "\nFlags override the environment, which overrides the defaults.\n"
      "`oceandash fetch noaa --dry-run` fetches once; OCEAN_SOURCE_<ID>_URL replaces a source's\n"
      "servers with one base URL.\n\n";
  return text;
}

std::string EnvFooter() {
  std::string text = "Environment only (secrets stay off the command line):\n";
  for (const OptionSpec* spec : kOptions) {
    if (spec->flag.empty()) text += fmt::format("  {:<22} {}\n", spec->env, spec->help);
  }
  text += fmt::format("  {:<22} file holding that key (also {})\n", option::kApiKeyFile.env,
                      option::kApiKeyFile.flag);
  text += "With no key configured, writes answer 503: the service is never open by default.";
  return text;
}

// An option named by the table; `help` replaces the table's where a subcommand means the
// option differently (healthcheck's --port is the server's, not its own).
template <typename T>
CLI::Option* Add(CLI::App& app, const OptionSpec& spec, T& field, std::string_view help = {}) {
  CLI::Option* added =
      app.add_option(std::string(spec.flag), field, std::string(help.empty() ? spec.help : help));
  added->envname(std::string(spec.env));
  if (!spec.default_text.empty()) added->default_str(std::string(spec.default_text));
  return added;
}

CLI::Option* AddFlag(CLI::App& app, const OptionSpec& spec, bool& field) {
  return app.add_flag(std::string(spec.flag), field, std::string(spec.help))
      ->envname(std::string(spec.env));
}

// Options every subcommand that touches the database needs.
void AddStorageOptions(CLI::App& app, Config& c) {
  Add(app, option::kDatabase, c.database_url);
  Add(app, option::kDatabasePasswordFile, c.database_password_file);
  Add(app, option::kRedis, c.redis_url);
  Add(app, option::kLocations, c.locations_file);
  Add(app, option::kQcRules, c.qc_rules_file);
  Add(app, option::kRetentionDays, c.retention_days);
  Add(app, option::kLogLevel, c.log_level);
}

void AddServeOptions(CLI::App& app, Config& c) {
  Add(app, option::kHost, c.host);
  Add(app, option::kPort, c.port);
  Add(app, option::kStatic, c.static_dir);
  Add(app, option::kApiKeyFile, c.api_key_file);
  Add(app, option::kMaxBodyBytes, c.max_body_bytes);
  Add(app, option::kCorsOrigins, c.cors_origins_text);
  Add(app, option::kThreads, c.threads);
  Add(app, option::kWorkers, c.workers);
  Add(app, option::kCacheMaxMb, c.cache_max_mb);
  AddFlag(app, option::kNoScheduler, c.no_scheduler);
  Add(app, option::kSources, c.sources_file);
  AddFlag(app, option::kDemo, c.demo);
  Add(app, option::kDemoDir, c.demo_dir);
  Add(app, option::kBackupStatusFile, c.backup_status_file);
}

void AddFetchOptions(CLI::App& app, Config& c) {
  app.add_option("SOURCE", c.fetch_sources, "source ids from the sources file, or all")->required();
  app.add_option("--days", c.fetch_days,
                 "days back from now to fetch (default: each source's lookback_days)");
  app.add_flag("--dry-run", c.dry_run, "print what would be stored; write nothing");
  app.add_option("--ingest-url", c.ingest_url,
                 "POST the rows to this URL (a running server's /api/observations/ingest/) with "
                 "OCEAN_API_KEY instead of writing the database");
  Add(app, option::kSources, c.sources_file, "sources JSON file");
  Add(app, option::kApiKeyFile, c.api_key_file, "file holding the API key for --ingest-url");
}

// `oceandash healthcheck` asks the server this process's configuration would start, so it reads
// the same address and port settings.
void AddHealthcheckOptions(CLI::App& app, Config& c) {
  Add(app, option::kHost, c.host, "address the server listens on (0.0.0.0: ask 127.0.0.1)");
  Add(app, option::kPort, c.port, "port the server listens on");
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

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, ',')) {
    part = std::string(core::Trim(part));
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
  std::string secret(core::Trim(text.str()));
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

std::string Names(const OptionSpec& spec) {
  if (spec.flag.empty()) return std::string(spec.env);
  return fmt::format("{}/{}", spec.flag, spec.env);
}

std::string WithDatabasePassword(const std::string& url, const std::string& password) {
  const std::string kOption = Names(option::kDatabasePasswordFile);
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
    throw ConfigError(
        fmt::format("{}: {} is not a port number (0-65535)", Names(option::kPort), c.port));
  }
  if (c.host.empty()) throw ConfigError(Names(option::kHost) + ": must not be empty");
  const bool sqlite = c.database_url.starts_with("sqlite:");
  const bool postgres =
      c.database_url.starts_with("postgresql://") || c.database_url.starts_with("postgres://");
  if (!sqlite && !postgres) {
    throw ConfigError(Names(option::kDatabase) +
                      ": must start with sqlite: or postgresql:// (got a value with another "
                      "scheme)");
  }
  if (sqlite && c.database_url.size() == std::string_view("sqlite:").size()) {
    throw ConfigError(Names(option::kDatabase) +
                      ": sqlite: needs a file path, e.g. sqlite:oceandash.db");
  }
  if (!c.redis_url.empty() && !c.redis_url.starts_with("redis://")) {
    throw ConfigError(Names(option::kRedis) + ": must start with redis://");
  }
  if (c.retention_days < 1 || c.retention_days > 3650) {
    throw ConfigError(
        fmt::format("{}: {} is outside 1-3650", Names(option::kRetentionDays), c.retention_days));
  }
  if (c.max_body_bytes < 1024 || c.max_body_bytes > (std::size_t{1} << 30)) {
    throw ConfigError(Names(option::kMaxBodyBytes) + ": must be between 1024 and 1073741824");
  }
  static constexpr std::array<std::string_view, 6> kLevels = {"trace", "debug", "info",
                                                              "warn",  "error", "off"};
  if (std::find(kLevels.begin(), kLevels.end(), c.log_level) == kLevels.end()) {
    throw ConfigError(fmt::format("{}: \"{}\" is not one of trace, debug, info, warn, error, off",
                                  Names(option::kLogLevel), c.log_level));
  }
  if (c.threads < 0 || c.threads > 256)
    throw ConfigError(Names(option::kThreads) + ": must be 0-256");
  if (c.workers < 0 || c.workers > 256)
    throw ConfigError(Names(option::kWorkers) + ": must be 0-256");
  if (c.cache_max_mb < 0 || c.cache_max_mb > 4096) {
    throw ConfigError(Names(option::kCacheMaxMb) + ": must be 0-4096");
  }
  if (!c.static_dir.empty() && !std::filesystem::is_directory(c.static_dir)) {
    throw ConfigError(
        fmt::format("{}: {} is not a directory", Names(option::kStatic), c.static_dir));
  }
  c.cors_allowed_origins = SplitComma(c.cors_origins_text);

  if (!c.api_key_file.empty()) {
    c.api_key = ReadSecretFile(c.api_key_file, Names(option::kApiKeyFile));
  }
  if (!c.database_password_file.empty()) {
    c.database_url = WithDatabasePassword(
        c.database_url,
        ReadSecretFile(c.database_password_file, Names(option::kDatabasePasswordFile)));
    c.database_password_file.clear();  // read once: Validate may run again on this Config
  }
  if (!c.api_key.empty() && c.api_key.size() < 16) {
    throw ConfigError(Names(option::kApiKey) +
                      ": must be at least 16 characters (a random string)");
  }

  if (c.locations_file.empty()) {
    c.locations_file = FindShippedFile("locations.json");
  } else if (!std::filesystem::is_regular_file(c.locations_file)) {
    throw ConfigError(
        fmt::format("{}: {} is not a readable file", Names(option::kLocations), c.locations_file));
  }

  if (c.qc_rules_file.empty()) {
    c.qc_rules_file = FindShippedFile("qc.json");
  } else if (!std::filesystem::is_regular_file(c.qc_rules_file)) {
    throw ConfigError(
        fmt::format("{}: {} is not a readable file", Names(option::kQcRules), c.qc_rules_file));
  }

  if (c.sources_file.empty()) {
    c.sources_file = FindShippedFile("sources.json");
  } else if (!std::filesystem::is_regular_file(c.sources_file)) {
    throw ConfigError(
        fmt::format("{}: {} is not a readable file", Names(option::kSources), c.sources_file));
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
      throw ConfigError(fmt::format("--ingest-url: needs the API key ({} or {})",
                                    option::kApiKey.env, option::kApiKeyFile.flag));
    }
  }
}

std::optional<Invocation> ParseCommandLine(int argc, const char* const* argv, int& exit_code) {
  Invocation invocation;
  Config& c = invocation.config;
  if (const char* key = std::getenv(std::string(option::kApiKey.env).c_str())) {
    c.api_key = core::Trim(key);
  }

  CLI::App app{"oceandash: ocean conditions service (API, dashboard, scheduler)", "oceandash"};
  app.footer(RootFooter() + EnvFooter());
  app.require_subcommand(1);
  auto* serve = app.add_subcommand("serve", "run the HTTP API and dashboard");
  AddStorageOptions(*serve, c);
  AddServeOptions(*serve, c);
  serve->footer(EnvFooter());
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
  Add(*lambda, option::kLocations, c.locations_file);
  Add(*lambda, option::kSources, c.sources_file, "sources JSON file");

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
  auto* climatology = app.add_subcommand(
      "climatology",
      "fetch each site's long daily record from ERDDAP (SST: NOAA OISST v2.1, 1991-2020; "
      "chlorophyll: the chlorophyll_a source's primary dataset, 2012-2023), resuming a stopped "
      "download, then compute and store its climatology");
  AddStorageOptions(*climatology, c);
  Add(*climatology, option::kSources, c.sources_file,
      "sources JSON file (the chlorophyll dataset)");
  climatology->add_option("--location", c.climatology_location,
                          "location id (default: every configured location)");
  climatology
      ->add_option("--parameter", c.climatology_parameters,
                   "sst or chlorophyll; repeat for both (default: both)")
      ->check(CLI::IsMember({"sst", "chlorophyll"}));
  climatology->add_flag("--refresh", c.climatology_refresh,
                        "fetch the whole record again and recompute the climatology");

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
  if (*climatology) invocation.command = Command::kClimatology;
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
      throw ConfigError(
          fmt::format("{}: {} is not a port number (1-65535)", Names(option::kPort), c.port));
    }
    if (c.host.empty()) throw ConfigError(Names(option::kHost) + ": must not be empty");
    return invocation;
  }
  c.scheduler = !c.no_scheduler;
  if (c.demo) {
    if (serve->get_option(std::string(option::kDatabase.flag))->count() == 0)
      c.database_url = kDemoDatabase;
    if (c.demo_dir.empty()) {
      c.demo_dir = FindDemoDir();
      if (c.demo_dir.empty()) {
        throw ConfigError(fmt::format("{}: demo/manifest.json not found; set {}",
                                      option::kDemo.flag, Names(option::kDemoDir)));
      }
    } else if (!std::filesystem::is_regular_file(std::filesystem::path(c.demo_dir) /
                                                 kDemoManifest)) {
      throw ConfigError(
          fmt::format("{}: {} has no manifest.json", Names(option::kDemoDir), c.demo_dir));
    }
  }
  Validate(c);
  if (invocation.command == Command::kClimatology && c.locations_file.empty()) {
    throw ConfigError(Names(option::kLocations) + ": config/locations.json not found; set it");
  }
  if (invocation.command == Command::kFetch) {
    if (c.sources_file.empty()) {
      throw ConfigError(Names(option::kSources) + ": config/sources.json not found; set it");
    }
    if (c.locations_file.empty()) {
      throw ConfigError(Names(option::kLocations) + ": config/locations.json not found; set it");
    }
  }
  return invocation;
}

}  // namespace ocean::config
