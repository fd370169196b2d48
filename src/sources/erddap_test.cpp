// ERDDAP griddap against recorded payloads (tests/fixtures/erddap): the info table, queries,
// answers, error classification, and FetchErddap against a scriptable fake upstream on loopback.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <tuple>

#include "core/time.hpp"
#include "sources/erddap.hpp"
#include "sources/http_client.hpp"
#include "sources/source.hpp"
#include "sources/testing/fake_upstream.hpp"
#include "sources/testing/sources_test_support.hpp"

namespace ocean::sources {
namespace {

using testing::At;
using ::testing::ElementsAre;
using testing::ErrorFixture;
using testing::FakeUpstream;
using testing::FastOptions;
using testing::Fixture;
using ::testing::HasSubstr;
using testing::kWindow;
using testing::Monterey;
using testing::ReadFixture;
using testing::SleepLog;

ErddapDatasetInfo Info(std::string_view fixture, std::string_view variable) {
  auto parsed = ParseErddapInfo(ReadFixture(fixture), variable);
  EXPECT_TRUE(parsed.value) << parsed.error;
  return parsed.value.value_or(ErddapDatasetInfo{});
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
  EXPECT_DOUBLE_EQ(info.Axis("latitude")->min, -89.98125);
  EXPECT_EQ(info.Axis("latitude")->size, 4800u);
  EXPECT_EQ(info.Axis("altitude")->size, 1u);
  EXPECT_EQ(info.units, "mg m^-3");
}

TEST(ErddapInfo, EdgeDescribedGlobalLongitudeIsMinus180To180) {
  // The real axis: 9602 values from -180.01875 to 180.01874999999998. A maximum above 180 is
  // half a cell of overshoot here, not a 0..360 axis.
  const auto info = Info("erddap/noaacwNPPVIIRSchlaDaily_info.json", "chlor_a");
  const auto* longitude = info.Axis("longitude");
  ASSERT_NE(longitude, nullptr);
  EXPECT_EQ(longitude->size, 9602u);
  EXPECT_DOUBLE_EQ(longitude->min, -180.01875);
  EXPECT_DOUBLE_EQ(longitude->max, 180.01874999999998);
  EXPECT_EQ(info.longitude_convention, LongitudeConvention::kPlusMinus180);
  EXPECT_FALSE(info.LongitudeIs0To360());
  EXPECT_TRUE(Info("erddap/ncdcOisst21Agg_info.json", "sst").LongitudeIs0To360());
}

TEST(ErddapInfo, LongitudeAxisInNeitherConventionIsRefused) {
  std::string body = ReadFixture("erddap/jplMURSST41_info.json");
  const std::string range = "\"-179.99, 180.0\"";
  body.replace(body.find(range), range.size(), "\"-179.99, 359.99\"");
  EXPECT_THAT(ParseErddapInfo(body, "analysed_sst").error,
              HasSubstr("longitude axis -179.99 to 359.99 is neither -180 to 180 nor 0 to 360"));
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

// The query for Monterey over kWindow on the dataset `info` describes.
std::string MontereyQuery(const ErddapDatasetInfo& info, std::string_view variable) {
  const auto query = BuildGriddapQuery(info, variable, Monterey(), kWindow);
  EXPECT_TRUE(query.value) << query.error;
  return query.value.value_or("(no query)");
}

TEST(GriddapQuery, DimensionOrderTimesClampedToTheAxisAndPercentEncoded) {
  const auto info = Info("erddap/jplMURSST41_info.json", "analysed_sst");
  // The stop is the newest day on the server (2026-11-25T09:00Z), not "now": a stop past the
  // axis end would be a 404.
  EXPECT_EQ(MontereyQuery(info, "analysed_sst"),
            "analysed_sst%5B(2026-11-19T06:00:00Z):1:(2026-11-25T09:00:00Z)%5D"
            "%5B(36.73):1:(36.77)%5D%5B(-122.05):1:(-122.01)%5D");
}

TEST(GriddapQuery, AltitudeBracketAndDescendingLatitudeInStorageOrder) {
  const auto info = Info("erddap/noaacwNPPVIIRSchlaDaily_info.json", "chlor_a");
  EXPECT_EQ(MontereyQuery(info, "chlor_a"),
            "chlor_a%5B(2026-11-19T06:00:00Z):1:(2026-11-24T12:00:00Z)%5D%5B0%5D"
            "%5B(36.825):1:(36.675)%5D%5B(-122.105):1:(-121.955)%5D");
}

TEST(GriddapQuery, LongitudesIn0To360Convention) {
  const auto info = Info("erddap/ncdcOisst21Agg_info.json", "sst");
  EXPECT_TRUE(info.LongitudeIs0To360());
  EXPECT_THAT(MontereyQuery(info, "sst"),
              HasSubstr("%5B0%5D%5B(36.25):1:(37.25)%5D%5B(237.47):1:(238.47)%5D"));
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
  // The clouded nearest cell (36.76875, -122.04375) is skipped for its clear neighbour to the
  // south, as near to the site.
  EXPECT_DOUBLE_EQ(nearest[0].latitude, 36.73125);
  EXPECT_DOUBLE_EQ(nearest[0].longitude, -122.04375);
  EXPECT_DOUBLE_EQ(nearest[1].latitude, 36.76875);
  EXPECT_DOUBLE_EQ(nearest[1].longitude, -122.04375);
  EXPECT_NE(*nearest[0].value, 0.0);
}

TEST(GriddapJson, LongitudesComparedModulo360) {
  const auto cells = ParseGriddapJson(ReadFixture("erddap/ncdcOisst21Agg_monterey.json"), "sst");
  ASSERT_TRUE(cells.value) << cells.error;
  const auto nearest = NearestCellPerTime(*cells.value, 36.75, -122.03);
  ASSERT_EQ(nearest.size(), 1u);
  EXPECT_DOUBLE_EQ(nearest[0].longitude, 237.875 - 360.0);  // reported in -180..180
  EXPECT_DOUBLE_EQ(*nearest[0].value, 13.5);
}

TEST(GriddapJson, CellsPastTheSeamAreReportedInMinus180To180) {
  // An edge-described axis has cells at -180.01875 and 180.01875; a 0..360 one past 180.
  const std::vector<GridCell> cells = {
      {At("2026-11-22T12:00:00Z"), -16.5, -180.01875, 1.5},
      {At("2026-11-22T12:00:00Z"), -16.5, 179.94375, 1.4},
      {At("2026-11-23T12:00:00Z"), -16.5, 180.01875, 1.6},
      {At("2026-11-24T12:00:00Z"), -16.5, 360.0125, 1.7},
  };
  const auto nearest = NearestCellPerTime(cells, -16.5, 179.99);
  ASSERT_EQ(nearest.size(), 3u);
  EXPECT_DOUBLE_EQ(nearest[0].longitude, 179.98125);  // -180.01875 is 0.00875 away
  EXPECT_DOUBLE_EQ(*nearest[0].value, 1.5);
  EXPECT_DOUBLE_EQ(nearest[1].longitude, 180.01875 - 360.0);
  EXPECT_NEAR(nearest[2].longitude, 0.0125, 1e-9);
  for (const auto& cell : nearest) {
    EXPECT_GE(cell.longitude, -180.0);
    EXPECT_LE(cell.longitude, 180.0);
  }
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
  // A dataset served by the fake upstream under `prefix`, unscaled.
  ServerConfig OnUpstream(const std::string& prefix, std::string dataset, std::string variable,
                          std::string units = "") const {
    return {upstream.BaseUrl() + prefix + "/erddap",
            std::move(dataset),
            std::move(variable),
            1.0,
            0.0,
            std::move(units)};
  }
  ServerConfig Mur(const std::string& prefix = "/a") const {
    return OnUpstream(prefix, "jplMURSST41", "analysed_sst", "degree_C");
  }
  ServerConfig Viirs(const std::string& prefix = "/b") const {
    return OnUpstream(prefix, "noaacwNPPVIIRSchlaDaily", "chlor_a");
  }
  // The SST fallback, answering in kelvin.
  ServerConfig Blended(const std::string& prefix = "/k") const {
    return OnUpstream(prefix, "noaacwBLENDEDsstDNDaily", "analysed_sst");
  }
  // The dataset's recorded info page and Monterey answer, under `prefix`.
  void ServeDataset(const std::string& prefix, const std::string& dataset) {
    upstream.Serve(prefix + "/erddap/info/" + dataset + "/index.json",
                   Fixture("erddap/" + dataset + "_info.json"));
    upstream.Serve(prefix + "/erddap/griddap/" + dataset + ".json",
                   Fixture("erddap/" + dataset + "_monterey.json"));
  }
  void ServeBlended(const std::string& prefix = "/k") {
    ServeDataset(prefix, "noaacwBLENDEDsstDNDaily");
  }
  void ServeMur(const std::string& prefix = "/a") { ServeDataset(prefix, "jplMURSST41"); }
  void ServeViirs(const std::string& prefix = "/b") {
    ServeDataset(prefix, "noaacwNPPVIIRSchlaDaily");
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

TEST_F(ErddapFetch, ScaleAndOffsetApplyAfterTheUnitConversion) {
  ServeMur();
  auto server = Mur();
  server.offset = -273.15;  // an offset the dataset's units (degree_C) do not call for
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

TEST_F(ErddapFetch, SiteWestOfGreenwichOnAnEdgeDescribedAxis) {
  // The real VIIRS axis runs -180.01875 .. 180.01874999999998: a site at -119.9 is on it as it
  // is, not at 240.1.
  core::Location channel;
  channel.id = "santa-barbara-channel";
  channel.name = "Santa Barbara Channel";
  channel.latitude = 34.25;
  channel.longitude = -119.9;
  upstream.Serve("/b/erddap/info/noaacwNPPVIIRSchlaDaily/index.json",
                 Fixture("erddap/noaacwNPPVIIRSchlaDaily_info.json"));
  upstream.Serve("/b/erddap/griddap/noaacwNPPVIIRSchlaDaily.json",
                 Fixture("erddap/noaacwNPPVIIRSchlaDaily_channel.json"));
  const std::vector<core::Location> locations = {channel};
  const auto result =
      FetchSource(ErddapSource({Viirs()}, "chlorophyll_a"), locations, kWindow, http);
  EXPECT_TRUE(result.errors.empty()) << result.errors.front();
  EXPECT_FALSE(result.failed);
  ASSERT_EQ(result.rows.size(), 1u);
  const auto& row = result.rows[0];
  EXPECT_EQ(row.observation.location_id, "santa-barbara-channel");
  EXPECT_EQ(row.observation.timestamp_ms, At("2026-11-23T12:00:00Z"));
  EXPECT_DOUBLE_EQ(row.observation.value, 2.62);
  EXPECT_DOUBLE_EQ(*row.cell_latitude, 34.25625);
  EXPECT_DOUBLE_EQ(*row.cell_longitude, -119.90625);
  EXPECT_THAT(upstream.Requests().back().target,
              HasSubstr("%5B0%5D%5B(34.325):1:(34.175)%5D%5B(-119.975):1:(-119.825)%5D"));
}

TEST_F(ErddapFetch, PrimaryFailsAndAKelvinFallbackIsConvertedToCelsius) {
  upstream.Serve("/a/erddap/info/jplMURSST41/index.json",
                 ErrorFixture("erddap/error_internal.txt", 500));
  ServeBlended();
  // The primary's configured units (degree_C) are not the fallback's: its own info says kelvin.
  const auto blended = Blended();
  const auto result = Fetch(ErddapSource({Mur(), blended}, "sst"));
  EXPECT_FALSE(result.failed);
  EXPECT_TRUE(result.errors.empty()) << result.errors.front();
  EXPECT_EQ(result.server_used, blended.url);
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_NEAR(result.rows[0].observation.value, 287.54 - 273.15, 1e-9);
  EXPECT_NEAR(result.rows[1].observation.value, 287.64 - 273.15, 1e-9);
  for (const auto& row : result.rows) {
    EXPECT_EQ(row.observation.quality_flag, core::QualityFlag::kNotEvaluated);
    EXPECT_DOUBLE_EQ(*row.cell_latitude, 36.725);
    EXPECT_DOUBLE_EQ(*row.cell_longitude, -122.025);
  }
}

TEST_F(ErddapFetch, UnconvertibleUnitsFailThatServerNamingTheDatasetAndUnit) {
  // A chlorophyll dataset configured, by mistake, as the primary of an SST source.
  ServeViirs();
  ServeMur("/a");
  auto wrong = Viirs();
  wrong.variable = "chlor_a";
  const auto result = Fetch(ErddapSource({wrong, Mur()}, "sst"));
  EXPECT_FALSE(result.failed);
  EXPECT_EQ(result.server_used, Mur().url);
  EXPECT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(upstream.RequestCount("/b/erddap/griddap/noaacwNPPVIIRSchlaDaily.json"), 0);

  const auto alone = Fetch(ErddapSource({wrong}, "sst"));
  EXPECT_TRUE(alone.failed);
  ASSERT_EQ(alone.errors.size(), 1u);
  EXPECT_THAT(alone.errors[0],
              HasSubstr("source test, dataset noaacwNPPVIIRSchlaDaily: chlor_a is in \"mg m^-3\", "
                        "which cannot be converted to sst's °C"));
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
  ServeBlended();
  const auto result = Fetch(ErddapSource({Mur(), Blended()}, "sst"));
  EXPECT_FALSE(result.failed);
  EXPECT_TRUE(result.errors.empty());
  EXPECT_EQ(result.server_used, Blended().url);
  EXPECT_EQ(result.rows.size(), 2u);
}

TEST_F(ErddapFetch, UnknownDatasetOnTheDataRequestAlsoFallsBack) {
  upstream.Serve("/a/erddap/info/jplMURSST41/index.json", Fixture("erddap/jplMURSST41_info.json"));
  upstream.Serve("/a/erddap/griddap/jplMURSST41.json",
                 ErrorFixture("erddap/error_unknown_dataset.txt", 404));
  ServeBlended();
  const auto result = Fetch(ErddapSource({Mur(), Blended()}, "sst"));
  EXPECT_EQ(upstream.RequestCount("/a/erddap/griddap/jplMURSST41.json"), 1);
  EXPECT_EQ(result.server_used, Blended().url);
  EXPECT_EQ(result.rows.size(), 2u);
}

TEST_F(ErddapFetch, ServerErrorsFallBackAfterRetries) {
  ServeMur();
  upstream.Serve("/a/erddap/griddap/jplMURSST41.json",
                 ErrorFixture("erddap/error_internal.txt", 503));
  ServeBlended();
  const auto result = Fetch(ErddapSource({Mur(), Blended()}, "sst"));
  EXPECT_FALSE(result.failed);
  EXPECT_EQ(result.server_used, Blended().url);
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

}  // namespace
}  // namespace ocean::sources
