// The long daily record: chunk planning and progress lines; the download against a fake ERDDAP
// serving answers in the wire format (tests/fixtures/oisst, tests/fixtures/viirs_chla) into a
// temporary SQLite store, its resume after a failed year, a site on land; the climatology
// computed from the record; and `oceandash climatology` end to end.
#include "jobs/backfill.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/time.hpp"
#include "jobs/site_climatology.hpp"
#include "jobs/testing/jobs_test_support.hpp"
#include "sources/http_client.hpp"
#include "sources/source_config.hpp"
#include "sources/testing/fake_upstream.hpp"
#include "sources/testing/sources_test_support.hpp"
#include "storage/store.hpp"

namespace ocean::jobs {
namespace {

using sources::testing::ErrorFixture;
using sources::testing::FakeUpstream;
using sources::testing::ReadFixture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Json;
using testing::MakeLocation;
using testing::ReadFile;
using testing::TempDir;

constexpr std::string_view kInfoPath = "/erddap/info/ncdcOisst21Agg_LonPM180/index.json";
constexpr std::string_view kDataPath = "/erddap/griddap/ncdcOisst21Agg_LonPM180.json";
// How each year's request starts (the time axis begins 2019-11-01T12:00Z).
constexpr std::string_view k2019 = "(2019-11-01T12:00:00Z)";
constexpr std::string_view k2020 = "(2020-01-01T00:00:00Z)";

std::int32_t Day(int year, unsigned month, unsigned day) {
  return static_cast<std::int32_t>(core::DaysFromCivil(year, month, day));
}

TEST(PlanChunks, OneChunkPerYearAfterTheStoredDays) {
  const auto all = PlanChunks(1991, 2020, Day(1991, 1, 1) - 1);
  ASSERT_EQ(all.size(), 30u);
  EXPECT_EQ(all.front().year, 1991);
  EXPECT_EQ(all.front().first_day, Day(1991, 1, 1));
  EXPECT_EQ(all.front().last_day, Day(1991, 12, 31));
  EXPECT_EQ(all.back().last_day - all.back().first_day, 365);  // 2020 is a leap year
  const auto rest = PlanChunks(1991, 2020, Day(2002, 12, 31));
  ASSERT_EQ(rest.size(), 18u);
  EXPECT_EQ(rest.front().year, 2003);
  EXPECT_TRUE(PlanChunks(1991, 2020, Day(2020, 12, 31)).empty());
}

TEST(ProgressLine, NamesSiteParameterBaselineYearsAndDays) {
  EXPECT_EQ(FormatProgressLine("monterey-bay", "sst", 1991, 2020, 12, 4380),
            "monterey-bay sst 1991\u20132020: 12/30 years, 4,380 days");
  EXPECT_EQ(FormatProgressLine("x", "chlorophyll", 2012, 2023, 0, 0),
            "x chlorophyll 2012\u20132023: 0/12 years, 0 days");
  EXPECT_EQ(FormatProgressLine("x", "sst", 1991, 2020, 30, 10958),
            "x sst 1991\u20132020: 30/30 years, 10,958 days");
  EXPECT_EQ(FormatProgressLine("x", "sst", 1, 1, 1, 1234567),
            "x sst 1\u20131: 1/1 years, 1,234,567 days");
}

std::string Printed(bool terminal) {
  std::FILE* file = std::tmpfile();
  {
    ProgressPrinter printer(file, terminal);
    printer.Show("a 1/2 years, 365 days");
    printer.Show("a 2/2 years, 731 days");
  }
  std::rewind(file);
  std::string text;
  for (int c; (c = std::fgetc(file)) != EOF;) text += static_cast<char>(c);
  std::fclose(file);
  return text;
}

TEST(ProgressPrinter, RewritesOneLineOnATerminal) {
  EXPECT_EQ(Printed(true), "\ra 1/2 years, 365 days\x1b[K\ra 2/2 years, 731 days\x1b[K\n");
}

TEST(ProgressPrinter, PrintsOneLineEachElsewhere) {
  EXPECT_EQ(Printed(false), "a 1/2 years, 365 days\na 2/2 years, 731 days\n");
}

class Backfill : public ::testing::Test {
 protected:
  void SetUp() override {
    store = storage::OpenStore("sqlite:" + dir.path() + "/test.db", 2);
    store->Migrate();
    store->UpsertLocations(locations);
    upstream.Serve(std::string(kInfoPath),
                   Json(ReadFixture("oisst/ncdcOisst21Agg_LonPM180_info.json")));
    upstream.Serve(std::string(kDataPath), Json(ReadFixture("oisst/monterey_2019.json")),
                   std::string(k2019));
    upstream.Serve(std::string(kDataPath), Json(ReadFixture("oisst/monterey_2020.json")),
                   std::string(k2020));
  }

