// The fetch job end to end: fake upstream (recorded ERDDAP payloads) -> RunFetch -> a SQLite
// store in a temporary file, the ingest endpoint, or a dry run; and the `oceandash fetch`
// subcommand against the same fake upstream.
#include "jobs/fetch.hpp"
#include "cache/cache.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "core/time.hpp"
#include "jobs/testing/jobs_test_support.hpp"
#include "sources/http_client.hpp"
#include "sources/testing/fake_upstream.hpp"
#include "storage/store.hpp"

namespace ocean::jobs {
namespace {

using namespace std::chrono_literals;
using sources::testing::FakeUpstream;
using sources::testing::ReadFixture;
using ::testing::HasSubstr;
using testing::Json;
using testing::MakeLocation;
using testing::ReadFile;
using ::testing::StartsWith;
using testing::TempDir;

core::EpochMs At(std::string_view text) { return *core::ParseTimestamp(text); }

constexpr std::string_view kMurInfoPath = "/erddap/info/jplMURSST41/index.json";
constexpr std::string_view kMurDataPath = "/erddap/griddap/jplMURSST41.json";

class FetchJob : public ::testing::Test {
 protected:
  void SetUp() override {
    store = storage::OpenStore("sqlite:" + dir.path() + "/test.db", 2);
    store->Migrate();
    store->UpsertLocations(locations);
    upstream.Serve(std::string(kMurInfoPath), Json(ReadFixture("erddap/jplMURSST41_info.json")));
    upstream.Serve(std::string(kMurDataPath),
                   Json(ReadFixture("erddap/jplMURSST41_monterey.json")));
    store_sink = MakeStoreSink(*store, nullptr);
  }

  sources::SourceConfig Mur(std::string id = "noaa") const {
    sources::SourceConfig source;
    source.id = std::move(id);
    source.kind = sources::SourceKind::kErddapGriddap;
    source.name = "MUR";
    source.servers = {
        {upstream.BaseUrl() + "/erddap", "jplMURSST41", "analysed_sst", 1.0, 0.0, "degree_C"}};
    source.parameter = "sst";
    return source;
  }

  FetchRunSummary Run(std::span<const sources::SourceConfig> sources, ObservationSink& sink,
                      std::span<const core::Location> where) {
    FetchOptions options;
    options.now_ms = At("2026-11-26T06:00:00Z");
    return RunFetch(sources, where, http, sink, options,
                    [this](std::string_view line) { printed.emplace_back(line); });
  }
  FetchRunSummary Run(std::span<const sources::SourceConfig> sources, ObservationSink& sink) {
    return Run(sources, sink, std::span(locations).first(1));
  }
  // Mur() alone, for Monterey or `where`.
  FetchRunSummary RunMur(ObservationSink& sink) {
    return RunMur(sink, std::span(locations).first(1));
  }
  FetchRunSummary RunMur(ObservationSink& sink, std::span<const core::Location> where) {
    const std::vector<sources::SourceConfig> sources = {Mur()};
    return Run(sources, sink, where);
  }

  std::int64_t Count() {
    core::ObservationQuery query;
    query.start_ms = 0;
    query.end_ms = At("2030-01-01T00:00:00Z");
    return store->CountObservations(query);
  }

  std::vector<core::StoredObservation> Rows() {
    core::ObservationQuery query;
    query.start_ms = 0;
    query.end_ms = At("2030-01-01T00:00:00Z");
    query.limit = 100;
    return store->QueryObservations(query);
  }

  std::optional<storage::SourceStatus> Status(std::string_view id) {
    for (auto& status : store->ListSourceStatus()) {
      if (status.source_id == id) return status;
    }
    return std::nullopt;
  }

  TempDir dir{"oceandash-fetch-test"};
  FakeUpstream upstream;
  std::vector<core::Location> locations = {MakeLocation("monterey-bay", 36.75, -122.03),
                                           MakeLocation("tokyo-bay-mouth", 35.1, 139.72)};
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<ObservationSink> store_sink;  // writes to `store`, no cache
  sources::HttpClient http{[] {
    sources::HttpClientOptions options;
    options.max_attempts = 2;
    options.sleep = [](std::chrono::milliseconds) {};
    return options;
  }()};
  std::vector<std::string> printed;
};

TEST_F(FetchJob, StoresRowsAndRecordsTheRun) {
  const auto summary = RunMur(*store_sink);
  EXPECT_TRUE(summary.AllOk());
  ASSERT_EQ(printed.size(), 1u);
  EXPECT_THAT(printed[0],
              StartsWith(fmt::format("noaa: 2 rows (1 locations, 0 failed) from {}/erddap in ",
                                     upstream.BaseUrl())));
  EXPECT_EQ(Count(), 2);
  const auto rows = Rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].observation.source, "noaa");
  EXPECT_DOUBLE_EQ(rows[0].observation.value, 14.39);
  const auto status = Status("noaa");
  ASSERT_TRUE(status && status->last_run);
  EXPECT_TRUE(status->last_run->ok);
  EXPECT_EQ(status->last_run->rows, 2);
  EXPECT_EQ(status->last_run->error, "");
  EXPECT_EQ(status->rows, 2);
}

