// NDBC, the sources file and the HTTP client, against recorded payloads (tests/fixtures/ndbc,
// tests/fixtures/erddap) served by a scriptable fake upstream on loopback. ERDDAP's own tests
// are in erddap_test.cpp.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "core/time.hpp"
#include "sources/http_client.hpp"
#include "sources/ndbc.hpp"
#include "sources/source.hpp"
#include "sources/source_config.hpp"
#include "sources/testing/fake_upstream.hpp"
#include "sources/testing/sources_test_support.hpp"

namespace ocean::sources {
namespace {

using namespace std::chrono_literals;
using testing::At;
using ::testing::ElementsAre;
using testing::FakeResponse;
using testing::FakeUpstream;
using testing::FastOptions;
using testing::Fixture;
using ::testing::HasSubstr;
using testing::kWindow;
using testing::Monterey;
using testing::ReadFixture;
using testing::SleepLog;

// --- NDBC -------------------------------------------------------------------------------------

TEST(NdbcParse, MissingValuesAndColumnsByName) {
  const std::vector<std::string> columns = {"WTMP", "WVHT"};
  const auto table = ParseNdbcRealtime(ReadFixture("ndbc/46042.txt"), columns);
  ASSERT_TRUE(table.value) << table.error;
  ASSERT_EQ(table.value->rows.size(), 6u);
  EXPECT_EQ(table.value->skipped_rows, 0u);
  const auto& first = table.value->rows[0];
  EXPECT_EQ(first.time_ms, At("2026-11-26T05:50:00Z"));
  EXPECT_DOUBLE_EQ(*first.values[0], 14.2);
  EXPECT_DOUBLE_EQ(*first.values[1], 2.1);
  EXPECT_FALSE(table.value->rows[1].values[1].has_value());  // WVHT MM
  EXPECT_FALSE(table.value->rows[2].values[0].has_value());  // WTMP MM
}

TEST(NdbcParse, HeaderIsChecked) {
  const std::vector<std::string> columns = {"WTMP", "WVHT"};
  EXPECT_THAT(ParseNdbcRealtime(ReadFixture("ndbc/wrong_header.txt"), columns).error,
              HasSubstr("no WTMP column"));
  EXPECT_THAT(ParseNdbcRealtime("2026 11 26 05 50 1 2\n", columns).error,
              HasSubstr("two '#' header lines"));
  EXPECT_THAT(ParseNdbcRealtime("#A B C D E WTMP WVHT\n#a b c d e f g\n", columns).error,
              HasSubstr("instead of YY MM DD hh mm"));
  EXPECT_THAT(ParseNdbcRealtime(ReadFixture("erddap/html_error.html"), columns).error,
              HasSubstr("header"));
  const auto ragged = ParseNdbcRealtime(
      "#YY  MM DD hh mm WTMP WVHT\n#yr  mo dy hr mn degC m\n2026 11 26 05 50 14.2\n"
      "2026 11 26 05 40 14.1 1.0\n2026 11 26 05 30 abc 1.0\n",
      columns);
  ASSERT_TRUE(ragged.value);
  EXPECT_EQ(ragged.value->rows.size(), 1u);
  EXPECT_EQ(ragged.value->skipped_rows, 2u);
}

TEST(NdbcParse, StationIdsAreUpperCaseInUrls) {
  EXPECT_EQ(NdbcRealtimeUrl("https://www.ndbc.noaa.gov", "nwpr1"),
            "https://www.ndbc.noaa.gov/data/realtime2/NWPR1.txt");
}

TEST(NdbcFetch, OneSourceFeedsTwoParametersInsideTheWindow) {
  FakeUpstream upstream;
  upstream.Serve("/data/realtime2/46042.txt", Fixture("ndbc/46042.txt", 200, testing::kTextType));
  SleepLog sleeps;
  HttpClient http(FastOptions(sleeps));
  SourceConfig source;
  source.id = "ndbc";
  source.kind = SourceKind::kNdbcRealtime;
  source.servers = {{upstream.BaseUrl(), "", "", 1.0, 0.0, ""}};
  source.variables = {{"WTMP", "sst", 1.0, 0.0}, {"WVHT", "wave_height", 1.0, 0.0}};
  auto no_station = Monterey();
  no_station.id = "elsewhere";
  no_station.ndbc_station = "";
  auto missing_station = Monterey();
  missing_station.id = "missing";
  missing_station.ndbc_station = "99999";
  const std::vector<core::Location> locations = {Monterey(), no_station, missing_station};
  const auto result = FetchSource(source, locations, kWindow, http);
  EXPECT_EQ(result.locations, 2);  // only locations with a station
  EXPECT_EQ(result.failed_locations, 1);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_THAT(result.errors[0], HasSubstr("missing: "));
  EXPECT_THAT(result.errors[0], HasSubstr("station 99999: HTTP 404"));
  int sst = 0;
  int waves = 0;
  for (const auto& row : result.rows) {
    EXPECT_EQ(row.observation.location_id, "monterey-bay");
    EXPECT_GE(row.observation.timestamp_ms, kWindow.start_ms);  // 2026-11-12 left out
    EXPECT_NE(row.observation.value, 0.0);
    (row.observation.parameter == "sst" ? sst : waves)++;
  }
  EXPECT_EQ(sst, 4);    // one WTMP is MM
  EXPECT_EQ(waves, 4);  // one WVHT is MM
}

// --- The sources file -------------------------------------------------------------------------

std::string ConfigError(std::string_view text) {
  try {
    ParseSources(text, "s.json");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(SourcesFile, TheShippedFileParses) {
  const auto sources = ParseSources(ReadFixture("../../config/sources.json"), "sources.json");
  ASSERT_GE(sources.size(), 3u);
  const auto& noaa = sources[0];
  EXPECT_EQ(noaa.id, "noaa");
  EXPECT_EQ(noaa.kind, SourceKind::kErddapGriddap);
  ASSERT_EQ(noaa.servers.size(), 2u);
  EXPECT_EQ(noaa.servers[0].dataset, "jplMURSST41");
  EXPECT_EQ(noaa.servers[1].dataset, "noaacwBLENDEDsstDNDaily");
  EXPECT_EQ(noaa.dataset, "jplMURSST41");
  EXPECT_EQ(noaa.parameter, "sst");
  EXPECT_EQ(noaa.lookback_days, 7);
  EXPECT_EQ(noaa.schedule, "0 */6 * * *");
  EXPECT_THAT(noaa.attribution, HasSubstr("doi:10.5067/GHGMR-4FJ04"));
  const auto& chl = sources[1];
  EXPECT_EQ(chl.servers[1].variable, "chlorophyll");
  const auto& ndbc = sources[2];
  EXPECT_EQ(ndbc.kind, SourceKind::kNdbcRealtime);
  ASSERT_EQ(ndbc.variables.size(), 2u);
  EXPECT_EQ(ndbc.variables[1].column, "WVHT");
  EXPECT_EQ(ndbc.variables[1].parameter, "wave_height");
}

TEST(SourcesFile, ServersInheritTheEntry) {
  const auto sources = ParseSources(
      R"([{"id":"x","kind":"erddap_griddap","name":"X","parameter":"sst","dataset":"d",
           "variable":"v","offset":-273.15,
           "servers":["https://a.example/erddap/",{"url":"https://b.example/erddap","dataset":"e"}]},
          {"id":"c","kind":"copernicus_arco","name":"C","product":"P","dataset":"cd",
           "variable":"thetao","parameter":"sst"}])",
      "s.json");
  ASSERT_EQ(sources[0].servers.size(), 2u);
  EXPECT_EQ(sources[0].servers[0].url, "https://a.example/erddap");  // trailing '/' dropped
  EXPECT_EQ(sources[0].servers[0].dataset, "d");
  EXPECT_EQ(sources[0].servers[1].dataset, "e");
  EXPECT_EQ(sources[0].servers[1].variable, "v");
  EXPECT_DOUBLE_EQ(sources[0].servers[1].offset, -273.15);
  EXPECT_EQ(sources[1].kind, SourceKind::kCopernicusArco);
  EXPECT_TRUE(sources[1].servers.empty());
  EXPECT_EQ(sources[1].product, "P");
}

TEST(SourcesFile, ErrorsNameFileEntryAndField) {
  EXPECT_THAT(ConfigError("{"), HasSubstr("s.json: not valid JSON"));
  EXPECT_THAT(ConfigError("[]"), HasSubstr("has no sources"));
  const std::string good_head = R"([{"id":"a","kind":"erddap_griddap","name":"A",)";
  EXPECT_EQ(ConfigError(good_head + R"("parameter":"sst","servers":[{"url":"ftp://x"}]}])"),
            "s.json: entry 0 (\"a\"): servers[0].url: must start with http:// or https://");
  EXPECT_EQ(ConfigError(good_head + R"("parameter":"sst","servers":["https://x"]}])"),
            "s.json: entry 0 (\"a\"): servers[0].dataset: missing (here or on the entry)");
  EXPECT_EQ(ConfigError(good_head + R"("parameter":"sea","dataset":"d","variable":"v",
            "servers":["https://x"]}])"),
            "s.json: entry 0 (\"a\"): parameter: \"sea\" is not a catalogue parameter (sst, "
            "chlorophyll_a, salinity, wave_height, current_u, current_v, sea_surface_height)");
  // A good entry but for one more field.
  const auto with = [&](std::string_view field) {
    return good_head +
           R"("parameter":"sst","dataset":"d","variable":"v","servers":["https://x"],)" +
           std::string(field) + "}]";
  };
  EXPECT_THAT(ConfigError(with(R"("lookback_days":0)")),
              HasSubstr("lookback_days: must be an integer in [1, 365]"));
  EXPECT_THAT(ConfigError(with(R"("schedule":"hourly")")),
              HasSubstr("schedule: must be five cron fields"));
  EXPECT_THAT(ConfigError(with(R"("scale":0)")), HasSubstr("scale: must not be 0"));
  EXPECT_THAT(ConfigError(with(R"("datset":"typo")")),
              HasSubstr("entry 0 (\"a\"): datset: unknown field"));
  EXPECT_THAT(ConfigError(R"([{"id":"A!","kind":"erddap_griddap"}])"),
              HasSubstr("entry 0: id: must be 1-32"));
  EXPECT_THAT(ConfigError(R"([{"id":"a","kind":"grib","name":"A"}])"),
              HasSubstr("entry 0 (\"a\"): kind: must be erddap_griddap"));
  EXPECT_THAT(ConfigError(R"([{"id":"n","kind":"ndbc_realtime","name":"N",
            "servers":["https://x"],"variables":[{"column":"WTMP","parameter":"sst"},
            {"column":"ATMP","parameter":"sst"}]}])"),
              HasSubstr("variables[1].parameter: \"sst\" is fed twice"));
  EXPECT_THAT(ConfigError(R"([{"id":"n","kind":"ndbc_realtime","name":"N",
            "servers":["https://x"]}])"),
              HasSubstr("entry 0 (\"n\"): variables: missing"));
  EXPECT_THAT(ConfigError(good_head + R"("parameter":"sst","dataset":"d","variable":"v",
            "servers":["https://x"]},)" +
                          good_head.substr(1) +
                          R"("parameter":"sst","dataset":"d","variable":"v",
            "servers":["https://x"]}])"),
              HasSubstr("entry 1 (\"a\"): id: duplicate id"));
}

