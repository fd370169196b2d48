// The HTTP contract, end to end: the real binary against SQLite and a real PostgreSQL.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fstream>
#include <set>

#include "harness.hpp"

namespace ocean::testing {
namespace {

using ::testing::HasSubstr;
namespace json = boost::json;

const std::vector<std::string> kAuth = {"Authorization: Bearer test-key-0123456789abcdef",
                                        "Content-Type: application/json"};

long long HourAligned(long long ms) { return ms - ms % 3'600'000LL; }

class ApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      pg_ = std::make_unique<PgDatabase>();
      database_url_ = pg_->url();
    } else {
      database_url_ = "sqlite:" + dir_.path() + "/test.db";
    }
  }

  std::unique_ptr<Server> Start(std::vector<std::string> args = {},
                                std::map<std::string, std::string> env = {}) {
    env.emplace("DATABASE_URL", database_url_);
    env.emplace("OCEAN_API_KEY", kApiKey);
    env.emplace("OCEAN_LOCATIONS_FILE", SourceDir() + "/config/locations.json");
    args.push_back("--no-scheduler");
    return std::make_unique<Server>(ServerOptions{args, env});
  }

  HttpResult Ingest(Server& server, const std::string& body,
                    const std::vector<std::string>& headers = kAuth) {
    return Fetch("POST", server.Url("/api/observations/ingest/"), body, headers);
  }

  static void ExpectError(const HttpResult& result, long status, const std::string& code) {
    EXPECT_EQ(result.status, status) << result.body;
    EXPECT_THAT(result.Header("content-type"), HasSubstr("application/json"));
    const auto body = result.Json();
    ASSERT_TRUE(body.is_object()) << result.body;
    EXPECT_EQ(body.at("error").at("code").as_string(), code) << result.body;
    EXPECT_TRUE(body.at("error").at("message").is_string());
    EXPECT_TRUE(body.at("error").at("details").is_array());
  }

  TempDir dir_;
  std::unique_ptr<PgDatabase> pg_;
  std::string database_url_;
};