// A run that stores nothing still changes /api/sources/: recording it invalidates the cache.
TEST_F(FetchJob, RecordingARunInvalidatesTheCache) {
  auto cache = cache::OpenCache("", {});
  cache->Put("/api/sources/", {"\"etag\"", "application/json", "[]"});
  sources::SourceConfig unreachable = Mur();
  for (auto& server : unreachable.servers) server.url = "http://127.0.0.1:9/erddap";
  auto sink = MakeStoreSink(*store, cache.get());
  const std::vector<sources::SourceConfig> sources = {unreachable};
  EXPECT_FALSE(Run(sources, *sink).AllOk());
  EXPECT_EQ(Count(), 0);
  EXPECT_FALSE(cache->Get("/api/sources/"));
}

TEST_F(FetchJob, StoresTheCellOfTheLatestRow) {
  EXPECT_TRUE(RunMur(*store_sink).AllOk());
  auto cells = store->ListSourceCells("monterey-bay");
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells[0].source_id, "noaa");
  EXPECT_EQ(cells[0].parameter, "sst");
  EXPECT_DOUBLE_EQ(cells[0].cell_latitude, 36.75);
  EXPECT_DOUBLE_EQ(cells[0].cell_longitude, -122.04);

  // Per (source, location, parameter), the newest row's cell wins whatever the row order;
  // rows without a cell are skipped.
  const auto row = [](std::string source, std::string parameter, std::string_view at,
                      std::optional<double> latitude, std::optional<double> longitude) {
    sources::FetchedObservation fetched;
    fetched.observation = {
        "monterey-bay",   std::move(parameter), At(at), 15.0, core::QualityFlag::kNotEvaluated,
        std::move(source)};
    fetched.cell_latitude = latitude;
    fetched.cell_longitude = longitude;
    return fetched;
  };
  const std::vector<sources::FetchedObservation> rows = {
      row("noaa", "sst", "2026-11-25T09:00:00Z", 36.8, -122.1),
      row("noaa", "sst", "2026-11-23T09:00:00Z", 36.7, -122.0),
      row("noaa", "sst", "2026-11-26T09:00:00Z", std::nullopt, std::nullopt),
      row("ndbc", "wave_height", "2026-11-24T09:00:00Z", 36.78, -122.4),
      row("ndbc", "sst", "2026-11-24T09:00:00Z", std::nullopt, std::nullopt)};
  store_sink->Write(rows);
  cells = store->ListSourceCells("monterey-bay");
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0].source_id, "ndbc");
  EXPECT_EQ(cells[0].parameter, "wave_height");
  EXPECT_DOUBLE_EQ(cells[0].cell_latitude, 36.78);
  EXPECT_EQ(cells[1].source_id, "noaa");
  EXPECT_DOUBLE_EQ(cells[1].cell_latitude, 36.8);
  EXPECT_DOUBLE_EQ(cells[1].cell_longitude, -122.1);
}

TEST_F(FetchJob, ARevisedDayUpdatesWithoutDuplicates) {
  RunMur(*store_sink);
  ASSERT_EQ(Count(), 2);
  // MUR revises the last days: the same window fetched again carries a changed value.
  std::string revised = ReadFixture("erddap/jplMURSST41_monterey.json");
  const std::string old_value = "14.39]";
  revised.replace(revised.find(old_value), old_value.size(), "14.41]");
  upstream.Serve(std::string(kMurDataPath), Json(revised));
  EXPECT_TRUE(RunMur(*store_sink).AllOk());
  EXPECT_EQ(Count(), 2);
  const auto rows = Rows();
  EXPECT_EQ(rows[0].observation.timestamp_ms, At("2026-11-22T09:00:00Z"));
  EXPECT_DOUBLE_EQ(rows[0].observation.value, 14.41);
}

