// ERDDAP, NDBC, the sources file and the HTTP client, against recorded payloads
// (tests/fixtures/erddap, tests/fixtures/ndbc) served by a scriptable fake upstream on loopback.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "core/time.hpp"
#include "sources/erddap.hpp"
#include "sources/http_client.hpp"
#include "sources/ndbc.hpp"
#include "sources/source.hpp"
#include "sources/source_config.hpp"
#include "sources/testing/fake_upstream.hpp"

namespace ocean::sources {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using testing::FakeResponse;
using testing::FakeUpstream;
using ::testing::HasSubstr;
using testing::ReadFixture;

core::EpochMs At(std::string_view text) { return *core::ParseTimestamp(text); }

// The 7 days before 2026-11-26T06:00Z, as a run at that time asks for.
const FetchWindow kWindow{At("2026-11-19T06:00:00Z"), At("2026-11-26T06:00:00Z")};

core::Location Monterey() {
  core::Location location;
  location.id = "monterey-bay";
  location.name = "Monterey Bay";
  location.latitude = 36.75;
  location.longitude = -122.03;
  location.ndbc_station = "46042";
  return location;
}

ErddapDatasetInfo Info(std::string_view fixture, std::string_view variable) {
  auto parsed = ParseErddapInfo(ReadFixture(fixture), variable);
  EXPECT_TRUE(parsed.value) << parsed.error;
  return parsed.value.value_or(ErddapDatasetInfo{});
}

FakeResponse Fixture(std::string_view file, int status = 200,
                     std::string_view type = testing::kJsonType) {
  return {status, std::string(type), ReadFixture(file), 0ms, {}};
}

FakeResponse ErrorFixture(std::string_view file, int status) {
  return Fixture(file, status, testing::kErrorType);
}

// Records waits instead of sleeping.
struct SleepLog {
  std::mutex mutex;
  std::vector<std::chrono::milliseconds> waits;
  std::function<void(std::chrono::milliseconds)> Fn() {
    return [this](std::chrono::milliseconds delay) {
      std::lock_guard lock(mutex);
      waits.push_back(delay);
    };
  }
};

HttpClientOptions FastOptions(SleepLog& sleeps) {
  HttpClientOptions options;
  options.connect_timeout = 2s;
  options.total_timeout = 5s;
  options.max_attempts = 3;
  options.sleep = sleeps.Fn();
  return options;
}

SourceConfig ErddapSource(const std::vector<ServerConfig>& servers, std::string parameter) {
  SourceConfig source;
  source.id = "test";
  source.kind = SourceKind::kErddapGriddap;
  source.name = "test";
  source.servers = servers;
  source.parameter = std::move(parameter);
  return source;
}

// --- ERDDAP info ------------------------------------------------------------------------------

TEST(ErddapInfo, AxisOrderWithoutAltitude) {
  const auto info = Info("erddap/jplMURSST41_info.json", "analysed_sst");
  EXPECT_THAT(info.dimensions, ElementsAre("time", "latitude", "longitude"));
  ASSERT_EQ(info.axes.size(), 3u);
  EXPECT_FALSE(info.Axis("latitude")->descending);
  EXPECT_DOUBLE_EQ(info.Axis("latitude")->spacing, 0.01);
  EXPECT_DOUBLE_EQ(info.Axis("longitude")->max, 180.0);
  EXPECT_FALSE(info.LongitudeIs0To360());
  EXPECT_EQ(info.units, "degree_C");
}

TEST(ErddapInfo, AxisOrderWithAltitudeAndDescendingLatitude) {
  const auto info = Info("erddap/noaacwNPPVIIRSchlaDaily_info.json", "chlor_a");
  EXPECT_THAT(info.dimensions, ElementsAre("time", "altitude", "latitude", "longitude"));
  // actual_range is "min, max" even for a descending axis; the sign of averageSpacing tells.
  EXPECT_TRUE(info.Axis("latitude")->descending);
  EXPECT_DOUBLE_EQ(info.Axis("latitude")->spacing, 0.0375);
  EXPECT_DOUBLE_EQ(info.Axis("latitude")->min, -89.75625);
  EXPECT_EQ(info.Axis("altitude")->size, 1u);
  EXPECT_EQ(info.units, "mg m^-3");
}

TEST(ErddapInfo, Refusals) {
  EXPECT_THAT(ParseErddapInfo(ReadFixture("erddap/jplMURSST41_info.json"), "chlor_a").error,
              HasSubstr("no variable \"chlor_a\""));
  EXPECT_THAT(ParseErddapInfo(ReadFixture("erddap/html_error.html"), "x").error, HasSubstr("HTML"));
  EXPECT_THAT(ParseErddapInfo(ReadFixture("erddap/truncated.json"), "x").error,
              HasSubstr("not valid JSON"));
  EXPECT_THAT(ParseErddapInfo(ReadFixture("erddap/jplMURSST41_monterey.json"), "x").error,
              HasSubstr("not an info table"));
}

// --- Queries ----------------------------------------------------------------------------------

TEST(GriddapQuery, DimensionOrderTimesClampedToTheAxisAndPercentEncoded) {
  const auto info = Info("erddap/jplMURSST41_info.json", "analysed_sst");
  const auto query = BuildGriddapQuery(info, "analysed_sst", Monterey(), kWindow);
  ASSERT_TRUE(query.value) << query.error;
  // The stop is the newest day on the server (2026-11-25T09:00Z), not "now": a stop past the
  // axis end would be a 404.
  EXPECT_EQ(*query.value,
            "analysed_sst%5B(2026-11-19T06:00:00Z):1:(2026-11-25T09:00:00Z)%5D"
            "%5B(36.73):1:(36.77)%5D%5B(-122.05):1:(-122.01)%5D");
}

TEST(GriddapQuery, AltitudeBracketAndDescendingLatitudeInStorageOrder) {
  const auto info = Info("erddap/noaacwNPPVIIRSchlaDaily_info.json", "chlor_a");
  const auto query = BuildGriddapQuery(info, "chlor_a", Monterey(), kWindow);
  ASSERT_TRUE(query.value) << query.error;
  EXPECT_EQ(*query.value,
            "chlor_a%5B(2026-11-19T06:00:00Z):1:(2026-11-24T12:00:00Z)%5D%5B0%5D"
            "%5B(36.825):1:(36.675)%5D%5B(-122.105):1:(-121.955)%5D");
}

TEST(GriddapQuery, LongitudesIn0To360Convention) {
  const auto info = Info("erddap/ncdcOisst21Agg_info.json", "sst");
  EXPECT_TRUE(info.LongitudeIs0To360());
  const auto query = BuildGriddapQuery(info, "sst", Monterey(), kWindow);
  ASSERT_TRUE(query.value) << query.error;
  EXPECT_THAT(*query.value, HasSubstr("%5B0%5D%5B(36.25):1:(37.25)%5D%5B(237.47):1:(238.47)%5D"));
}

TEST(GriddapQuery, WindowBeyondTheAxisAndPointsOffTheGrid) {
  const auto info = Info("erddap/jplMURSST41_info.json", "analysed_sst");
  const FetchWindow future{At("2026-11-26T00:00:00Z"), At("2026-11-27T00:00:00Z")};
  const auto empty = BuildGriddapQuery(info, "analysed_sst", Monterey(), future);
  ASSERT_TRUE(empty.value);
  EXPECT_EQ(*empty.value, "");  // nothing to ask: not an error

  auto regional = info;
  for (auto& axis : regional.axes) {
    if (axis.name == "latitude") axis.min = 0.0, axis.max = 10.0;
  }
  const auto off = BuildGriddapQuery(regional, "analysed_sst", Monterey(), kWindow);
  EXPECT_FALSE(off.value);
  EXPECT_THAT(off.error, HasSubstr("latitude 36.75 is outside the dataset"));
}

TEST(GriddapQuery, PlusIsEncoded) {
  EXPECT_EQ(EncodeGriddapQuery("time[last+0] a\"b"), "time%5Blast%2B0%5D%20a%22b");
  EXPECT_EQ(EncodeGriddapQuery("x[(1.5):1:(-2)]"), "x%5B(1.5):1:(-2)%5D");
}

// --- Answers ----------------------------------------------------------------------------------

TEST(GriddapJson, NullIsMissingNeverZero) {
  const auto cells =
      ParseGriddapJson(ReadFixture("erddap/jplMURSST41_monterey.json"), "analysed_sst");
  ASSERT_TRUE(cells.value) << cells.error;
  ASSERT_EQ(cells.value->size(), 75u);
  EXPECT_FALSE((*cells.value)[2].value.has_value());  // land
  EXPECT_DOUBLE_EQ(*(*cells.value)[0].value, 14.38);
  for (const auto& cell : *cells.value) {
    if (cell.value) {
      EXPECT_NE(*cell.value, 0.0);
    }
  }
}

TEST(GriddapJson, GarbageIsAnErrorNotACrash) {
  EXPECT_THAT(ParseGriddapJson(ReadFixture("erddap/truncated.json"), "analysed_sst").error,
              HasSubstr("not valid JSON"));
  EXPECT_THAT(ParseGriddapJson(ReadFixture("erddap/html_error.html"), "analysed_sst").error,
              HasSubstr("HTML"));
  EXPECT_THAT(ParseGriddapJson(ReadFixture("erddap/wrong_columns.json"), "analysed_sst").error,
              HasSubstr("unexpected columns [station, time, wtmp]"));
  EXPECT_THAT(ParseGriddapJson(R"({"table":{"columnNames":["time","latitude","longitude","v"],
      "rows":[["2026-11-22T09:00:00Z",1,2,"x"]]}})",
                               "v")
                  .error,
              HasSubstr("neither a number nor null"));
  EXPECT_THAT(ParseGriddapJson(R"({"table":{"columnNames":["time","latitude","longitude","v"],
      "rows":[["yesterday",1,2,3]]}})",
                               "v")
                  .error,
              HasSubstr("time"));
}