  // OISST at the fake upstream, for a baseline the fixtures' time axis cuts to two requests.
  LongRecordSource Oisst() const {
    const std::string url = upstream.BaseUrl() + "/erddap";
    auto source = OisstLongRecord([&](const char* name) -> const char* {
      return std::string_view(name) == "OCEAN_SOURCE_OISST_URL" ? url.c_str() : nullptr;
    });
    source.first_year = 2018;
    source.last_year = 2020;
    return source;
  }

  BackfillOutcome Run(const core::Location& location, bool refresh = false) {
    BackfillOptions options;
    options.refresh = refresh;
    return RunBackfill(Oisst(), location, http, *store, options,
                       [this](std::string_view line) { lines.emplace_back(line); });
  }

  int DataRequests(std::string_view year) const {
    int count = 0;
    for (const auto& request : upstream.Requests()) {
      if (request.path == kDataPath && request.target.find(year) != std::string::npos) ++count;
    }
    return count;
  }

  std::optional<storage::BackfillProgress> Progress(std::string_view location) {
    for (auto& progress : store->ListBackfillProgress()) {
      if (progress.location_id == location) return progress;
    }
    return std::nullopt;
  }

  std::vector<storage::DailyValue> Record(std::string_view location = "monterey-bay") {
    return store->ReadDailyRecord(location, "sst", Day(2018, 1, 1), Day(2020, 12, 31));
  }

