#include "config/cli.hpp"

#include "config/options.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ocean::config {
namespace {

using ::testing::HasSubstr;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const OptionSpec* spec : kOptions) unsetenv(std::string(spec->env).c_str());
  }
  void TearDown() override { SetUp(); }

  static std::optional<Invocation> Parse(std::vector<const char*> args) {
    args.insert(args.begin(), "oceandash");
    int code = -1;
    return ParseCommandLine(static_cast<int>(args.size()), args.data(), code);
  }

  static std::string ErrorOf(std::vector<const char*> args) {
    try {
      Parse(std::move(args));
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(CliTest, Defaults) {
  const auto inv = Parse({"serve"});
  ASSERT_TRUE(inv);
  EXPECT_EQ(inv->command, Command::kServe);
  EXPECT_EQ(inv->config.port, 8000);
  EXPECT_EQ(inv->config.host, "0.0.0.0");
  EXPECT_EQ(inv->config.database_url, "sqlite:oceandash.db");
  EXPECT_TRUE(inv->config.redis_url.empty());
  EXPECT_EQ(inv->config.retention_days, 30);
  EXPECT_EQ(inv->config.max_body_bytes, 16u * 1024 * 1024);
  EXPECT_TRUE(inv->config.scheduler);
  EXPECT_TRUE(inv->config.api_key.empty());
}

TEST_F(CliTest, Climatology) {
  const std::string locations = std::string(OCEAN_TEST_SOURCE_DIR) + "/config/locations.json";
  auto inv = Parse({"climatology", "--locations", locations.c_str(), "--location", "monterey-bay",
                    "--parameter", "sst", "--refresh"});
  ASSERT_TRUE(inv);
  EXPECT_EQ(inv->command, Command::kClimatology);
  EXPECT_EQ(inv->config.climatology_location, "monterey-bay");
  EXPECT_EQ(inv->config.climatology_parameters, std::vector<std::string>{"sst"});
  EXPECT_TRUE(inv->config.climatology_refresh);
  inv = Parse({"climatology", "--locations", locations.c_str()});
  ASSERT_TRUE(inv);
  EXPECT_TRUE(inv->config.climatology_parameters.empty());  // both
  EXPECT_FALSE(inv->config.climatology_refresh);
  // Not one of sst, chlorophyll: a usage error.
  EXPECT_FALSE(Parse({"climatology", "--locations", locations.c_str(), "--parameter", "salinity"}));
}

TEST_F(CliTest, FlagsOverrideEnvironmentOverrideDefaults) {
  setenv("PORT", "9000", 1);
  setenv("DATABASE_URL", "sqlite:/tmp/env.db", 1);
  auto inv = Parse({"serve"});
  EXPECT_EQ(inv->config.port, 9000);
  EXPECT_EQ(inv->config.database_url, "sqlite:/tmp/env.db");
  inv = Parse({"serve", "--port", "9100", "--no-scheduler"});
  EXPECT_EQ(inv->config.port, 9100);
  EXPECT_FALSE(inv->config.scheduler);
  // Also when other subcommands read the same variables (migrate, cleanup, fetch, healthcheck).
  inv = Parse({"migrate", "--database", "sqlite:/tmp/flag.db"});
  EXPECT_EQ(inv->config.database_url, "sqlite:/tmp/flag.db");
  inv = Parse({"healthcheck", "--port", "9200"});
  EXPECT_EQ(inv->config.port, 9200);
}

TEST_F(CliTest, CorsAndApiKey) {
  setenv("CORS_ALLOWED_ORIGINS", "https://a.example, https://b.example", 1);
  setenv("OCEAN_API_KEY", "0123456789abcdef0123", 1);
  const auto inv = Parse({"serve"});
  EXPECT_THAT(inv->config.cors_allowed_origins,
              ::testing::ElementsAre("https://a.example", "https://b.example"));
  EXPECT_EQ(inv->config.api_key, "0123456789abcdef0123");
}

TEST_F(CliTest, BadValuesNameTheOption) {
  EXPECT_THAT(ErrorOf({"serve", "--port", "70000"}), HasSubstr("--port/PORT"));
  EXPECT_THAT(ErrorOf({"serve", "--database", "mysql://x"}), HasSubstr("--database/DATABASE_URL"));
  EXPECT_THAT(ErrorOf({"serve", "--redis", "http://x"}), HasSubstr("--redis/REDIS_URL"));
  EXPECT_THAT(ErrorOf({"serve", "--log-level", "loud"}), HasSubstr("OCEAN_LOG_LEVEL"));
  EXPECT_THAT(ErrorOf({"serve", "--static", "/nonexistent/dir"}), HasSubstr("--static"));
  EXPECT_THAT(ErrorOf({"serve", "--locations", "/nonexistent.json"}), HasSubstr("--locations"));
  EXPECT_THAT(ErrorOf({"serve", "--api-key-file", "/nonexistent"}), HasSubstr("--api-key-file"));
  setenv("OCEAN_RETENTION_DAYS", "0", 1);
  EXPECT_THAT(ErrorOf({"cleanup"}), HasSubstr("OCEAN_RETENTION_DAYS"));
  unsetenv("OCEAN_RETENTION_DAYS");
  setenv("OCEAN_API_KEY", "short", 1);
  EXPECT_THAT(ErrorOf({"serve"}), HasSubstr("OCEAN_API_KEY"));
}

TEST_F(CliTest, Fetch) {
  const std::string sources = std::string(OCEAN_TEST_SOURCE_DIR) + "/config/sources.json";
  const std::string locations = std::string(OCEAN_TEST_SOURCE_DIR) + "/config/locations.json";
  const auto inv = Parse({"fetch", "noaa", "ndbc", "--days", "3", "--dry-run", "--sources",
                          sources.c_str(), "--locations", locations.c_str()});
  ASSERT_TRUE(inv);
  EXPECT_EQ(inv->command, Command::kFetch);
  EXPECT_EQ(inv->config.fetch_sources, (std::vector<std::string>{"noaa", "ndbc"}));
  EXPECT_EQ(inv->config.fetch_days, 3);
  EXPECT_TRUE(inv->config.dry_run);
  EXPECT_EQ(inv->config.sources_file, sources);

  setenv("OCEAN_SOURCES_FILE", sources.c_str(), 1);
  const auto from_env = Parse({"fetch", "all", "--locations", locations.c_str()});
  ASSERT_TRUE(from_env);
  EXPECT_EQ(from_env->config.sources_file, sources);
  EXPECT_EQ(from_env->config.fetch_days, 0);  // each source's lookback_days
  EXPECT_FALSE(from_env->config.dry_run);

  EXPECT_FALSE(Parse({"fetch"}));  // a source is required
  EXPECT_THAT(ErrorOf({"fetch", "all", "--days", "400"}), HasSubstr("--days"));
  EXPECT_THAT(ErrorOf({"fetch", "all", "--sources", "/nonexistent.json"}),
              HasSubstr("--sources/OCEAN_SOURCES_FILE"));
  EXPECT_THAT(ErrorOf({"fetch", "all", "--ingest-url", "ftp://x"}), HasSubstr("--ingest-url"));
  EXPECT_THAT(
      ErrorOf({"fetch", "all", "--ingest-url", "http://localhost:8000/api/observations/ingest/"}),
      HasSubstr("needs the API key"));
  setenv("OCEAN_API_KEY", "0123456789abcdef", 1);
  EXPECT_THAT(ErrorOf({"fetch", "all", "--dry-run", "--ingest-url", "http://x/"}),
              HasSubstr("cannot be combined with --dry-run"));
  const auto ingest = Parse({"fetch", "all", "--locations", locations.c_str(), "--ingest-url",
                             "http://localhost:8000/api/observations/ingest/"});
  ASSERT_TRUE(ingest);
  EXPECT_EQ(ingest->config.ingest_url, "http://localhost:8000/api/observations/ingest/");
}

TEST_F(CliTest, DemoHasItsOwnDatabaseUnlessOneIsGiven) {
  const std::string demo_dir = std::string(OCEAN_TEST_SOURCE_DIR) + "/demo";
  auto inv = Parse({"serve", "--demo", "--demo-dir", demo_dir.c_str()});
  ASSERT_TRUE(inv);
  EXPECT_TRUE(inv->config.demo);
  EXPECT_EQ(inv->config.demo_dir, demo_dir);
  EXPECT_EQ(inv->config.database_url, "sqlite:oceandash-demo.db");

  inv =
      Parse({"serve", "--demo", "--demo-dir", demo_dir.c_str(), "--database", "sqlite:/tmp/x.db"});
  EXPECT_EQ(inv->config.database_url, "sqlite:/tmp/x.db");

  setenv("DATABASE_URL", "sqlite:/tmp/env.db", 1);
  setenv("OCEAN_DEMO", "1", 1);
  setenv("OCEAN_DEMO_DIR", demo_dir.c_str(), 1);
  inv = Parse({"serve"});
  EXPECT_TRUE(inv->config.demo);
  EXPECT_EQ(inv->config.database_url, "sqlite:/tmp/env.db");

  unsetenv("OCEAN_DEMO");
  unsetenv("DATABASE_URL");
  inv = Parse({"serve"});
  EXPECT_FALSE(inv->config.demo);
  EXPECT_EQ(inv->config.database_url, "sqlite:oceandash.db");
}

TEST_F(CliTest, DemoDirMustHoldTheSamples) {
  EXPECT_THAT(ErrorOf({"serve", "--demo", "--demo-dir", "/nonexistent"}),
              HasSubstr("--demo-dir/OCEAN_DEMO_DIR"));
}

// A file of `content` under the test's temporary folder.
std::string WriteTempFile(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("cli_test_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(path) << content;
  return path.string();
}

TEST_F(CliTest, DatabasePasswordFromAFileGoesIntoTheUrl) {
  const std::string secret = WriteTempFile("pgpass", "s3cret/p@ss:w0rd%\n");
  setenv("DATABASE_URL", "postgresql://ocean@postgres:5432/ocean", 1);
  setenv("DATABASE_PASSWORD_FILE", secret.c_str(), 1);
  auto inv = Parse({"serve"});
  ASSERT_TRUE(inv);
  // Percent-encoded, so libpq reads the password back exactly.
  EXPECT_EQ(inv->config.database_url,
            "postgresql://ocean:s3cret%2Fp%40ss%3Aw0rd%25@postgres:5432/ocean");
  inv = Parse({"migrate", "--database", "postgres://u@h/db?sslmode=disable"});
  ASSERT_TRUE(inv);
  EXPECT_EQ(inv->config.database_url,
            "postgres://u:s3cret%2Fp%40ss%3Aw0rd%25@h/db?sslmode=disable");

  EXPECT_THAT(ErrorOf({"serve", "--database", "postgresql://ocean:inline@postgres/ocean"}),
              HasSubstr("already holds a password"));
  EXPECT_THAT(ErrorOf({"serve", "--database", "postgresql://postgres/ocean"}),
              HasSubstr("needs a user name"));
  EXPECT_THAT(ErrorOf({"serve", "--database", "sqlite:x.db"}),
              HasSubstr("--database-password-file/DATABASE_PASSWORD_FILE"));
  setenv("DATABASE_PASSWORD_FILE", "/nonexistent/secret", 1);
  EXPECT_THAT(ErrorOf({"serve"}), HasSubstr("--database-password-file/DATABASE_PASSWORD_FILE: "
                                            "cannot read /nonexistent/secret"));
  const std::string empty = WriteTempFile("empty", "\n");
  setenv("DATABASE_PASSWORD_FILE", empty.c_str(), 1);
  EXPECT_THAT(ErrorOf({"serve"}), HasSubstr("is empty"));
  std::filesystem::remove(secret);
  std::filesystem::remove(empty);
}

TEST_F(CliTest, HealthcheckAsksTheServersAddress) {
  auto inv = Parse({"healthcheck"});
  ASSERT_TRUE(inv);
  EXPECT_EQ(inv->command, Command::kHealthcheck);
  EXPECT_EQ(inv->config.port, 8000);
  EXPECT_EQ(inv->config.host, "0.0.0.0");
  setenv("PORT", "9001", 1);
  setenv("OCEAN_HOST", "127.0.0.2", 1);
  inv = Parse({"healthcheck"});
  EXPECT_EQ(inv->config.port, 9001);
  EXPECT_EQ(inv->config.host, "127.0.0.2");
  EXPECT_EQ(Parse({"healthcheck", "--port", "9002"})->config.port, 9002);
  EXPECT_THAT(ErrorOf({"healthcheck", "--port", "0"}), HasSubstr("--port/PORT"));
}

TEST_F(CliTest, NonNumericPortIsUsageError) {
  EXPECT_FALSE(Parse({"serve", "--port", "abc"}));
  EXPECT_FALSE(Parse({}));
}

// The README's configuration table, row by row: {flag ("" for "—"), env, default ("" for
// "unset")}, without the backquotes.
std::vector<std::array<std::string, 3>> ReadmeConfigurationTable() {
  std::ifstream in(std::string(OCEAN_TEST_SOURCE_DIR) + "/README.md");
  std::vector<std::array<std::string, 3>> rows;
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.starts_with("## ")) in_section = line == "## Configuration";
    if (!in_section || !line.starts_with("| ")) continue;
    std::vector<std::string> cells;
    std::stringstream stream(line.substr(1));
    std::string cell;
    while (std::getline(stream, cell, '|')) {
      std::string text;
      for (const char c : cell) {
        if (c != '`') text += c;
      }
      const auto first = text.find_first_not_of(' ');
      const auto last = text.find_last_not_of(' ');
      cells.push_back(first == std::string::npos ? "" : text.substr(first, last - first + 1));
    }
    if (cells.size() < 3 || cells[0] == "flag") continue;
    if (cells[0] == "—") cells[0].clear();
    if (cells[2] == "unset") cells[2].clear();
    rows.push_back({cells[0], cells[1], cells[2]});
  }
  return rows;
}

TEST(ConfigurationTable, ReadmeListsExactlyTheOptions) {
  std::vector<std::array<std::string, 3>> expected;
  for (const OptionSpec* spec : kOptions) {
    expected.push_back(
        {std::string(spec->flag), std::string(spec->env), std::string(spec->default_text)});
  }
  EXPECT_THAT(ReadmeConfigurationTable(), ::testing::UnorderedElementsAreArray(expected));
}

// The table's defaults, which --help shows, are the ones Config starts with.
TEST_F(CliTest, TableDefaultsAreTheConfigDefaults) {
  const auto inv = Parse({"serve"});
  ASSERT_TRUE(inv);
  const Config& c = inv->config;
  EXPECT_EQ(std::to_string(c.port), option::kPort.default_text);
  EXPECT_EQ(c.host, option::kHost.default_text);
  EXPECT_EQ(c.database_url, option::kDatabase.default_text);
  EXPECT_EQ(c.redis_url, option::kRedis.default_text);
  EXPECT_EQ(std::to_string(c.retention_days), option::kRetentionDays.default_text);
  EXPECT_EQ(std::to_string(c.max_body_bytes), option::kMaxBodyBytes.default_text);
  EXPECT_EQ(c.log_level, option::kLogLevel.default_text);
  EXPECT_EQ(std::to_string(c.threads), option::kThreads.default_text);
  EXPECT_EQ(std::to_string(c.workers), option::kWorkers.default_text);
  EXPECT_EQ(std::to_string(c.cache_max_mb), option::kCacheMaxMb.default_text);
  EXPECT_TRUE(c.scheduler);
  EXPECT_FALSE(c.demo);
}

TEST_F(CliTest, HelpNamesEveryEnvironmentVariable) {
  std::vector<const char*> args = {"oceandash", "--help"};
  int code = -1;
  ::testing::internal::CaptureStdout();
  EXPECT_FALSE(ParseCommandLine(static_cast<int>(args.size()), args.data(), code));
  const std::string help = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(code, 0);
  for (const OptionSpec* spec : kOptions) EXPECT_THAT(help, HasSubstr(std::string(spec->env)));
}

}  // namespace
}  // namespace ocean::config