TEST_F(FetchJob, APartialAnswerIsStoredAndTheFailureRecorded) {
  // Tokyo's request (longitude 139.7x) gets an HTML page; Monterey's is fine.
  upstream.Serve(std::string(kMurDataPath),
                 {200, "text/html", ReadFixture("erddap/html_error.html"), 0ms, {}}, "(139.");
  const auto summary = RunMur(*store_sink, locations);
  EXPECT_FALSE(summary.AllOk());
  ASSERT_EQ(printed.size(), 1u);
  EXPECT_THAT(printed[0], HasSubstr("noaa: 2 rows (2 locations, 1 failed)"));
  EXPECT_THAT(printed[0], HasSubstr("tokyo-bay-mouth"));
  EXPECT_EQ(Count(), 2);
  const auto status = Status("noaa");
  ASSERT_TRUE(status && status->last_run);
  EXPECT_FALSE(status->last_run->ok);
  EXPECT_EQ(status->last_run->rows, 2);
  EXPECT_THAT(status->last_run->error, HasSubstr("tokyo-bay-mouth"));
  EXPECT_THAT(status->last_run->error, HasSubstr("HTML page"));
}

TEST_F(FetchJob, AFailingSourceDoesNotStopTheOthers) {
  auto broken = Mur("broken");
  broken.servers[0].url = upstream.BaseUrl() + "/down/erddap";
  upstream.Serve("/down/erddap/info/jplMURSST41/index.json",
                 {503, "text/plain", "Service Unavailable", 0ms, {}});
  const std::vector<sources::SourceConfig> sources = {broken, Mur()};
  const auto summary = Run(sources, *store_sink);
  EXPECT_FALSE(summary.AllOk());
  ASSERT_EQ(printed.size(), 2u);
  EXPECT_THAT(printed[0], StartsWith("broken: FAILED: monterey-bay: every server failed"));
  EXPECT_THAT(printed[0], HasSubstr("HTTP 503"));
  EXPECT_THAT(printed[1], StartsWith("noaa: 2 rows"));
  EXPECT_EQ(Count(), 2);
  const auto status = Status("broken");
  ASSERT_TRUE(status && status->last_failure);
  EXPECT_FALSE(status->last_run->ok);
  EXPECT_EQ(status->last_run->rows, 0);
}

TEST_F(FetchJob, GarbageIsNeverStored) {
  for (const auto* file : {"erddap/truncated.json", "erddap/wrong_columns.json"}) {
    upstream.Serve(std::string(kMurDataPath), Json(ReadFixture(file)));
    EXPECT_FALSE(RunMur(*store_sink).AllOk());
    EXPECT_EQ(Count(), 0) << file;
  }
  EXPECT_THAT(printed.back(), StartsWith("noaa: FAILED: monterey-bay: "));
}

TEST_F(FetchJob, DryRunPrintsAndWritesNothing) {
  auto sink = MakeDryRunSink([this](std::string_view line) { printed.emplace_back(line); });
  EXPECT_TRUE(RunMur(*sink).AllOk());
  ASSERT_EQ(printed.size(), 3u);
  EXPECT_EQ(printed[0],
            "noaa,monterey-bay,sst,2026-11-22T09:00:00Z,14.39,not_evaluated,36.75,-122.04");
  EXPECT_THAT(printed[2], StartsWith("noaa: 2 rows"));
  EXPECT_EQ(Count(), 0);
  EXPECT_FALSE(Status("noaa").has_value());
  EXPECT_TRUE(store->ListSourceCells("monterey-bay").empty());
}

TEST_F(FetchJob, IngestPostsBatchesWithTheKeyAndRetries5xx) {
  const std::string ingest_path = "/api/observations/ingest/";
  upstream.Serve(ingest_path, Json(R"({"received":1,"inserted":1,"updated":0})"));
  upstream.FailNext(ingest_path, 1, {503, "application/json", "{}", 0ms, {}});
  auto sink = MakeIngestSink(upstream.BaseUrl() + ingest_path, "key-0123456789abcdef", http, 1);
  EXPECT_TRUE(RunMur(*sink).AllOk()) << printed.back();
  std::vector<sources::testing::RecordedRequest> posts;
  for (auto& request : upstream.Requests()) {
    if (request.path == ingest_path) posts.push_back(request);
  }
  ASSERT_EQ(posts.size(), 3u);  // two batches of one row, the first sent twice (503)
  EXPECT_EQ(posts[0].method, "POST");
  EXPECT_EQ(posts[0].authorization, "Bearer key-0123456789abcdef");
  EXPECT_EQ(posts[0].content_type, "application/json");
  EXPECT_EQ(posts[0].body, posts[1].body);
  const auto body = boost::json::parse(posts[2].body);
  ASSERT_TRUE(body.is_array());
  ASSERT_EQ(body.as_array().size(), 1u);
  const auto& row = body.as_array()[0].as_object();
  EXPECT_EQ(row.at("location_id").as_string(), "monterey-bay");
  EXPECT_EQ(row.at("parameter").as_string(), "sst");
  EXPECT_EQ(row.at("timestamp").as_string(), "2026-11-24T09:00:00Z");
  EXPECT_DOUBLE_EQ(row.at("value").to_number<double>(), 14.59);
  EXPECT_EQ(row.at("quality_flag").as_string(), "not_evaluated");
  EXPECT_EQ(row.at("source").as_string(), "noaa");
  EXPECT_EQ(Count(), 0);  // no store involved
}