TEST_P(ApiTest, HealthLocationsParameters) {
  auto server = Start();
  auto health = Fetch("GET", server->Url("/api/health/"));
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.Json().at("status").as_string(), "ok");
  EXPECT_EQ(health.Json().at("database").as_string(), "ok");
  EXPECT_EQ(health.Json().at("cache").as_string(), "ok");
  EXPECT_EQ(health.Json().at("database_kind").as_string(),
            GetParam() == "postgres" ? "postgresql" : "sqlite");
  EXPECT_TRUE(health.Json().at("version").is_string());

  const auto locations = Fetch("GET", server->Url("/api/locations/"));
  EXPECT_EQ(locations.status, 200);
  EXPECT_EQ(locations.Json().as_array().size(), 12u);
  const auto locations_json = locations.Json();
  const auto& first = locations_json.as_array()[0].as_object();
  for (const char* field : {"id", "name", "latitude", "longitude", "description"}) {
    EXPECT_TRUE(first.contains(field)) << field;
  }

  const auto one = Fetch("GET", server->Url("/api/locations/monterey-bay/"));
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.Json().at("name").as_string(), "Monterey Bay (MBARI M1)");
  EXPECT_TRUE(one.Json().at("latest").as_array().empty());
  EXPECT_TRUE(one.Json().at("cells").as_array().empty());
  ExpectError(Fetch("GET", server->Url("/api/locations/atlantis/")), 404, "not_found");

  const auto parameters = Fetch("GET", server->Url("/api/parameters/"));
  std::set<std::string> ids;
  const auto parameters_json = parameters.Json();
  for (const auto& p : parameters_json.as_array()) {
    ids.insert(std::string(p.at("id").as_string()));
    EXPECT_TRUE(p.at("valid_min").is_number());
    EXPECT_TRUE(p.at("standard_name").is_string());
  }
  EXPECT_EQ(ids, (std::set<std::string>{"sst", "chlorophyll_a", "salinity", "wave_height",
                                        "current_u", "current_v", "sea_surface_height"}));
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_P(ApiTest, IngestAuthAndErrors) {
  auto server = Start();
  const std::string rows =
      Observations("monterey-bay", "sst", 3, HourAligned(NowMs()) - 86'400'000);
  ExpectError(Ingest(*server, rows, {"Content-Type: application/json"}), 401, "unauthorized");
  EXPECT_EQ(Ingest(*server, rows, {"Content-Type: application/json"}).Header("www-authenticate"),
            "Bearer");
  ExpectError(
      Ingest(*server, rows,
             {"Authorization: Bearer wrong-key-0123456789abcde", "Content-Type: application/json"}),
      401, "unauthorized");
  ExpectError(
      Ingest(*server, rows,
             {"Authorization: Bearer test-key-0123456789abcdef", "Content-Type: text/plain"}),
      415, "unsupported_media_type");
  ExpectError(Ingest(*server, "[{\"location_id\":"), 400, "bad_request");

  // All or nothing: one bad row among good ones stores nothing.
  std::string mixed = rows;
  mixed.pop_back();
  mixed +=
      R"(,{"location_id":"monterey-bay","parameter":"sst","timestamp":"2026-11-01T00:00:00Z","value":99,"source":"test"}])";
  const auto rejected = Ingest(*server, mixed);
  ExpectError(rejected, 400, "validation_error");
  const auto rejected_json = rejected.Json();
  const auto& detail = rejected_json.at("error").at("details").as_array()[0];
  EXPECT_EQ(detail.at("index").as_int64(), 3);
  EXPECT_EQ(detail.at("field").as_string(), "value");
  EXPECT_EQ(Fetch("GET", server->Url("/api/observations/")).Json().at("count").as_int64(), 0);

  const auto ok = Ingest(*server, rows);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Json().at("received").as_int64(), 3);
  EXPECT_EQ(ok.Json().at("inserted").as_int64(), 3);
  EXPECT_EQ(ok.Json().at("updated").as_int64(), 0);
  // Idempotent re-ingest: same keys update, nothing duplicates.
  const auto again = Ingest(*server, rows);
  EXPECT_EQ(again.Json().at("inserted").as_int64(), 0);
  EXPECT_EQ(again.Json().at("updated").as_int64(), 3);
  EXPECT_EQ(Fetch("GET", server->Url("/api/observations/")).Json().at("count").as_int64(), 3);
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_P(ApiTest, WritesDisabledWithoutKeyAndBodyLimit) {
  std::map<std::string, std::string> env = {
      {"DATABASE_URL", database_url_},
      {"OCEAN_MAX_BODY_BYTES", "2048"},
      {"OCEAN_LOCATIONS_FILE", SourceDir() + "/config/locations.json"}};
  Server server(ServerOptions{{"--no-scheduler"}, env});
  const auto result = Fetch("POST", server.Url("/api/observations/ingest/"), "[]", kAuth);
  ExpectError(result, 503, "writes_disabled");
  EXPECT_THAT(result.Json().at("error").at("message").as_string().c_str(),
              HasSubstr("OCEAN_API_KEY"));
  const auto big = Fetch("POST", server.Url("/api/observations/ingest/"),
                         Observations("monterey-bay", "sst", 100, HourAligned(NowMs())), kAuth);
  ExpectError(big, 413, "payload_too_large");
}