TEST(SourcesFile, ErddapUnitsMustConvertToTheParameters) {
  const std::string head =
      R"([{"id":"a","kind":"erddap_griddap","name":"A","parameter":"sst","dataset":"d",
          "variable":"v",)";
  EXPECT_EQ(ConfigError(head + R"("servers":[{"url":"https://x","units":"furlongs"}]}])"),
            "s.json: entry 0 (\"a\"): servers[0].units: \"furlongs\" is not a unit that "
            "converts to sst's °C");
  EXPECT_THAT(ConfigError(head + R"("units":"mg m-3","servers":["https://x"]}])"),
              HasSubstr("entry 0 (\"a\"): units: \"mg m-3\" is not a unit that converts"));
  EXPECT_THAT(ConfigError(head + R"("servers":["https://x",
              {"url":"https://y","units":"kelvin","offset":-273.15}]}])"),
              HasSubstr("servers[1].units: \"kelvin\" is converted to °C by the fetcher; remove "
                        "scale and offset"));
  // Any spelling of a convertible unit is accepted, on the entry or a server.
  const auto sources = ParseSources(
      head + R"("units":"Celsius","servers":["https://x",{"url":"https://y","units":"K"}]}])",
      "s.json");
  ASSERT_EQ(sources[0].servers.size(), 2u);
  EXPECT_EQ(sources[0].servers[0].units, "Celsius");
  EXPECT_EQ(sources[0].servers[1].units, "K");
}