TEST_F(FetchJob, ARefusedIngestFailsTheSource) {
  const std::string ingest_path = "/api/observations/ingest/";
  upstream.Serve(
      ingest_path,
      Json(R"({"error":{"code":"unauthorized","message":"bad key","details":[]}})", 401));
  auto sink = MakeIngestSink(upstream.BaseUrl() + ingest_path, "wrong-key-0123456789", http);
  EXPECT_FALSE(RunMur(*sink).AllOk());
  EXPECT_THAT(printed.back(), StartsWith("noaa: FAILED: writing 2 rows: ingest "));
  EXPECT_THAT(printed.back(), HasSubstr("HTTP 401"));
  EXPECT_THAT(printed.back(), ::testing::Not(HasSubstr("wrong-key")));  // secrets never printed
}

#ifdef OCEAN_BINARY
// `oceandash fetch` as a user runs it, with OCEAN_SOURCE_NOAA_URL pointing at the fake upstream.
class FetchCommand : public FetchJob {
 protected:
  void SetUp() override {
    FetchJob::SetUp();
    // Recorded payloads with their dates moved to just before now, so the real clock's 7-day
    // window holds them.
    const core::EpochMs now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
    const core::EpochMs yesterday = (now / core::kMsPerDay - 1) * core::kMsPerDay + 9 * 3'600'000;
    std::string info = ReadFixture("erddap/jplMURSST41_info.json");
    const std::string range = "1.022922E9, 1.7955972E9";
    info.replace(info.find(range), range.size(), fmt::format("1.022922E9, {}.0", yesterday / 1000));
    std::string data = ReadFixture("erddap/jplMURSST41_monterey.json");
    // Through placeholders: the new dates may equal recorded ones (the recording is recent).
    const auto replace_all = [&data](std::string_view from, std::string_view to) {
      for (auto at = data.find(from); at != std::string::npos; at = data.find(from, at)) {
        data.replace(at, from.size(), to);
        at += to.size();
      }
    };
    const std::array<std::string_view, 3> recorded = {
        "2026-11-22T09:00:00Z", "2026-11-23T09:00:00Z", "2026-11-24T09:00:00Z"};
    for (std::size_t i = 0; i < recorded.size(); ++i)
      replace_all(recorded[i], fmt::format("@{}@", i));
    for (std::size_t i = 0; i < recorded.size(); ++i) {
      const auto days_back = static_cast<core::EpochMs>(recorded.size() - 1 - i);
      replace_all(fmt::format("@{}@", i),
                  core::FormatTimestamp(yesterday - days_back * core::kMsPerDay));
    }
    upstream.Serve(std::string(kMurInfoPath), Json(info));
    upstream.Serve(std::string(kMurDataPath), Json(data));

    std::ofstream(dir.path() + "/locations.json")
        << R"([{"id":"monterey-bay","name":"Monterey Bay","latitude":36.75,"longitude":-122.03}])";
    std::filesystem::copy_file(std::string(OCEAN_SOURCE_DIR) + "/config/sources.json",
                               dir.path() + "/sources.json");
    database = "sqlite:" + dir.path() + "/cli.db";
  }

  testing::ShellResult Oceandash(const std::string& args, const std::string& url) {
    const std::string command = fmt::format(
        "OCEAN_SOURCE_NOAA_URL='{}' OCEAN_LOG_LEVEL=warn '{}' fetch {} --sources '{}/sources.json' "
        "--locations '{}/locations.json' --database '{}' 2>'{}/stderr.txt'",
        url, OCEAN_BINARY, args, dir.path(), dir.path(), database, dir.path());
    return testing::RunShell(command);
  }
  std::int64_t CliCount() {
    auto cli_store = storage::OpenStore(database, 1);
    core::ObservationQuery query;
    query.end_ms = At("2100-01-01T00:00:00Z");
    return cli_store->CountObservations(query);
  }