TEST(GriddapJson, LandCellsGiveTheNearestOceanCell) {
  const auto cells =
      ParseGriddapJson(ReadFixture("erddap/jplMURSST41_monterey.json"), "analysed_sst");
  const auto nearest = NearestCellPerTime(*cells.value, 36.75, -122.03);
  // 2026-11-23 has no value anywhere: left out, not zero.
  ASSERT_EQ(nearest.size(), 2u);
  EXPECT_EQ(nearest[0].time_ms, At("2026-11-22T09:00:00Z"));
  EXPECT_DOUBLE_EQ(nearest[0].latitude, 36.75);
  EXPECT_DOUBLE_EQ(nearest[0].longitude, -122.04);
  EXPECT_DOUBLE_EQ(*nearest[0].value, 14.39);
  EXPECT_EQ(nearest[1].time_ms, At("2026-11-24T09:00:00Z"));
  EXPECT_DOUBLE_EQ(*nearest[1].value, 14.59);
}

TEST(GriddapJson, CloudOverTheNearestCellUsesTheNextClearOne) {
  const auto cells =
      ParseGriddapJson(ReadFixture("erddap/noaacwNPPVIIRSchlaDaily_monterey.json"), "chlor_a");
  ASSERT_TRUE(cells.value) << cells.error;
  const auto nearest = NearestCellPerTime(*cells.value, 36.75, -122.03);
  ASSERT_EQ(nearest.size(), 2u);
  // The clouded nearest cell (36.75625, -122.03125) is skipped for its clear neighbour.
  EXPECT_DOUBLE_EQ(nearest[0].latitude, 36.75625);
  EXPECT_DOUBLE_EQ(nearest[0].longitude, -121.99375);
  EXPECT_DOUBLE_EQ(nearest[1].latitude, 36.75625);
  EXPECT_DOUBLE_EQ(nearest[1].longitude, -122.03125);
}