TEST(SourcesFile, UrlOverrideFromTheEnvironment) {
  EXPECT_EQ(UrlOverrideVariable("noaa"), "OCEAN_SOURCE_NOAA_URL");
  EXPECT_EQ(UrlOverrideVariable("sst-mur_2"), "OCEAN_SOURCE_SST_MUR_2_URL");
  auto sources = ParseSources(ReadFixture("../../config/sources.json"), "sources.json");
  const auto env = [](const char* name) -> const char* {
    return std::string_view(name) == "OCEAN_SOURCE_NOAA_URL" ? "http://127.0.0.1:9/erddap/"
                                                             : nullptr;
  };
  sources = WithUrlOverrides(std::move(sources), env);
  ASSERT_EQ(sources[0].servers.size(), 1u);
  EXPECT_EQ(sources[0].servers[0].url, "http://127.0.0.1:9/erddap");
  EXPECT_EQ(sources[0].servers[0].dataset, "jplMURSST41");  // the primary's dataset
  EXPECT_EQ(sources[1].servers.size(), 2u);                 // untouched
  const auto bad = [](const char*) -> const char* { return "file:///etc/passwd"; };
  EXPECT_THROW(WithUrlOverrides(std::move(sources), bad), std::runtime_error);
}

TEST(SourcesFile, Selection) {
  const auto sources = ParseSources(ReadFixture("../../config/sources.json"), "sources.json");
  const std::vector<std::string> all = {"all"};
  EXPECT_EQ(SelectSources(sources, all).size(), sources.size());
  const std::vector<std::string> two = {"ndbc", "noaa"};
  const auto selected = SelectSources(sources, two);
  ASSERT_EQ(selected.size(), 2u);
  EXPECT_EQ(selected[0].id, "noaa");  // file order
  const std::vector<std::string> unknown = {"nooa"};
  try {
    SelectSources(sources, unknown);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown source \"nooa\" (known: noaa, chlorophyll, ndbc"));
  }
}