  TempDir dir{"oceandash-backfill-test"};
  FakeUpstream upstream;
  sources::HttpClient http{[] {
    sources::HttpClientOptions options;
    options.max_attempts = 1;
    return options;
  }()};
  std::vector<core::Location> locations = {MakeLocation("monterey-bay", 36.75, -122.03),
                                           MakeLocation("boulder", 40.0, -105.0)};
  std::unique_ptr<storage::Store> store;
  std::vector<std::string> lines;
};

TEST_F(Backfill, StoresEachDayAtTheNearestOceanCell) {
  const auto outcome = Run(locations[0]);
  ASSERT_TRUE(outcome.ok) << outcome.error;
  EXPECT_TRUE(outcome.fetched);
  EXPECT_EQ(outcome.chunks_fetched, 3);  // 2018 is before the time axis: no request
  EXPECT_EQ(outcome.days, 61 + 366);
  const auto record = Record();
  ASSERT_EQ(record.size(), 427u);
  EXPECT_EQ(record.front().day, Day(2019, 11, 1));
  EXPECT_EQ(record.back().day, Day(2020, 12, 31));
  // (36.625, -122.125): the eastern column is land, and 36.625 comes first of two as near.
  EXPECT_DOUBLE_EQ(record[61].value, 11.47);  // 2020-01-01
  EXPECT_EQ(DataRequests("2018"), 0);
  EXPECT_EQ(DataRequests(k2019), 1);
  EXPECT_EQ(DataRequests(k2020), 1);
  EXPECT_THAT(lines, ElementsAre("monterey-bay sst 2018\u20132020: 0/3 years, 0 days",
                                 "monterey-bay sst 2018\u20132020: 1/3 years, 0 days",
                                 "monterey-bay sst 2018\u20132020: 2/3 years, 61 days",
                                 "monterey-bay sst 2018\u20132020: 3/3 years, 427 days"));
  const auto progress = Progress("monterey-bay");
  ASSERT_TRUE(progress);
  EXPECT_EQ(progress->source_id, "oisst");
  EXPECT_EQ(progress->parameter, "sst");
  EXPECT_EQ(progress->state, "done");
  EXPECT_EQ(progress->first_day, Day(2018, 1, 1));
  EXPECT_EQ(progress->last_day, Day(2020, 12, 31));
  EXPECT_EQ(progress->done_through_day, Day(2020, 12, 31));

  // A complete record is not asked for again.
  lines.clear();
  const auto again = Run(locations[0]);
  EXPECT_TRUE(again.ok);
  EXPECT_FALSE(again.fetched);
  EXPECT_EQ(again.days, 427);
  EXPECT_EQ(upstream.RequestCount(kDataPath), 2);
  EXPECT_TRUE(lines.empty());
}

TEST_F(Backfill, ResumesAfterAFailedYearWithoutRefetchingStoredOnes) {
  upstream.Serve(std::string(kDataPath), ErrorFixture("erddap/error_internal.txt", 500),
                 std::string(k2020));
  const auto failed = Run(locations[0]);
  EXPECT_FALSE(failed.ok);
  EXPECT_THAT(failed.error, HasSubstr("monterey-bay sst: 2020: HTTP 500"));
  auto progress = Progress("monterey-bay");
  ASSERT_TRUE(progress);
  EXPECT_EQ(progress->state, "failed");
  EXPECT_EQ(progress->error, failed.error);
  EXPECT_EQ(progress->done_through_day, Day(2019, 12, 31));
  EXPECT_EQ(Record().size(), 61u);

  upstream.Serve(std::string(kDataPath), Json(ReadFixture("oisst/monterey_2020.json")),
                 std::string(k2020));
  lines.clear();
  const auto resumed = Run(locations[0]);
  ASSERT_TRUE(resumed.ok) << resumed.error;
  EXPECT_EQ(resumed.chunks_fetched, 1);
  EXPECT_EQ(DataRequests(k2019), 1);  // stored before the failure: not asked again
  EXPECT_EQ(Record().size(), 427u);
  EXPECT_EQ(lines.front(), "monterey-bay sst 2018\u20132020: 2/3 years, 61 days");
  progress = Progress("monterey-bay");
  ASSERT_TRUE(progress);
  EXPECT_EQ(progress->state, "done");
  EXPECT_EQ(progress->error, "");
}

TEST_F(Backfill, RefreshFetchesEveryYearAgain) {
  ASSERT_TRUE(Run(locations[0]).ok);
  const auto refreshed = Run(locations[0], /*refresh=*/true);
  ASSERT_TRUE(refreshed.ok);
  EXPECT_EQ(refreshed.chunks_fetched, 3);
  EXPECT_EQ(DataRequests(k2019), 2);
  EXPECT_EQ(Record().size(), 427u);
}

TEST_F(Backfill, ASiteOnLandFailsNamingIt) {
  upstream.Serve(std::string(kDataPath), Json(ReadFixture("oisst/land_2019.json")), "(39.75)");
  const auto outcome = Run(locations[1]);
  EXPECT_FALSE(outcome.ok);
  EXPECT_THAT(outcome.error, HasSubstr("boulder sst: every cell within 1 of (40, -105) is land "
                                       "or missing in ncdcOisst21Agg_LonPM180 for 2019"));
  EXPECT_TRUE(Record("boulder").empty());
  const auto progress = Progress("boulder");
  ASSERT_TRUE(progress);
  EXPECT_EQ(progress->state, "failed");
}

TEST_F(Backfill, AnUnknownDatasetFailsBeforeAnyYear) {
  upstream.Serve(std::string(kInfoPath), ErrorFixture("erddap/error_unknown_dataset.txt", 404));
  const auto outcome = Run(locations[0]);
  EXPECT_FALSE(outcome.ok);
  EXPECT_THAT(outcome.error,
              HasSubstr("monterey-bay sst: dataset info ncdcOisst21Agg_LonPM180: HTTP 404"));
  EXPECT_EQ(upstream.RequestCount(kDataPath), 0);
}

TEST(ChlorophyllLongRecord, IsTheConfiguredSourcesPrimaryServer) {
  sources::SourceConfig config;
  config.id = "chlorophyll";
  config.kind = sources::SourceKind::kErddapGriddap;
  config.parameter = "chlorophyll_a";
  config.servers = {{"https://a/erddap", "noaacwNPPVIIRSchlaDaily", "chlor_a", 1, 0, ""},
                    {"https://b/erddap", "erdMH1chla8day", "chlorophyll", 1, 0, ""}};
  const std::vector<sources::SourceConfig> configured = {config};
  const auto source = ChlorophyllLongRecord(configured);
  ASSERT_TRUE(source);
  EXPECT_EQ(source->id, "chlorophyll");
  EXPECT_EQ(source->parameter, "chlorophyll_a");
  EXPECT_EQ(source->server.dataset, "noaacwNPPVIIRSchlaDaily");
  EXPECT_EQ(source->RecordSource(), "erddap:noaacwNPPVIIRSchlaDaily");
  EXPECT_TRUE(source->log10);
  EXPECT_EQ(source->first_year, kChlorophyllFirstYear);
  EXPECT_FALSE(ChlorophyllLongRecord({}));
}

// The chlorophyll record as configured (config/sources.json's chlorophyll_a source, its primary
// server moved to the fake upstream by OCEAN_SOURCE_CHLOROPHYLL_URL) against recorded answers in
// noaacwNPPVIIRSchlaDaily's wire format (tests/fixtures/viirs_chla: the real 2012-2023 baseline,
// the time axis cut to 2022-12-01..2023-03-31).
constexpr std::string_view kChlInfoPath = "/erddap/info/noaacwNPPVIIRSchlaDaily/index.json";
constexpr std::string_view kChlDataPath = "/erddap/griddap/noaacwNPPVIIRSchlaDaily.json";
constexpr std::string_view kChl2022 = "(2022-12-01T12:00:00Z)";
constexpr std::string_view kChl2023 = "(2023-01-01T00:00:00Z)";

class ChlorophyllBackfill : public Backfill {
 protected:
  void SetUp() override {
    Backfill::SetUp();
    store->UpsertLocations(std::span<const core::Location>(&channel, 1));
    upstream.Serve(std::string(kChlInfoPath),
                   Json(ReadFixture("viirs_chla/noaacwNPPVIIRSchlaDaily_info.json")));
    Answer(kChl2022, "viirs_chla/channel_2022.json");
    Answer(kChl2023, "viirs_chla/channel_2023.json");
  }