// The backup job's status file (OCEAN_BACKUP_STATUS_FILE) as /api/health/ reports it: read on
// every request, so a failure written by the job shows at once.
TEST_P(ApiTest, HealthReportsTheBackupStatusFile) {
  const std::string status_file = dir_.path() + "/backup-status.json";
  auto plain = Start();
  EXPECT_FALSE(Fetch("GET", plain->Url("/api/health/")).Json().as_object().contains("backup"));
  plain.reset();

  auto server = Start({}, {{"OCEAN_BACKUP_STATUS_FILE", status_file}});
  auto health = Fetch("GET", server->Url("/api/health/"));
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.Json().at("status").as_string(), "ok") << health.body;
  EXPECT_EQ(health.Json().at("backup").at("status").as_string(), "none") << health.body;

  std::ofstream(status_file) << R"({"last_attempt":"2026-12-07T02:30:00Z","last_success":null,)"
                             << R"("last_error":"pg_dump failed: password authentication failed"})";
  health = Fetch("GET", server->Url("/api/health/"));
  EXPECT_EQ(health.status, 200) << health.body;
  const auto body = health.Json();
  EXPECT_EQ(body.at("status").as_string(), "degraded") << health.body;
  EXPECT_EQ(body.at("backup").at("status").as_string(), "failed") << health.body;
  EXPECT_EQ(body.at("backup").at("last_error").as_string(),
            "pg_dump failed: password authentication failed");
  EXPECT_TRUE(body.at("backup").at("last_success").is_null());
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_P(ApiTest, RoutingErrors) {
  auto server = Start();
  ExpectError(Fetch("GET", server->Url("/api/nothing/")), 404, "not_found");
  const auto wrong = Fetch("DELETE", server->Url("/api/locations/"));
  ExpectError(wrong, 405, "method_not_allowed");
  EXPECT_THAT(wrong.Header("allow"), HasSubstr("GET"));
  const auto post = Fetch("GET", server->Url("/api/observations/ingest/"));
  ExpectError(post, 405, "method_not_allowed");
  EXPECT_THAT(post.Header("allow"), HasSubstr("POST"));
  ExpectError(Fetch("GET", server->Url("/api/observations/?limit=abc")), 400, "validation_error");
  ExpectError(Fetch("GET", server->Url("/api/observations/?location=atlantis")), 400,
              "validation_error");
  ExpectError(Fetch("GET", server->Url("/api/observations/series/?location=monterey-bay")), 400,
              "validation_error");
  const auto openapi = Fetch("GET", server->Url("/api/openapi.json"));
  EXPECT_EQ(openapi.status, 200);
  EXPECT_EQ(openapi.Json().at("openapi").as_string(), "3.0.3");
}

TEST_P(ApiTest, PaginationWithoutGapsOrRepeatsAndCsv) {
  auto server = Start();
  const long long start = HourAligned(NowMs()) - 20LL * 86'400'000;
  // Three locations share every timestamp: the keyset must break ties.
  for (const char* location : {"monterey-bay", "dogger-bank", "station-aloha"}) {
    ASSERT_EQ(Ingest(*server, Observations(location, "sst", 400, start)).status, 200);
  }
  std::set<std::string> seen;
  std::string url = server->Url("/api/observations/?limit=250");
  int pages = 0;
  while (!url.empty()) {
    const auto page = Fetch("GET", url);
    ASSERT_EQ(page.status, 200) << page.body;
    const auto body = page.Json();
    EXPECT_EQ(body.at("count").as_int64(), 1200);
    for (const auto& row : body.at("results").as_array()) {
      const std::string key = fmt::format("{}|{}", row.at("location_id").as_string().c_str(),
                                          row.at("timestamp").as_string().c_str());
      EXPECT_TRUE(seen.insert(key).second) << "repeated " << key;
      EXPECT_TRUE(row.at("timestamp").as_string().ends_with("Z"));
    }
    ++pages;
    url = body.at("next").is_null() ? "" : std::string(body.at("next").as_string());
  }
  EXPECT_EQ(seen.size(), 1200u);
  EXPECT_EQ(pages, 5);

  const auto csv =
      Fetch("GET", server->Url("/api/observations/?location=monterey-bay&limit=10&format=csv"));
  EXPECT_EQ(csv.status, 200);
  EXPECT_THAT(csv.Header("content-type"), HasSubstr("text/csv"));
  EXPECT_TRUE(
      csv.body.starts_with("location_id,parameter,timestamp,value,quality_flag,source\r\n"));
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 11);
  EXPECT_THAT(csv.Header("link"), HasSubstr("rel=\"next\""));
  const auto accept = Fetch("GET", server->Url("/api/observations/?location=dogger-bank&limit=5"),
                            "", {"Accept: text/csv"});
  EXPECT_THAT(accept.Header("content-type"), HasSubstr("text/csv"));
  EXPECT_THAT(accept.body, HasSubstr("dogger-bank,sst,"));
}