TEST(GriddapJson, LongitudesComparedModulo360) {
  const auto cells = ParseGriddapJson(ReadFixture("erddap/ncdcOisst21Agg_monterey.json"), "sst");
  ASSERT_TRUE(cells.value) << cells.error;
  const auto nearest = NearestCellPerTime(*cells.value, 36.75, -122.03);
  ASSERT_EQ(nearest.size(), 1u);
  EXPECT_DOUBLE_EQ(nearest[0].longitude, 237.875 - 360.0);  // reported in -180..180
  EXPECT_DOUBLE_EQ(*nearest[0].value, 13.5);
}

TEST(ErddapErrors, Classified) {
  EXPECT_EQ(ClassifyErddapError(404, ReadFixture("erddap/error_no_matching_results.txt")),
            ErddapFailure::kNoData);
  EXPECT_EQ(ClassifyErddapError(404, ReadFixture("erddap/error_unknown_dataset.txt")),
            ErddapFailure::kServerFailure);
  EXPECT_EQ(ClassifyErddapError(500, ReadFixture("erddap/error_internal.txt")),
            ErddapFailure::kServerFailure);
  EXPECT_EQ(ClassifyErddapError(429, ReadFixture("erddap/error_too_many_requests.txt")),
            ErddapFailure::kServerFailure);
  EXPECT_EQ(ClassifyErddapError(0, ""), ErddapFailure::kServerFailure);
  EXPECT_EQ(ClassifyErddapError(400, ReadFixture("erddap/error_bad_request.txt")),
            ErddapFailure::kRequestFailure);
}