// --- HTTP client ------------------------------------------------------------------------------

TEST(HttpClientPure, BackoffIsFullJitterAndRetryAfterIsCapped) {
  EXPECT_EQ(BackoffDelay(1, 1000ms, 30000ms, std::nullopt, 0.5), 500ms);
  EXPECT_EQ(BackoffDelay(3, 1000ms, 30000ms, std::nullopt, 0.999), 3996ms);
  EXPECT_EQ(BackoffDelay(10, 1000ms, 30000ms, std::nullopt, 1.0), 30000ms);
  EXPECT_EQ(BackoffDelay(2, 1000ms, 30000ms, std::nullopt, 0.0), 0ms);
  EXPECT_EQ(BackoffDelay(1, 1000ms, 30000ms, 7s, 0.1), 7000ms);
  EXPECT_EQ(BackoffDelay(1, 1000ms, 30000ms, 120s, 0.1), 30000ms);
}

TEST(HttpClientPure, HostFromUrl) {
  EXPECT_EQ(UrlHost("https://CoastWatch.pfeg.noaa.gov/erddap/info"), "coastwatch.pfeg.noaa.gov");
  EXPECT_EQ(UrlHost("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
  EXPECT_EQ(UrlHost("not a url"), std::nullopt);
}

TEST(HttpClientLive, TooManyRequestsThenSuccess) {
  FakeUpstream upstream;
  upstream.Serve("/x", {200, "text/plain", "hello", 0ms, {}});
  upstream.FailNext("/x", 2,
                    Fixture("erddap/error_too_many_requests.txt", 429, testing::kErrorType));
  SleepLog sleeps;
  HttpClient http(FastOptions(sleeps));
  const auto response = http.Get(upstream.BaseUrl() + "/x");
  EXPECT_TRUE(response.ok()) << response.Describe();
  EXPECT_EQ(response.body, "hello");
  EXPECT_EQ(response.attempts, 3);
  EXPECT_EQ(sleeps.waits.size(), 2u);
  EXPECT_LE(sleeps.waits[0], 1000ms);  // full jitter under base * 2^0
  EXPECT_LE(sleeps.waits[1], 2000ms);
}

TEST(HttpClientLive, RetryAfterIsHonouredAndCapped) {
  FakeUpstream upstream;
  upstream.Serve("/x", {200, "text/plain", "ok", 0ms, {}});
  upstream.FailNext("/x", 1, {503, "text/plain", "busy", 0ms, {{"Retry-After", "5"}}});
  upstream.FailNext("/x", 1, {503, "text/plain", "busy", 0ms, {{"Retry-After", "120"}}});
  SleepLog sleeps;
  HttpClient http(FastOptions(sleeps));
  EXPECT_TRUE(http.Get(upstream.BaseUrl() + "/x").ok());
  EXPECT_THAT(sleeps.waits, ElementsAre(5000ms, 30000ms));
}

TEST(HttpClientLive, GivesUpAfterMaxAttempts) {
  FakeUpstream upstream;
  upstream.Serve("/x", Fixture("erddap/error_internal.txt", 500, testing::kErrorType));
  SleepLog sleeps;
  HttpClient http(FastOptions(sleeps));
  const auto response = http.Get(upstream.BaseUrl() + "/x");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.attempts, 3);
  EXPECT_THAT(response.body, HasSubstr("Internal Server Error"));
  EXPECT_EQ(response.Describe(), "HTTP 500");
}

TEST(HttpClientLive, NotFoundIsNotRetried) {
  FakeUpstream upstream;
  SleepLog sleeps;
  HttpClient http(FastOptions(sleeps));
  const auto response = http.Get(upstream.BaseUrl() + "/nothing");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.attempts, 1);
}

