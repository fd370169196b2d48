// GET /api/sources/'s long-record downloads ("backfill"), rendered without a server.
#include "api/sources.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <vector>

#include "api/api.hpp"
#include "core/time.hpp"

namespace ocean::api {
namespace {

std::int32_t Day(int year, unsigned month, unsigned day) {
  return static_cast<std::int32_t>(core::DaysFromCivil(year, month, day));
}

storage::BackfillProgress Progress(std::string source, std::string location, std::string state) {
  storage::BackfillProgress progress;
  progress.source_id = std::move(source);
  progress.location_id = std::move(location);
  progress.parameter = "sst";
  progress.first_day = Day(1991, 1, 1);
  progress.last_day = Day(2020, 12, 31);
  progress.done_through_day = Day(2002, 12, 31);
  progress.state = std::move(state);
  progress.updated_ms = *core::ParseTimestamp("2026-11-26T06:00:00Z");
  return progress;
}

TEST(RenderSourcesBackfill, EachSourceListsItsDownloads) {
  std::vector<SourceDescription> sources(1);
  sources[0].id = "chlorophyll";
  std::vector<storage::SourceStatus> statuses(1);
  statuses[0].source_id = "manual";
  auto failed = Progress("oisst", "monterey-bay", "failed");
  failed.error = "monterey-bay sst: 2003: HTTP 500";
  auto fresh = Progress("chlorophyll", "kerama-reefs", "running");
  fresh.parameter = "chlorophyll_a";
  fresh.done_through_day = fresh.first_day - 1;
  const std::vector<storage::BackfillProgress> backfill = {fresh, failed};
  const auto body = boost::json::parse(RenderSources(sources, statuses, {}, backfill));
  ASSERT_EQ(body.as_array().size(), 3u);  // chlorophyll, then manual, then oisst

  const auto& chlorophyll = body.at(0).at("backfill").as_array();
  ASSERT_EQ(chlorophyll.size(), 1u);
  EXPECT_EQ(chlorophyll.at(0).at("location").as_string(), "kerama-reefs");
  EXPECT_EQ(chlorophyll.at(0).at("parameter").as_string(), "chlorophyll_a");
  EXPECT_TRUE(chlorophyll.at(0).at("done_through").is_null());
  EXPECT_EQ(chlorophyll.at(0).at("state").as_string(), "running");
  EXPECT_FALSE(chlorophyll.at(0).as_object().contains("error"));

  EXPECT_EQ(body.at(1).at("id").as_string(), "manual");
  EXPECT_TRUE(body.at(1).at("backfill").as_array().empty());

  const auto& oisst = body.at(2);
  EXPECT_EQ(oisst.at("id").as_string(), "oisst");
  EXPECT_FALSE(oisst.at("configured").as_bool());
  EXPECT_EQ(oisst.at("rows").as_int64(), 0);
  const auto& download = oisst.at("backfill").at(0);
  EXPECT_EQ(download.at("first_day").as_string(), "1991-01-01");
  EXPECT_EQ(download.at("last_day").as_string(), "2020-12-31");
  EXPECT_EQ(download.at("done_through").as_string(), "2002-12-31");
  EXPECT_EQ(download.at("state").as_string(), "failed");
  EXPECT_EQ(download.at("error").as_string(), "monterey-bay sst: 2003: HTTP 500");
  EXPECT_EQ(download.at("updated").as_string(), "2026-11-26T06:00:00Z");
}

TEST(RenderSourcesBackfill, NoDownloadsIsAnEmptyArray) {
  std::vector<SourceDescription> sources(1);
  sources[0].id = "noaa";
  const auto body = boost::json::parse(RenderSources(sources, {}, {}));
  EXPECT_TRUE(body.at(0).at("backfill").as_array().empty());
}

}  // namespace
}  // namespace ocean::api