  void Answer(std::string_view year, const char* fixture) {
    upstream.Serve(std::string(kChlDataPath), Json(ReadFixture(fixture)), std::string(year));
  }

  LongRecordSource Chlorophyll() const {
    const std::string url = upstream.BaseUrl() + "/erddap";
    const auto configured = sources::WithUrlOverrides(
        sources::ParseSources(ReadFixture("../../config/sources.json"), "config/sources.json"),
        [&](const char* name) -> const char* {
          return std::string_view(name) == "OCEAN_SOURCE_CHLOROPHYLL_URL" ? url.c_str() : nullptr;
        });
    return ChlorophyllLongRecord(configured).value();
  }

  BackfillOutcome RunChlorophyll() {
    return RunBackfill(Chlorophyll(), channel, http, *store, BackfillOptions{},
                       [this](std::string_view line) { lines.emplace_back(line); });
  }

  std::vector<storage::DailyValue> ChlRecord() {
    return store->ReadDailyRecord("channel", "chlorophyll_a", Day(2012, 1, 1), Day(2023, 12, 31));
  }

  std::vector<std::string> ChlTargets() const {
    std::vector<std::string> targets;
    for (const auto& request : upstream.Requests()) {
      if (request.path == kChlDataPath) targets.push_back(request.target);
    }
    return targets;
  }

