// The pure renderers behind each resource's handler: rows in, the contract's body out.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/catalogue.hpp"
#include "api/health.hpp"
#include "api/ingest.hpp"
#include "api/locations.hpp"
#include "api/observations.hpp"
#include "api/series.hpp"
#include "api/sources.hpp"
#include "core/catalogue.hpp"

namespace ocean::api {
namespace {

constexpr core::EpochMs kNow = 1795672800000;  // 2026-11-26T06:00:00Z

core::StoredObservation Row(std::string location, double value, core::EpochMs t) {
  return {1, {std::move(location), "sst", t, value, core::QualityFlag::kGood, "noaa"}};
}

TEST(RenderLocations, ListAndDetail) {
  const std::vector<core::Location> locations = {{"a", "A \"bay\"", 36.75, -122.03, "d", ""}};
  const auto list = boost::json::parse(RenderLocations(locations));
  ASSERT_EQ(list.as_array().size(), 1u);
  EXPECT_EQ(list.at(0).at("name").as_string(), "A \"bay\"");
  EXPECT_EQ(list.at(0).as_object().size(), 5u);

  const std::vector<core::Observation> latest = {Row("a", 14.5, kNow).observation};
  const std::vector<storage::SourceCell> cells = {{"noaa", "a", "sst", 36.755, -122.025}};
  const auto detail = boost::json::parse(RenderLocationDetail(locations[0], latest, cells));
  EXPECT_EQ(detail.at("id").as_string(), "a");
  EXPECT_EQ(detail.at("latest").at(0).at("timestamp").as_string(), "2026-11-26T06:00:00Z");
  EXPECT_EQ(detail.at("cells").at(0).at("source").as_string(), "noaa");
}

TEST(RenderObservations, JsonPageSaysCountAndNext) {
  const std::vector<core::StoredObservation> rows = {Row("a", 14.5, kNow),
                                                     Row("b", 0.1, kNow + 1000)};
  const auto last = boost::json::parse(RenderObservationsJson(rows, 2, ""));
  EXPECT_EQ(last.at("count").as_int64(), 2);
  EXPECT_TRUE(last.at("next").is_null());
  EXPECT_EQ(last.at("results").as_array().size(), 2u);
  EXPECT_EQ(last.at("results").at(1).at("value").as_double(), 0.1);
  const auto more = boost::json::parse(RenderObservationsJson(rows, 9, "http://h/x?cursor=c"));
  EXPECT_EQ(more.at("next").as_string(), "http://h/x?cursor=c");
  EXPECT_EQ(boost::json::parse(RenderLatest({})).as_array().size(), 0u);
}

TEST(RenderObservations, CsvQuotesOnlyWhatNeedsIt) {
  const std::vector<core::StoredObservation> rows = {Row("a,\"b\"", 14.5, kNow)};
  EXPECT_EQ(RenderObservationsCsv(rows),
            "location_id,parameter,timestamp,value,quality_flag,source\r\n"
            "\"a,\"\"b\"\"\",sst,2026-11-26T06:00:00Z,14.5,good,noaa\r\n");
}

TEST(RenderSeries, KeepsPointsAndNamesTheirSources) {
  storage::SeriesRows rows;
  rows.sources = {"noaa", "ndbc"};
  for (int i = 0; i < 5; ++i) {
    rows.t.push_back(kNow + i * 60'000);
    rows.v.push_back(10.0 + i);
    rows.q.push_back(core::QualityFlag::kGood);
    rows.s.push_back(i < 4 ? 1 : 0);
  }
  SeriesParams params;
  params.location = "a";
  params.parameter = "sst";
  params.start_ms = kNow;
  params.end_ms = kNow + 3'600'000;
  params.max_points = 1000;
  const auto body = boost::json::parse(RenderSeries(params, rows));
  EXPECT_EQ(body.at("total_points").as_int64(), 5);
  EXPECT_EQ(body.at("unit").as_string(), core::FindParameter("sst")->unit);
  EXPECT_EQ(boost::json::serialize(body.at("sources")), R"(["ndbc","noaa"])");
  EXPECT_EQ(boost::json::serialize(body.at("s")), "[0,0,0,0,1]");
  EXPECT_EQ(body.at("t").as_array().size(), 5u);
}

TEST(RenderSources, ConfiguredFirstThenOthers) {
  std::vector<SourceDescription> sources(1);
  sources[0].id = "noaa";
  sources[0].parameters = {"sst"};
  std::vector<storage::SourceStatus> statuses(2);
  statuses[0].source_id = "manual";
  statuses[0].rows = 3;
  statuses[1].source_id = "noaa";
  statuses[1].last_run = storage::SourceRun{"noaa", kNow, kNow + 1000, 7, false, "timeout"};
  const auto body = boost::json::parse(RenderSources(
      sources, statuses, [](std::string_view) { return std::optional<core::EpochMs>(kNow); }));
  ASSERT_EQ(body.as_array().size(), 2u);
  EXPECT_EQ(body.at(0).at("id").as_string(), "noaa");
  EXPECT_EQ(body.at(0).at("next_run").as_string(), "2026-11-26T06:00:00Z");
  EXPECT_EQ(body.at(0).at("last_run").at("error").as_string(), "timeout");
  EXPECT_FALSE(body.at(1).at("configured").as_bool());
  EXPECT_EQ(body.at(1).at("rows").as_int64(), 3);
  EXPECT_TRUE(boost::json::parse(RenderSources(sources, {}, {})).at(0).at("next_run").is_null());
}

TEST(RenderHealth, DatabaseDownIs503) {
  HealthFacts facts;
  facts.database_kind = "sqlite";
  facts.cache_kind = "memory";
  facts.version = "1";
  const auto ok = RenderHealth(facts);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(boost::json::parse(ok.body).at("status").as_string(), "ok");
  facts.cache_ok = false;
  EXPECT_EQ(boost::json::parse(RenderHealth(facts).body).at("status").as_string(), "degraded");
  facts.database_error = "refused";
  const auto down = RenderHealth(facts);
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(boost::json::parse(down.body).at("message").as_string(),
            "database unreachable: refused");
  const DemoInfo demo{"2026-11-01T00:00:00Z", 3, "n"};
  facts.demo = &demo;
  EXPECT_EQ(boost::json::parse(RenderHealth(facts).body).at("demo_info").at("shifted_days"), 3);
}

TEST(RenderWrites, IngestAndCleanup) {
  EXPECT_EQ(RenderIngestResult({3, 2, 1}), R"({"received":3,"inserted":2,"updated":1})");
  EXPECT_EQ(RenderCleanupResult(5, 30, kNow),
            R"({"deleted":5,"retention_days":30,"cutoff":"2026-10-27T06:00:00Z"})");
}

TEST(RenderParameters, IsTheCatalogue) {
  const auto body = boost::json::parse(RenderParameters());
  EXPECT_EQ(body.as_array().size(), core::Parameters().size());
}

}  // namespace
}  // namespace ocean::api
