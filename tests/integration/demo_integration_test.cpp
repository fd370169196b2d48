// The offline demo (`serve --demo`), end to end: the synthesised samples in demo/ go through the
// real parsers into SQLite and are labelled as demo data; real data is never mixed in. Hermetic:
// the demo's upstream is in-process on 127.0.0.1.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "harness.hpp"

namespace ocean::testing {
namespace {

using ::testing::HasSubstr;
namespace json = boost::json;

class DemoTest : public ::testing::Test {
 protected:
  std::string DatabaseUrl() const { return "sqlite:" + dir_.path() + "/demo.db"; }

  std::unique_ptr<Server> StartDemo() {
    return std::make_unique<Server>(
        ServerOptions{{"--demo", "--database", DatabaseUrl(), "--demo-dir", SourceDir() + "/demo",
                       "--locations", SourceDir() + "/config/locations.json"},
                      {}});
  }

  TempDir dir_;
};

TEST_F(DemoTest, LoadsTheSamplesThroughTheParsersAndLabelsThem) {
  auto server = StartDemo();

  const auto health = Fetch("GET", server->Url("/api/health/"));
  ASSERT_EQ(health.status, 200) << health.body;
  const auto body = health.Json();
  EXPECT_TRUE(body.at("demo").is_bool() && body.at("demo").get_bool()) << health.body;
  const auto& info = body.at("demo_info");
  EXPECT_TRUE(info.at("samples_end").is_string());
  EXPECT_GE(info.at("shifted_days").as_int64(), 0);
  EXPECT_THAT(std::string(info.at("note").as_string()), HasSubstr("not measurements"));

  // Every sample source produced rows, each within the last day before now after the shift.
  const auto latest = Fetch("GET", server->Url("/api/observations/latest/"));
  ASSERT_EQ(latest.status, 200) << latest.body;
  std::set<std::string> sources;
  const auto latest_rows = latest.Json();
  for (const auto& row : latest_rows.as_array()) {
    const std::string source(row.at("source").as_string());
    EXPECT_TRUE(source.starts_with("demo-")) << source;
    sources.insert(source);
  }
  EXPECT_EQ(sources, (std::set<std::string>{"demo-noaa", "demo-chlorophyll", "demo-ndbc"}));

  // The NDBC station at Monterey: water temperature and wave height from realtime2 text.
  const auto monterey =
      Fetch("GET", server->Url("/api/observations/latest/?location=monterey-bay"));
  ASSERT_EQ(monterey.status, 200) << monterey.body;
  std::set<std::string> parameters;
  const auto monterey_rows = monterey.Json();
  for (const auto& row : monterey_rows.as_array()) {
    if (row.at("source").as_string() == "demo-ndbc") {
      parameters.insert(std::string(row.at("parameter").as_string()));
    }
  }
  EXPECT_EQ(parameters, (std::set<std::string>{"sst", "wave_height"})) << monterey.body;

  const auto listed = Fetch("GET", server->Url("/api/sources/"));
  ASSERT_EQ(listed.status, 200) << listed.body;
  int demo_sources = 0;
  const auto listed_sources = listed.Json();
  for (const auto& source : listed_sources.as_array()) {
    const std::string id(source.at("id").as_string());
    ASSERT_TRUE(id.starts_with("demo-")) << listed.body;  // the real sources are not offered
    EXPECT_TRUE(source.at("demo").is_bool() && source.at("demo").get_bool()) << id;
    EXPECT_THAT(std::string(source.at("name").as_string()), HasSubstr("DEMO"));
    EXPECT_GT(source.at("rows").as_int64(), 0) << id;
    ++demo_sources;
  }
  EXPECT_EQ(demo_sources, 3);
  EXPECT_EQ(server->Terminate(), 0);

  // A restart on the same demo database is fine (the rows are demo rows).
  auto again = StartDemo();
  const auto again_health = Fetch("GET", again->Url("/api/health/")).Json();
  EXPECT_TRUE(again_health.at("demo").is_bool() && again_health.at("demo").get_bool());
}

TEST_F(DemoTest, RefusesADatabaseWithRealObservations) {
  {
    Server real(ServerOptions{{"--no-scheduler", "--database", DatabaseUrl(), "--locations",
                               SourceDir() + "/config/locations.json"},
                              {{"OCEAN_API_KEY", kApiKey}}});
    const auto ingest = Fetch(
        "POST", real.Url("/api/observations/ingest/"),
        Observations("monterey-bay", "sst", 3, NowMs() - 6 * 3'600'000LL, 14.0, "noaa"),
        {"Authorization: Bearer test-key-0123456789abcdef", "Content-Type: application/json"});
    ASSERT_EQ(ingest.status, 200) << ingest.body;
    EXPECT_EQ(real.Terminate(), 0);
  }
  // `timeout`: a server that wrongly starts must not hang the test.
  const std::string log = dir_.path() + "/refused.log";
  const int status = Shell(fmt::format(
      "timeout 60 '{}' serve --demo --host 127.0.0.1 --port 0 --database '{}' --demo-dir '{}' "
      "--locations '{}' > '{}' 2>&1",
      Binary(), DatabaseUrl(), SourceDir() + "/demo", SourceDir() + "/config/locations.json", log));
  std::ifstream in(log);
  std::stringstream output;
  output << in.rdbuf();
  EXPECT_EQ(status, 1) << output.str();
  EXPECT_THAT(output.str(), HasSubstr("--demo: the database holds 3 observations from source "
                                      "\"noaa\""));
}

}  // namespace
}  // namespace ocean::testing