TEST_P(ApiTest, LatestSeriesAndEtag) {
  auto server = Start();
  const long long start = HourAligned(NowMs()) - 29LL * 86'400'000;
  ASSERT_EQ(Ingest(*server, Observations("monterey-bay", "sst", 690, start)).status, 200);
  ASSERT_EQ(Ingest(*server, Observations("monterey-bay", "chlorophyll_a", 10, start, 0.5)).status,
            200);
  ASSERT_EQ(Ingest(*server, Observations("dogger-bank", "sst", 5, start, 9.0)).status, 200);

  const auto latest = Fetch("GET", server->Url("/api/observations/latest/?location=monterey-bay"));
  ASSERT_EQ(latest.status, 200);
  ASSERT_EQ(latest.Json().as_array().size(), 2u);
  const auto all_latest = Fetch("GET", server->Url("/api/observations/latest/"));
  EXPECT_EQ(all_latest.Json().as_array().size(), 3u);
  const auto location = Fetch("GET", server->Url("/api/locations/monterey-bay/"));
  EXPECT_EQ(location.Json().at("latest").as_array().size(), 2u);
  const auto location_json = location.Json();
  for (const auto& row : location_json.at("latest").as_array()) {
    if (row.at("parameter").as_string() == "sst") {
      EXPECT_EQ(row.at("timestamp").as_string(), FormatTs(start + 689 * 3'600'000LL));
    }
  }

  const auto series = Fetch(
      "GET",
      server->Url("/api/observations/series/?location=monterey-bay&parameter=sst&max_points=100"));
  ASSERT_EQ(series.status, 200) << series.body;
  const auto s = series.Json();
  EXPECT_EQ(s.at("unit").as_string(), "°C");
  EXPECT_EQ(s.at("t").as_array().size(), 100u);
  EXPECT_EQ(s.at("v").as_array().size(), 100u);
  EXPECT_EQ(s.at("q").as_array().size(), 100u);
  EXPECT_EQ(s.at("t").as_array().front().as_int64(), start);
  EXPECT_EQ(s.at("t").as_array().back().as_int64(), start + 689 * 3'600'000LL);
  EXPECT_EQ(s.at("q").as_array().front().as_int64(), 1);
  EXPECT_EQ(s.at("total_points").as_int64(), 690);

  // ETag and 304, then a write changes the representation.
  const auto url = server->Url("/api/observations/latest/");
  const auto first = Fetch("GET", url);
  const auto etag = first.Header("etag");
  ASSERT_FALSE(etag.empty());
  const auto not_modified = Fetch("GET", url, "", {"If-None-Match: " + etag});
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());
  ASSERT_EQ(Ingest(*server, Observations("dogger-bank", "sst", 6, start, 9.5)).status, 200);
  const auto changed = Fetch("GET", url, "", {"If-None-Match: " + etag});
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.Header("etag"), etag);
}

TEST_P(ApiTest, CleanupDeletesOldRows) {
  {
    auto server = Start();
    const long long old_start = HourAligned(NowMs()) - 40LL * 86'400'000;
    ASSERT_EQ(Ingest(*server, Observations("monterey-bay", "sst", 24, old_start)).status, 200);
    ASSERT_EQ(
        Ingest(*server, Observations("monterey-bay", "sst", 24, HourAligned(NowMs()) - 86'400'000))
            .status,
        200);
    EXPECT_EQ(server->Terminate(), 0);
  }
  const auto [status, out] = RunOceandash({"cleanup", "--database", database_url_});
  EXPECT_EQ(status, 0) << out;
  EXPECT_THAT(out, HasSubstr("deleted 24 observations older than 30 days"));
  const auto [again_status, again] = RunOceandash({"cleanup", "--database", database_url_});
  EXPECT_THAT(again, HasSubstr("deleted 0 observations"));
  const auto [migrate_status, migrate] = RunOceandash({"migrate", "--database", database_url_});
  EXPECT_EQ(migrate_status, 0) << migrate;
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ocean::testing