// --- ERDDAP against the fake upstream ---------------------------------------------------------

class ErddapFetch : public ::testing::Test {
 protected:
  ServerConfig Mur(std::string prefix = "/a") const {
    return {upstream.BaseUrl() + prefix + "/erddap",
            "jplMURSST41",
            "analysed_sst",
            1.0,
            0.0,
            "degree_C"};
  }
  ServerConfig Viirs(std::string prefix = "/b") const {
    return {upstream.BaseUrl() + prefix + "/erddap",
            "noaacwNPPVIIRSchlaDaily",
            "chlor_a",
            1.0,
            0.0,
            ""};
  }
  void ServeMur(std::string prefix = "/a") {
    upstream.Serve(prefix + "/erddap/info/jplMURSST41/index.json",
                   Fixture("erddap/jplMURSST41_info.json"));
    upstream.Serve(prefix + "/erddap/griddap/jplMURSST41.json",
                   Fixture("erddap/jplMURSST41_monterey.json"));
  }
  void ServeViirs(std::string prefix = "/b") {
    upstream.Serve(prefix + "/erddap/info/noaacwNPPVIIRSchlaDaily/index.json",
                   Fixture("erddap/noaacwNPPVIIRSchlaDaily_info.json"));
    upstream.Serve(prefix + "/erddap/griddap/noaacwNPPVIIRSchlaDaily.json",
                   Fixture("erddap/noaacwNPPVIIRSchlaDaily_monterey.json"));
  }
  FetchResult Fetch(const SourceConfig& source) {
    const std::vector<core::Location> locations = {Monterey()};
    return FetchSource(source, locations, kWindow, http);
  }

  FakeUpstream upstream;
  SleepLog sleeps;
  HttpClient http{FastOptions(sleeps)};
};

TEST_F(ErddapFetch, NearestOceanCellPerDayWithTheCellRecorded) {
  ServeMur();
  const auto result = Fetch(ErddapSource({Mur()}, "sst"));
  EXPECT_FALSE(result.failed);
  EXPECT_TRUE(result.errors.empty()) << result.errors.front();
  EXPECT_EQ(result.server_used, Mur().url);
  ASSERT_EQ(result.rows.size(), 2u);
  const auto& row = result.rows[0];
  EXPECT_EQ(row.observation.location_id, "monterey-bay");
  EXPECT_EQ(row.observation.parameter, "sst");
  EXPECT_EQ(row.observation.source, "test");
  EXPECT_EQ(row.observation.timestamp_ms, At("2026-11-22T09:00:00Z"));
  EXPECT_DOUBLE_EQ(row.observation.value, 14.39);
  EXPECT_EQ(row.observation.quality_flag, core::QualityFlag::kNotEvaluated);
  EXPECT_DOUBLE_EQ(*row.cell_latitude, 36.75);
  EXPECT_DOUBLE_EQ(*row.cell_longitude, -122.04);
  // One info request per run and server, then one data request per location.
  EXPECT_EQ(upstream.RequestCount("/a/erddap/info/jplMURSST41/index.json"), 1);
  const auto requests = upstream.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_THAT(requests[1].target,
              HasSubstr("/a/erddap/griddap/jplMURSST41.json?analysed_sst%5B(2026-11-19T06"));
  EXPECT_EQ(requests[1].user_agent, kDefaultUserAgent);
}

TEST_F(ErddapFetch, ScaleAndOffsetConvertUnits) {
  ServeMur();
  auto server = Mur();
  server.offset = -273.15;  // as if the upstream were in kelvin
  server.units = "";
  const auto result = Fetch(ErddapSource({server}, "sst"));
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_NEAR(result.rows[0].observation.value, 14.39 - 273.15, 1e-9);
  EXPECT_EQ(result.rows[0].observation.quality_flag, core::QualityFlag::kBad);  // out of range
}