  // The Santa Barbara Channel: nearest VIIRS cell (34.25625, -119.90625), open water around.
  core::Location channel = MakeLocation("channel", 34.25, -119.9);
};

TEST_F(ChlorophyllBackfill, StoresTheNearestClearCellKeepingCloudGaps) {
  const auto source = Chlorophyll();
  EXPECT_EQ(source.server.dataset, "noaacwNPPVIIRSchlaDaily");
  EXPECT_EQ(source.server.variable, "chlor_a");
  const auto outcome = RunChlorophyll();
  ASSERT_TRUE(outcome.ok) << outcome.error;
  EXPECT_EQ(outcome.chunks_fetched, 12);  // 2012-2021 are before the time axis: no request
  // griddap's [(start):stride:(stop)] per axis in the dataset's order: time, the altitude's
  // only index, latitude north to south (its storage order), longitude; a box of one cell.
  EXPECT_THAT(ChlTargets(),
              ElementsAre("/erddap/griddap/noaacwNPPVIIRSchlaDaily.json?chlor_a"
                          "%5B(2022-12-01T12:00:00Z):1:(2022-12-31T23:59:59Z)%5D%5B0%5D"
                          "%5B(34.2875):1:(34.2125)%5D%5B(-119.9375):1:(-119.8625)%5D",
                          "/erddap/griddap/noaacwNPPVIIRSchlaDaily.json?chlor_a"
                          "%5B(2023-01-01T00:00:00Z):1:(2023-03-31T12:00:00Z)%5D%5B0%5D"
                          "%5B(34.2875):1:(34.2125)%5D%5B(-119.9375):1:(-119.8625)%5D"));
  // mg m^-3 as served: the log10 is the climatology's, not the record's. Days clouded over
  // every cell stay missing (18 of 31 and 65 of 90 days are clear somewhere).
  const auto record = ChlRecord();
  ASSERT_EQ(record.size(), 18u + 65u);
  EXPECT_EQ(record[0].day, Day(2022, 12, 3));  // 1 and 2 December: cloud everywhere
  EXPECT_DOUBLE_EQ(record[0].value, 2.8355);
  EXPECT_EQ(record[1].day, Day(2022, 12, 4));  // cloud over the nearest cell: the next east
  EXPECT_DOUBLE_EQ(record[1].value, 1.4084);
  EXPECT_EQ(record[18].day, Day(2023, 1, 3));
  EXPECT_DOUBLE_EQ(record[18].value, 0.8539);
  EXPECT_EQ(lines.back(), "channel chlorophyll 2012\u20132023: 12/12 years, 83 days");
  const auto progress = Progress("channel");
  ASSERT_TRUE(progress);
  EXPECT_EQ(progress->source_id, "chlorophyll");
  EXPECT_EQ(progress->parameter, "chlorophyll_a");
  EXPECT_EQ(progress->state, "done");
  EXPECT_EQ(progress->done_through_day, Day(2023, 12, 31));

  // The climatology of the record is that of its log10 values, kept in log10 space.
  ClimatologyRequest request{"channel",         "chlorophyll_a",  source.RecordSource(),
                             source.first_year, source.last_year, source.log10};
  const auto logged = ComputeStoredClimatology(record, request, 0);
  auto log_record = record;
  for (auto& day : log_record) day.value = std::log10(day.value);
  request.log10 = false;
  const auto linear = ComputeStoredClimatology(log_record, request, 0);
  EXPECT_TRUE(logged.log10);
  ASSERT_EQ(logged.seas.size(), 366u);
  int compared = 0;
  for (std::size_t d = 0; d < 366; ++d) {
    if (std::isnan(linear.seas[d])) {
      EXPECT_TRUE(std::isnan(logged.seas[d])) << d;
      continue;
    }
    EXPECT_DOUBLE_EQ(logged.seas[d], linear.seas[d]) << d;
    EXPECT_DOUBLE_EQ(logged.thresh[d], linear.thresh[d]) << d;
    ++compared;
  }
  EXPECT_GT(compared, 0);
}

TEST_F(ChlorophyllBackfill, ResumesAfterAFailedYear) {
  upstream.Serve(std::string(kChlDataPath), ErrorFixture("erddap/error_internal.txt", 500),
                 std::string(kChl2023));
  const auto failed = RunChlorophyll();
  EXPECT_FALSE(failed.ok);
  EXPECT_THAT(failed.error, HasSubstr("channel chlorophyll: 2023: HTTP 500"));
  auto progress = Progress("channel");
  ASSERT_TRUE(progress);
  EXPECT_EQ(progress->state, "failed");
  EXPECT_EQ(progress->done_through_day, Day(2022, 12, 31));
  EXPECT_EQ(ChlRecord().size(), 18u);

  Answer(kChl2023, "viirs_chla/channel_2023.json");
  lines.clear();
  const auto resumed = RunChlorophyll();
  ASSERT_TRUE(resumed.ok) << resumed.error;
  EXPECT_EQ(resumed.chunks_fetched, 1);
  EXPECT_EQ(lines.front(), "channel chlorophyll 2012\u20132023: 11/12 years, 18 days");
  EXPECT_EQ(ChlTargets().size(), 3u);  // 2022 once, 2023 failed then answered
  EXPECT_EQ(ChlRecord().size(), 83u);
  progress = Progress("channel");
  ASSERT_TRUE(progress);
  EXPECT_EQ(progress->state, "done");
  EXPECT_EQ(progress->error, "");
}

// A synthetic record: the value of each day is its day of year, so every level is known.
std::vector<storage::DailyValue> Synthetic(int first_year, int last_year, bool log_values) {
  std::vector<storage::DailyValue> record;
  for (auto day = Day(first_year, 1, 1); day <= Day(last_year, 12, 31); ++day) {
    const auto date = core::CivilDateFromDays(day);
    const double x = 10.0 + std::sin(2 * 3.141592653589793 * (day % 365) / 365.0) +
                     0.001 * static_cast<double>(date.year - first_year);
    record.push_back({day, log_values ? std::pow(10.0, x - 10.0) : x});
  }
  return record;
}

TEST(StoredClimatology, HasEveryLevelWithLevel90EqualToThresh) {
  ClimatologyRequest request{"monterey-bay", "sst", "erddap:x", 2001, 2010, false};
  const auto stored = ComputeStoredClimatology(Synthetic(2001, 2010, false), request, 42);
  EXPECT_EQ(stored.source, "erddap:x");
  EXPECT_EQ(stored.computed_ms, 42);
  ASSERT_EQ(stored.seas.size(), 366u);
  ASSERT_EQ(stored.thresh.size(), 366u);
  ASSERT_EQ(stored.percentiles.size(), 366u * 99u);
  for (std::size_t d = 0; d < 366; ++d) {
    EXPECT_EQ(stored.percentiles[d * 99 + 89], stored.thresh[d]) << d;
    for (std::size_t p = 1; p < 99; ++p) {
      EXPECT_LE(stored.percentiles[d * 99 + p - 1], stored.percentiles[d * 99 + p]);
    }
    EXPECT_TRUE(std::isfinite(stored.seas[d]));
  }
}

TEST(StoredClimatology, ChlorophyllStaysInLog10Space) {
  ClimatologyRequest linear{"m", "chlorophyll_a", "erddap:x", 2001, 2010, false};
  ClimatologyRequest logged = linear;
  logged.log10 = true;
  // log10 of the logged record is the linear record minus 10.
  const auto a = ComputeStoredClimatology(Synthetic(2001, 2010, false), linear, 0);
  const auto b = ComputeStoredClimatology(Synthetic(2001, 2010, true), logged, 0);
  EXPECT_TRUE(b.log10);
  for (std::size_t d = 0; d < 366; ++d) EXPECT_NEAR(b.seas[d], a.seas[d] - 10.0, 1e-9);
}

TEST(StoredClimatology, ARecordWithNothingInTheBaselineIsRefused) {
  ClimatologyRequest request{"monterey-bay", "sst", "erddap:x", 1991, 2000, false};
  EXPECT_THROW(ComputeStoredClimatology(Synthetic(2001, 2002, false), request, 0),
               std::invalid_argument);
}

#ifdef OCEAN_BINARY
// `oceandash climatology` as a user runs it, OCEAN_SOURCE_OISST_URL pointing at the fake.
class ClimatologyCommand : public Backfill {
 protected:
  struct Result : testing::ShellResult {
    std::string err;
  };
  Result Oceandash(const std::string& args) {
    std::ofstream(dir.path() + "/locations.json")
        << R"([{"id":"monterey-bay","name":"Monterey Bay","latitude":36.75,"longitude":-122.03},)"
        << R"({"id":"boulder","name":"Boulder","latitude":40.0,"longitude":-105.0}])";
    const std::string command = fmt::format(
        "OCEAN_SOURCE_OISST_URL='{}/erddap' OCEAN_LOG_LEVEL=warn '{}' climatology {} "
        "--locations '{}/locations.json' --database 'sqlite:{}/cli.db' 2>'{}/stderr.txt'",
        upstream.BaseUrl(), OCEAN_BINARY, args, dir.path(), dir.path(), dir.path());
    // A braced list runs left to right: stderr.txt is read after the command has finished.
    return Result{testing::RunShell(command), ReadFile(dir.path() + "/stderr.txt")};
  }
};

TEST_F(ClimatologyCommand, FetchesComputesAndStoresThenKeepsIt) {
  const auto run = Oceandash("--location monterey-bay --parameter sst");
  ASSERT_EQ(run.status, 0) << run.out << run.err;
  EXPECT_EQ(run.out,
            "monterey-bay sst: climatology 1991\u20132020 stored from "
            "erddap:ncdcOisst21Agg_LonPM180 (427 days)\n");
  // Not a terminal: one progress line per year.
  EXPECT_THAT(run.err, HasSubstr("monterey-bay sst 1991\u20132020: 0/30 years, 0 days\n"));
  EXPECT_THAT(run.err, HasSubstr("monterey-bay sst 1991\u20132020: 29/30 years, 61 days\n"));
  EXPECT_THAT(run.err, HasSubstr("monterey-bay sst 1991\u20132020: 30/30 years, 427 days\n"));
  auto cli = storage::OpenStore("sqlite:" + dir.path() + "/cli.db", 1);
  const auto stored = cli->GetClimatology("monterey-bay", "sst");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->source, "erddap:ncdcOisst21Agg_LonPM180");
  EXPECT_EQ(stored->baseline_first_year, 1991);
  EXPECT_EQ(stored->baseline_last_year, 2020);
  EXPECT_FALSE(stored->log10);
  ASSERT_EQ(stored->percentiles.size(), 366u * 99u);
  EXPECT_EQ(stored->percentiles[180 * 99 + 89], stored->thresh[180]);
  EXPECT_EQ(cli->ReadDailyRecord("monterey-bay", "sst", 0, Day(2030, 1, 1)).size(), 427u);