  std::string database;
};

TEST_F(FetchCommand, StoresFromTheFakeUpstream) {
  const auto run = Oceandash("noaa", upstream.BaseUrl() + "/erddap");
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_THAT(run.out,
              StartsWith(fmt::format("noaa: 2 rows (1 locations, 0 failed) from {}/erddap in ",
                                     upstream.BaseUrl())));
  EXPECT_EQ(CliCount(), 2);
}

TEST_F(FetchCommand, DryRunWritesNothing) {
  const auto run = Oceandash("noaa --dry-run --days 7", upstream.BaseUrl() + "/erddap");
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_THAT(run.out, StartsWith("noaa,monterey-bay,sst,"));
  EXPECT_THAT(run.out, HasSubstr("\nnoaa: 2 rows (1 locations, 0 failed)"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/cli.db"));
}

TEST_F(FetchCommand, AFailedSourceExitsNonZero) {
  upstream.Serve(std::string(kMurInfoPath),
                 Json(ReadFixture("erddap/error_unknown_dataset.txt"), 404));
  const auto run = Oceandash("noaa", upstream.BaseUrl() + "/erddap");
  EXPECT_EQ(run.status, 1) << run.out;
  EXPECT_THAT(run.out, StartsWith("noaa: FAILED: monterey-bay: every server failed: http://"));
  EXPECT_THAT(run.out, HasSubstr("Currently unknown datasetID"));
}

// The scheduler inside `serve`: on first start with an empty database it fetches at once,
// writes the rows and records the run, without anyone calling `fetch`.
TEST_F(FetchCommand, ServeFetchesAtOnceOnAnEmptyDatabase) {
  // Only the noaa source, so no other source tries the (absent) network.
  const boost::json::value shipped =
      boost::json::parse(ReadFile(std::string(OCEAN_SOURCE_DIR) + "/config/sources.json"));
  boost::json::array only_noaa;
  for (const auto& entry : shipped.as_array()) {
    if (entry.at("id").as_string() == "noaa") only_noaa.push_back(entry);
  }
  ASSERT_EQ(only_noaa.size(), 1u);
  std::ofstream(dir.path() + "/noaa-only.json") << boost::json::serialize(only_noaa);
  const std::string command = fmt::format(
      "OCEAN_SOURCE_NOAA_URL='{}/erddap' OCEAN_LOG_LEVEL=info '{}' serve --host 127.0.0.1 "
      "--port 0 --sources '{}/noaa-only.json' --locations '{}/locations.json' --database '{}' "
      ">'{}/serve.out' 2>'{}/serve.err' & echo $! >'{}/serve.pid'",
      upstream.BaseUrl(), OCEAN_BINARY, dir.path(), dir.path(), database, dir.path(), dir.path(),
      dir.path());
  ASSERT_EQ(std::system(command.c_str()), 0);
  pid_t pid = 0;
  for (int i = 0; i < 50 && pid == 0; ++i) {
    std::ifstream(dir.path() + "/serve.pid") >> pid;
    if (pid == 0) std::this_thread::sleep_for(100ms);
  }
  ASSERT_GT(pid, 0);
  std::optional<storage::SourceStatus> noaa;
  for (int i = 0; i < 150 && !(noaa && noaa->last_run); ++i) {
    std::this_thread::sleep_for(100ms);
    if (!std::filesystem::exists(dir.path() + "/cli.db")) continue;
    try {
      auto reader = storage::OpenStore(database, 1);
      for (auto& status : reader->ListSourceStatus()) {
        if (status.source_id == "noaa") noaa = status;
      }
    } catch (const std::exception&) {
      // The server may still be migrating the new database.
    }
  }
  ::kill(pid, SIGTERM);
  ASSERT_TRUE(noaa && noaa->last_run) << ReadFile(dir.path() + "/serve.err");
  EXPECT_TRUE(noaa->last_run->ok) << noaa->last_run->error;
  EXPECT_EQ(noaa->last_run->rows, 2);
  EXPECT_EQ(CliCount(), 2);
  EXPECT_GE(upstream.RequestCount(kMurDataPath), 1);
}

TEST_F(FetchCommand, UnknownSourceIsAnError) {
  const auto run = Oceandash("nooa", upstream.BaseUrl() + "/erddap");
  EXPECT_NE(run.status, 0);
  EXPECT_EQ(run.out, "");
}
#endif

}  // namespace
}  // namespace ocean::jobs