TEST_F(ErddapFetch, UnexpectedUnitsFailTheServer) {
  ServeMur();
  auto server = Mur();
  server.units = "kelvin";
  const auto result = Fetch(ErddapSource({server}, "sst"));
  EXPECT_TRUE(result.failed);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_THAT(result.errors[0], HasSubstr("configured for \"kelvin\""));
}

TEST_F(ErddapFetch, AltitudeAndDescendingLatitudeRequestedInStorageOrder) {
  ServeViirs();
  const auto result = Fetch(ErddapSource({Viirs()}, "chlorophyll_a"));
  ASSERT_EQ(result.rows.size(), 2u) << (result.errors.empty() ? "" : result.errors.front());
  EXPECT_THAT(upstream.Requests().back().target,
              HasSubstr("%5B0%5D%5B(36.825):1:(36.675)%5D%5B(-122.105):1:(-121.955)%5D"));
}

TEST_F(ErddapFetch, OutOfRangeValuesAreKeptAndFlaggedBad) {
  upstream.Serve("/c/erddap/info/erdMH1chla8day/index.json",
                 Fixture("erddap/erdMH1chla8day_info.json"));
  upstream.Serve("/c/erddap/griddap/erdMH1chla8day.json",
                 Fixture("erddap/erdMH1chla8day_monterey.json"));
  const ServerConfig server{
      upstream.BaseUrl() + "/c/erddap", "erdMH1chla8day", "chlorophyll", 1.0, 0.0, ""};
  const auto result = Fetch(ErddapSource({server}, "chlorophyll_a"));
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_DOUBLE_EQ(result.rows[0].observation.value, 150.0);
  EXPECT_EQ(result.rows[0].observation.quality_flag, core::QualityFlag::kBad);
  // No altitude bracket for this dataset; latitude north to south.
  EXPECT_THAT(upstream.Requests().back().target,
              HasSubstr("%5D%5B(36.833333):1:(36.666667)%5D%5B(-122.113333):1:(-121.946667)%5D"));
}

TEST_F(ErddapFetch, NoMatchingResultsIsAnEmptyAnswer) {
  upstream.Serve("/a/erddap/info/jplMURSST41/index.json", Fixture("erddap/jplMURSST41_info.json"));
  upstream.Serve("/a/erddap/griddap/jplMURSST41.json",
                 ErrorFixture("erddap/error_no_matching_results.txt", 404));
  const auto result = Fetch(ErddapSource({Mur(), Viirs()}, "sst"));
  EXPECT_FALSE(result.failed);
  EXPECT_TRUE(result.errors.empty());
  EXPECT_TRUE(result.rows.empty());
  EXPECT_EQ(upstream.RequestCount("/b/erddap/info/noaacwNPPVIIRSchlaDaily/index.json"), 0);
}

TEST_F(ErddapFetch, UnknownDatasetFallsBackToTheNextServer) {
  upstream.Serve("/a/erddap/info/jplMURSST41/index.json",
                 ErrorFixture("erddap/error_unknown_dataset.txt", 404));
  ServeViirs();
  const auto result = Fetch(ErddapSource({Mur(), Viirs()}, "chlorophyll_a"));
  EXPECT_FALSE(result.failed);
  EXPECT_TRUE(result.errors.empty());
  EXPECT_EQ(result.server_used, Viirs().url);
  EXPECT_EQ(result.rows.size(), 2u);
}

TEST_F(ErddapFetch, UnknownDatasetOnTheDataRequestAlsoFallsBack) {
  upstream.Serve("/a/erddap/info/jplMURSST41/index.json", Fixture("erddap/jplMURSST41_info.json"));
  upstream.Serve("/a/erddap/griddap/jplMURSST41.json",
                 ErrorFixture("erddap/error_unknown_dataset.txt", 404));
  ServeViirs();
  const auto result = Fetch(ErddapSource({Mur(), Viirs()}, "chlorophyll_a"));
  EXPECT_EQ(result.server_used, Viirs().url);
  EXPECT_EQ(result.rows.size(), 2u);
}

TEST_F(ErddapFetch, ServerErrorsFallBackAfterRetries) {
  ServeMur();
  upstream.Serve("/a/erddap/griddap/jplMURSST41.json",
                 ErrorFixture("erddap/error_internal.txt", 503));
  ServeViirs();
  const auto result = Fetch(ErddapSource({Mur(), Viirs()}, "chlorophyll_a"));
  EXPECT_FALSE(result.failed);
  EXPECT_EQ(result.server_used, Viirs().url);
  EXPECT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(upstream.RequestCount("/a/erddap/griddap/jplMURSST41.json"), 3);  // max_attempts
  EXPECT_EQ(sleeps.waits.size(), 2u);
}

