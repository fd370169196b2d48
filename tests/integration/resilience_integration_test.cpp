// Shared cache across processes, dependencies failing mid-run, start-up errors, shutdown.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "harness.hpp"

namespace ocean::testing {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kAuth = {"Authorization: Bearer test-key-0123456789abcdef",
                                        "Content-Type: application/json"};

long long HourAligned(long long ms) { return ms - ms % 3'600'000LL; }

std::map<std::string, std::string> Env(const std::string& database_url,
                                       const std::string& redis_url = "") {
  std::map<std::string, std::string> env = {
      {"DATABASE_URL", database_url},
      {"OCEAN_API_KEY", kApiKey},
      {"OCEAN_LOCATIONS_FILE", SourceDir() + "/config/locations.json"}};
  if (!redis_url.empty()) env["REDIS_URL"] = redis_url;
  return env;
}

long long Count(Server& server, const std::string& filter = "") {
  const auto page = Fetch("GET", server.Url("/api/observations/?limit=1" + filter));
  if (page.status != 200) return -1;
  return page.Json().at("count").as_int64();
}

// Restarts Redis when a test that stopped it ends, even on failure.
struct RedisGuard {
  ~RedisGuard() { Shell(ServicesScript() + " start-redis >/dev/null 2>&1"); }
};
struct PgGuard {
  ~PgGuard() { Shell(ServicesScript() + " start-pg >/dev/null 2>&1"); }
};

TEST(SharedCache, WriteInOneProcessIsSeenByTheOther) {
  PgDatabase db;
  ASSERT_EQ(Shell("redis-cli -u " + RedisUrl() + " FLUSHDB >/dev/null"), 0);
  Server a(ServerOptions{{"--no-scheduler"}, Env(db.url(), RedisUrl())});
  Server b(ServerOptions{{"--no-scheduler"}, Env(db.url(), RedisUrl())});
  EXPECT_EQ(Fetch("GET", a.Url("/api/health/")).Json().at("cache_kind").as_string(), "redis");
  const std::string url = "/api/observations/latest/?location=monterey-bay";
  // Warm both caches with the empty answer.
  EXPECT_EQ(Fetch("GET", a.Url(url)).body, "[]");
  EXPECT_EQ(Fetch("GET", b.Url(url)).body, "[]");
  const auto ingest =
      Fetch("POST", b.Url("/api/observations/ingest/"),
            Observations("monterey-bay", "sst", 2, HourAligned(NowMs()) - 7'200'000), kAuth);
  ASSERT_EQ(ingest.status, 200) << ingest.body;
  // Read right after the write, in the OTHER process: fresh.
  EXPECT_EQ(Fetch("GET", a.Url(url)).Json().as_array().size(), 1u);
  EXPECT_EQ(Fetch("GET", b.Url(url)).Json().as_array().size(), 1u);
  EXPECT_EQ(a.Terminate(), 0);
  EXPECT_EQ(b.Terminate(), 0);
}

// Two servers with in-process caches (no Redis) on one database: a write through one reaches
// the other's cache through the data version watch, within a few seconds.
void ExpectWriteSeenByOtherInProcessCache(const std::string& database_url) {
  Server a(ServerOptions{{"--no-scheduler"}, Env(database_url)});
  Server b(ServerOptions{{"--no-scheduler"}, Env(database_url)});
  ASSERT_EQ(Fetch("GET", a.Url("/api/health/")).Json().at("cache_kind").as_string(), "memory");
  const std::string url = "/api/observations/latest/?location=benguela-luderitz";
  // Let each server's watch take its first reading, then warm a's cache with the empty answer.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(Fetch("GET", a.Url(url)).body, "[]");
  EXPECT_EQ(Fetch("GET", a.Url(url)).body, "[]");
  const auto ingest =
      Fetch("POST", b.Url("/api/observations/ingest/"),
            Observations("benguela-luderitz", "sst", 2, HourAligned(NowMs()) - 7'200'000), kAuth);
  ASSERT_EQ(ingest.status, 200) << ingest.body;
  std::size_t seen = 0;
  for (int i = 0; i < 100 && seen == 0; ++i) {  // up to 10 s; about 2 s expected
    seen = Fetch("GET", a.Url(url)).Json().as_array().size();
    if (seen == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(seen, 1u);
  EXPECT_EQ(a.Terminate(), 0);
  EXPECT_EQ(b.Terminate(), 0);
}

TEST(SharedCache, InProcessCachesSeeOtherProcessesWritesOnPostgres) {
  PgDatabase db;
  ExpectWriteSeenByOtherInProcessCache(db.url());
}

TEST(SharedCache, InProcessCachesSeeOtherProcessesWritesOnSqlite) {
  TempDir dir;
  ExpectWriteSeenByOtherInProcessCache("sqlite:" + dir.path() + "/shared.db");
}

TEST(SharedCache, RedisDownKeepsServingAndRecovers) {
  PgDatabase db;
  RedisGuard guard;
  Server server(ServerOptions{{"--no-scheduler"}, Env(db.url(), RedisUrl())});
  const long long start = HourAligned(NowMs()) - 48 * 3'600'000LL;
  ASSERT_EQ(Fetch("POST", server.Url("/api/observations/ingest/"),
                  Observations("dogger-bank", "sst", 5, start), kAuth)
                .status,
            200);
  EXPECT_EQ(Count(server), 5);

  ASSERT_EQ(Shell(ServicesScript() + " stop-redis"), 0);
  // Served from the database; health names the degraded cache but stays 200.
  EXPECT_EQ(Count(server), 5);
  const auto ingest = Fetch("POST", server.Url("/api/observations/ingest/"),
                            Observations("dogger-bank", "sst", 10, start), kAuth);
  EXPECT_EQ(ingest.status, 200) << ingest.body;
  EXPECT_EQ(Count(server), 10);
  const auto health = Fetch("GET", server.Url("/api/health/"));
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.Json().at("cache").as_string(), "degraded");

  ASSERT_EQ(Shell(ServicesScript() + " start-redis"), 0);
  std::string cache_state;
  for (int i = 0; i < 100 && cache_state != "ok"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cache_state = Fetch("GET", server.Url("/api/health/")).Json().at("cache").as_string().c_str();
  }
  EXPECT_EQ(cache_state, "ok");
  EXPECT_EQ(Count(server), 10);
  EXPECT_EQ(server.Terminate(), 0);
}

TEST(Postgres, RestartMidRunLosesNoAcknowledgedRow) {
  PgDatabase db;
  PgGuard guard;
  Server server(ServerOptions{{"--no-scheduler"}, Env(db.url())});
  const long long start = HourAligned(NowMs()) - 20LL * 86'400'000;

  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::set<int> acknowledged;  // batch numbers answered 200
  int failures = 0;
  std::thread writer([&] {
    for (int batch = 0; batch < 400 && !stop; ++batch) {
      // Each batch writes 10 distinct hours of station-aloha.
      const auto result = Fetch(
          "POST", server.Url("/api/observations/ingest/"),
          Observations("station-aloha", "sst", 10, start + batch * 36'000'000LL), kAuth, 10000);
      std::lock_guard lock(mutex);
      if (result.status == 200) {
        acknowledged.insert(batch);
      } else {
        EXPECT_EQ(result.status, 503) << result.body;
        ++failures;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  ASSERT_EQ(Shell(ServicesScript() + " restart-pg"), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  stop = true;
  writer.join();

  // The server recovered by itself: reads and writes work again.
  HttpResult health;
  for (int i = 0; i < 50; ++i) {
    health = Fetch("GET", server.Url("/api/health/"));
    if (health.status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(health.status, 200) << health.body;
  // Every acknowledged batch is stored.
  const std::string stored = db.Query(
      "SELECT count(*) FROM observations o JOIN observation_series s ON s.id = o.series_id"
      " WHERE s.location_id = 'station-aloha'");
  std::lock_guard lock(mutex);
  EXPECT_GE(std::stoll(stored), static_cast<long long>(acknowledged.size()) * 10);
  EXPECT_GT(acknowledged.size(), 10u);
  for (const int batch : acknowledged) {
    const auto count = db.Query(fmt::format(
        "SELECT count(*) FROM observations o JOIN observation_series s ON s.id = o.series_id"
        " WHERE s.location_id = 'station-aloha' AND ts >= to_timestamp({}) AND ts < "
        "to_timestamp({})",
        (start + batch * 36'000'000LL) / 1000, (start + (batch + 1) * 36'000'000LL) / 1000));
    ASSERT_EQ(count, "10") << "acknowledged batch " << batch << " missing";
  }
  EXPECT_EQ(server.Terminate(), 0);
}

TEST(Postgres, DownAtRequestTimeAnswers503) {
  PgDatabase db;
  PgGuard guard;
  Server server(ServerOptions{{"--no-scheduler"}, Env(db.url())});
  ASSERT_EQ(Shell(ServicesScript() + " stop-pg"), 0);
  const auto health = Fetch("GET", server.Url("/api/health/"));
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(health.Json().at("database").as_string(), "unavailable");
  const auto page = Fetch("GET", server.Url("/api/observations/?location=dogger-bank"));
  EXPECT_EQ(page.status, 503);
  EXPECT_EQ(page.Json().at("error").at("code").as_string(), "service_unavailable");
  ASSERT_EQ(Shell(ServicesScript() + " start-pg"), 0);
  HttpResult again;
  for (int i = 0; i < 50; ++i) {
    again = Fetch("GET", server.Url("/api/observations/?location=dogger-bank"));
    if (again.status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(again.status, 200) << again.body;
}

TEST(StartUp, BadConfigurationStopsWithOneLine) {
  TempDir dir;
  const auto [status, out] = RunOceandash({"serve", "--port", "99999"});
  EXPECT_EQ(status, 2);
  EXPECT_THAT(out, HasSubstr("--port/PORT"));
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;

  const std::string bad_file = dir.path() + "/locations.json";
  Shell(
      "printf '%s' '[{\"id\":\"ok\",\"name\":\"Ok\",\"latitude\":1,\"longitude\":2},"
      "{\"id\":\"bad\",\"name\":\"Bad\",\"latitude\":\"north\",\"longitude\":2}]' > " +
      bad_file);
  const auto [status2, out2] =
      RunOceandash({"serve", "--no-scheduler", "--port", "0", "--locations", bad_file, "--database",
                    "sqlite:" + dir.path() + "/x.db"});
  EXPECT_NE(status2, 0);
  EXPECT_THAT(out2, HasSubstr(bad_file + ": entry 1 (\"bad\"): latitude: must be a number"));
}

TEST(StartUp, RefusesSchemaNewerThanBinary) {
  TempDir dir;
  const std::string db = dir.path() + "/new.db";
  const auto [migrate_status, migrate_out] =
      RunOceandash({"migrate", "--database", "sqlite:" + db});
  ASSERT_EQ(migrate_status, 0) << migrate_out;
  ASSERT_EQ(Shell("sqlite3 " + db +
                  " \"INSERT INTO schema_migrations(version, applied_at) VALUES (9999, 0)\""),
            0);
  const auto [status, out] = RunOceandash({"migrate", "--database", "sqlite:" + db});
  EXPECT_NE(status, 0);
  EXPECT_THAT(out, HasSubstr("newer"));
}

TEST(StartUp, MigrateIsIdempotentOnPostgres) {
  PgDatabase db;
  const auto first = RunOceandash({"migrate", "--database", db.url()});
  EXPECT_EQ(first.first, 0) << first.second;
  const auto second = RunOceandash({"migrate", "--database", db.url()});
  EXPECT_EQ(second.first, 0) << second.second;
  EXPECT_THAT(second.second, HasSubstr("(was "));
}

TEST(Shutdown, SigtermFinishesInFlightAndExitsZero) {
  TempDir dir;
  Server server(ServerOptions{{"--no-scheduler"}, Env("sqlite:" + dir.path() + "/s.db")});
  const long long start = HourAligned(NowMs()) - 25LL * 86'400'000;
  // A large ingest in flight while SIGTERM arrives must complete and be acknowledged.
  HttpResult result;
  std::thread client([&] {
    result = Fetch("POST", server.Url("/api/observations/ingest/"),
                   Observations("bermuda-bats", "sst", 5000, start), kAuth, 20000);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(server.Terminate(), 0);
  client.join();
  // Either it was accepted before the listener closed (then it completed), or it was refused.
  if (result.status != 0) {
    EXPECT_EQ(result.status, 200) << result.body;
  }
  const auto lines = server.StdoutLines();
  ASSERT_FALSE(lines.empty());
  EXPECT_THAT(lines.front(), HasSubstr("\"event\":\"start\""));
  EXPECT_THAT(lines.front(), HasSubstr("\"database\":\"sqlite\""));
  EXPECT_THAT(lines.front(), HasSubstr("\"cache\":\"memory\""));
  for (const auto& line : lines) EXPECT_THAT(line, ::testing::Not(HasSubstr(kApiKey)));
}

TEST(AccessLog, OneJsonLinePerRequest) {
  TempDir dir;
  Server server(ServerOptions{{"--no-scheduler"}, Env("sqlite:" + dir.path() + "/l.db")});
  Fetch("GET", server.Url("/api/parameters/"), "", {"X-Request-ID: trace-123"});
  Fetch("POST", server.Url("/api/observations/ingest/"), "[]", kAuth);
  EXPECT_EQ(server.Terminate(), 0);
  int matched = 0;
  for (const auto& line : server.StdoutLines()) {
    if (line.find("trace-123") == std::string::npos) continue;
    const auto entry = boost::json::parse(line);
    EXPECT_EQ(entry.at("method").as_string(), "GET");
    EXPECT_EQ(entry.at("path").as_string(), "/api/parameters/");
    EXPECT_EQ(entry.at("status").as_int64(), 200);
    EXPECT_TRUE(entry.at("duration_ms").is_number());
    EXPECT_GT(entry.at("bytes").as_int64(), 100);
    EXPECT_TRUE(entry.at("time").is_string());
    ++matched;
  }
  EXPECT_EQ(matched, 1);
  for (const auto& line : server.StdoutLines())
    EXPECT_THAT(line, ::testing::Not(HasSubstr(kApiKey)));
}

}  // namespace
}  // namespace ocean::testing