TEST(HttpClientLive, TimeoutThenRetry) {
  FakeUpstream upstream;
  upstream.Serve("/slow", {200, "text/plain", "late but fine", 0ms, {}});
  upstream.FailNext("/slow", 1, {200, "text/plain", "too late", 1500ms, {}});
  SleepLog sleeps;
  auto options = FastOptions(sleeps);
  options.total_timeout = 300ms;
  HttpClient http(options);
  const auto response = http.Get(upstream.BaseUrl() + "/slow");
  EXPECT_TRUE(response.ok()) << response.Describe();
  EXPECT_EQ(response.body, "late but fine");
  EXPECT_EQ(response.attempts, 2);
}

TEST(HttpClientLive, TimeoutOnEveryAttemptIsAnError) {
  FakeUpstream upstream;
  upstream.Serve("/slow", {200, "text/plain", "x", 1000ms, {}});
  SleepLog sleeps;
  auto options = FastOptions(sleeps);
  options.total_timeout = 200ms;
  options.max_attempts = 2;
  HttpClient http(options);
  const auto response = http.Get(upstream.BaseUrl() + "/slow");
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(response.status, 0);
  EXPECT_THAT(response.error, HasSubstr("timeout after 200 ms"));
}

TEST(HttpClientLive, BodyCap) {
  FakeUpstream upstream;
  upstream.Serve("/big", {200, "text/plain", std::string(10'000, 'x'), 0ms, {}});
  SleepLog sleeps;
  auto options = FastOptions(sleeps);
  options.max_body_bytes = 1000;
  HttpClient http(options);
  const auto response = http.Get(upstream.BaseUrl() + "/big");
  EXPECT_FALSE(response.ok());
  EXPECT_THAT(response.error, HasSubstr("larger than 1000 bytes"));
  EXPECT_TRUE(response.body.empty());
}

TEST(HttpClientLive, ConnectionRefusedIsATransportError) {
  SleepLog sleeps;
  auto options = FastOptions(sleeps);
  options.max_attempts = 1;
  HttpClient http(options);
  const auto response = http.Get("http://127.0.0.1:1/x");
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.error.empty());
}

TEST(HttpClientLive, PerHostLimit) {
  FakeUpstream upstream;
  upstream.Serve("/x", {200, "text/plain", "ok", 200ms, {}});
  SleepLog sleeps;
  auto options = FastOptions(sleeps);
  options.max_per_host = 1;
  HttpClient http(options);
  const auto started = std::chrono::steady_clock::now();
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < 3; ++i) {
      threads.emplace_back([&] { EXPECT_TRUE(http.Get(upstream.BaseUrl() + "/x").ok()); });
    }
  }
  // One at a time: three 200 ms answers take at least 600 ms.
  EXPECT_GE(std::chrono::steady_clock::now() - started, 590ms);
}

TEST(HttpClientLive, PostSendsTheBody) {
  FakeUpstream upstream;
  upstream.Serve("/ingest", {200, "application/json", "{}", 0ms, {}});
  SleepLog sleeps;
  HttpClient http(FastOptions(sleeps));
  const auto response = http.Post(upstream.BaseUrl() + "/ingest", "[1,2]",
                                  {"Content-Type: application/json", "Authorization: Bearer k"});
  EXPECT_TRUE(response.ok());
  const auto requests = upstream.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].body, "[1,2]");
  EXPECT_EQ(requests[0].authorization, "Bearer k");
}

TEST(Flags, GrossRange) {
  EXPECT_EQ(FlagForValue("sst", 14.0), core::QualityFlag::kNotEvaluated);
  EXPECT_EQ(FlagForValue("sst", 45.0), core::QualityFlag::kBad);
  EXPECT_EQ(FlagForValue("chlorophyll_a", -0.1), core::QualityFlag::kBad);
}

}  // namespace
}  // namespace ocean::sources