TEST_F(ErddapFetch, EveryServerFailingFailsTheSource) {
  upstream.Serve("/a/erddap/info/jplMURSST41/index.json",
                 ErrorFixture("erddap/error_internal.txt", 500));
  const auto result = Fetch(ErddapSource({Mur(), Viirs()}, "sst"));
  EXPECT_TRUE(result.failed);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_THAT(result.errors[0], HasSubstr("monterey-bay: every server failed"));
  EXPECT_TRUE(result.rows.empty());
}

TEST_F(ErddapFetch, LocationsFailingAlikeAreReportedTogether) {
  upstream.Serve("/a/erddap/info/jplMURSST41/index.json",
                 ErrorFixture("erddap/error_unknown_dataset.txt", 404));
  std::vector<core::Location> locations(4, Monterey());
  for (std::size_t i = 0; i < locations.size(); ++i) locations[i].id = fmt::format("site-{}", i);
  const auto result = FetchSource(ErddapSource({Mur(), Viirs()}, "sst"), locations, kWindow, http);
  EXPECT_TRUE(result.failed);
  EXPECT_EQ(result.failed_locations, 4);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_THAT(result.errors[0],
              HasSubstr("4 locations: every server failed: " + Mur().url +
                        ": dataset info jplMURSST41: HTTP 404: Not Found: Currently unknown "
                        "datasetID=jplMURSST41 / " +
                        Viirs().url + ": dataset info "));
}

TEST_F(ErddapFetch, GarbageBodiesAreRecordedErrorsWithNothingReturned) {
  upstream.Serve("/a/erddap/info/jplMURSST41/index.json", Fixture("erddap/jplMURSST41_info.json"));
  for (const auto& [file, type, why] :
       {std::tuple{"erddap/truncated.json", testing::kJsonType, "not valid JSON"},
        std::tuple{"erddap/html_error.html", testing::kHtmlType, "HTML page"},
        std::tuple{"erddap/wrong_columns.json", testing::kJsonType, "unexpected columns"}}) {
    upstream.Serve("/a/erddap/griddap/jplMURSST41.json", Fixture(file, 200, type));
    const auto result = Fetch(ErddapSource({Mur()}, "sst"));
    EXPECT_TRUE(result.rows.empty()) << file;
    ASSERT_EQ(result.errors.size(), 1u) << file;
    EXPECT_THAT(result.errors[0], HasSubstr(why));
    EXPECT_EQ(result.failed_locations, 1);
  }
}

TEST_F(ErddapFetch, BadRequestIsALocationErrorWithoutFallback) {
  upstream.Serve("/a/erddap/info/jplMURSST41/index.json", Fixture("erddap/jplMURSST41_info.json"));
  upstream.Serve("/a/erddap/griddap/jplMURSST41.json",
                 ErrorFixture("erddap/error_bad_request.txt", 400));
  const auto result = Fetch(ErddapSource({Mur(), Viirs()}, "sst"));
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_THAT(result.errors[0], HasSubstr("HTTP 400: Bad Request: Query error"));
  EXPECT_EQ(upstream.RequestCount("/b/erddap/info/noaacwNPPVIIRSchlaDaily/index.json"), 0);
}

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
  EXPECT_THAT(ConfigError(good_head + R"("parameter":"sst","dataset":"d","variable":"v",
            "servers":["https://x"],"lookback_days":0}])"),
              HasSubstr("lookback_days: must be an integer in [1, 365]"));
  EXPECT_THAT(ConfigError(good_head + R"("parameter":"sst","dataset":"d","variable":"v",
            "servers":["https://x"],"schedule":"hourly"}])"),
              HasSubstr("schedule: must be five cron fields"));
  EXPECT_THAT(ConfigError(good_head + R"("parameter":"sst","dataset":"d","variable":"v",
            "servers":["https://x"],"scale":0}])"),
              HasSubstr("scale: must not be 0"));
  EXPECT_THAT(ConfigError(good_head + R"("parameter":"sst","dataset":"d","variable":"v",
            "servers":["https://x"],"datset":"typo"}])"),
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