  const auto again = Oceandash("--location monterey-bay --parameter sst");
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(again.out, "monterey-bay sst: climatology 1991\u20132020 already stored (427 days)\n");
  EXPECT_EQ(upstream.RequestCount(kDataPath), 2);

  const auto refreshed = Oceandash("--location monterey-bay --parameter sst --refresh");
  EXPECT_EQ(refreshed.status, 0) << refreshed.err;
  EXPECT_THAT(refreshed.out, HasSubstr("stored from erddap:ncdcOisst21Agg_LonPM180"));
  EXPECT_EQ(upstream.RequestCount(kDataPath), 4);
}

TEST_F(ClimatologyCommand, ASiteOnLandExitsNonZeroNamingIt) {
  upstream.Serve(std::string(kDataPath), Json(ReadFixture("oisst/land_2019.json")), "(39.75)");
  const auto run = Oceandash("--parameter sst");
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.out, HasSubstr("monterey-bay sst: climatology 1991\u20132020 stored"));
  EXPECT_THAT(run.err, HasSubstr("oceandash climatology: boulder sst: every cell within 1"));
}

TEST_F(ClimatologyCommand, AnUnknownLocationIsAUsageError) {
  const auto run = Oceandash("--location atlantis --parameter sst");
  EXPECT_NE(run.status, 0);
  EXPECT_THAT(run.err, HasSubstr("--location: no location \"atlantis\""));
}
#endif

}  // namespace
}  // namespace ocean::jobs
