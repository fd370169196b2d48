// Store behaviour, run against both SQLite (a temporary file) and a real PostgreSQL
// (OCEAN_TEST_PG_URL, started by scripts/services.sh; each test gets its own schema).
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/api_error.hpp"
#include "core/cursor.hpp"
#include "storage/migrations.hpp"
#include "storage/pg/statements.hpp"
#include "storage/sqlite/sql.hpp"
#include "storage/store.hpp"
#include "storage/testing/store_backends.hpp"

namespace ocean::storage {
namespace {

using core::Location;
using core::Observation;
using core::ObservationQuery;
using core::QualityFlag;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace pgsql = pg::sql;

constexpr char kServicesEnv[] = "OCEAN_TEST_SERVICES";

using testing::BackendNames;
using testing::Backends;
using testing::Env;
using testing::PgAdmin;
using testing::PgBackend;
using testing::PgResultPtr;
using testing::SqliteBackend;
using testing::SqliteDbDeleter;

// One series over [start_ms, end_ms], every source.
SeriesQuery Series(std::string location, std::string parameter, core::EpochMs start_ms,
                   core::EpochMs end_ms) {
  SeriesQuery query;
  query.location = std::move(location);
  query.parameter = std::move(parameter);
  query.start_ms = start_ms;
  query.end_ms = end_ms;
  return query;
}

template <typename Backend>
class StoreTest : public testing::StoreBackendTest<Backend, 4> {
 protected:
  using testing::StoreBackendTest<Backend, 4>::store_;

  void SetUp() override {
    testing::StoreBackendTest<Backend, 4>::SetUp();
    if (!this->ready_) return;
    this->store_->UpsertLocations(kLocations);
  }

  static Observation Obs(std::string location, std::string parameter, core::EpochMs ts,
                         double value, std::string source = "src",
                         QualityFlag flag = QualityFlag::kGood) {
    return Observation{std::move(location), std::move(parameter), ts, value, flag,
                       std::move(source)};
  }

  static ObservationQuery Window(core::EpochMs start, core::EpochMs end,
                                 std::int64_t limit = 100000) {
    ObservationQuery query;
    query.start_ms = start;
    query.end_ms = end;
    query.limit = limit;
    return query;
  }

  std::int64_t CountAll() {
    return store_->CountObservations(Window(std::numeric_limits<std::int64_t>::min() / 4,
                                            std::numeric_limits<std::int64_t>::max() / 4));
  }

  static inline const std::vector<Location> kLocations = {
      {"buoy-a", "Buoy A", 43.5, -70.25, "north", ""},
      {"buoy-b", "Buoy B", -12.125, 130.875, "", ""},
      {"pier \"c\"\t\\ {x,y} ü", "Odd id", 0.1, 0.2, "line1\nline2", ""},
  };
};

TYPED_TEST_SUITE(StoreTest, Backends, BackendNames);

TYPED_TEST(StoreTest, MigrateIsIdempotent) {
  auto fresh = OpenStore(this->backend_.url(), 2);
  MigrationReport again = fresh->Migrate();
  EXPECT_EQ(again.from_version, this->backend_.KnownVersion());
  EXPECT_EQ(again.to_version, this->backend_.KnownVersion());
  EXPECT_EQ(fresh->ListLocations().size(), this->kLocations.size());
}

TYPED_TEST(StoreTest, MigrateReportsFromZeroOnEmptyDatabase) {
  // SetUp migrated a database; a second empty one starts at version 0.
  TypeParam other;
  ASSERT_EQ(other.SetUp(), "");
  {
    auto store = OpenStore(other.url(), 1);
    MigrationReport report = store->Migrate();
    EXPECT_EQ(report.from_version, 0);
    EXPECT_EQ(report.to_version, other.KnownVersion());
  }
  other.TearDown();
}

TYPED_TEST(StoreTest, RefusesSchemaNewerThanBinary) {
  this->backend_.ExecRaw(
      TypeParam::kIsPostgres
          ? "INSERT INTO schema_migrations (version) VALUES (999)"
          : "INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)");
  try {
    this->store_->Migrate();
    FAIL() << "Migrate accepted a newer schema";
  } catch (const SchemaTooNewError& e) {
    EXPECT_THAT(e.what(),
                HasSubstr("database schema version 999 is newer than this binary knows (" +
                          std::to_string(this->backend_.KnownVersion()) + "); upgrade oceandash"));
  }
}

TYPED_TEST(StoreTest, UpsertsAndReadsLocations) {
  std::vector<Location> listed = this->store_->ListLocations();
  ASSERT_EQ(listed.size(), 3u);
  std::optional<Location> odd = this->store_->GetLocation("pier \"c\"\t\\ {x,y} ü");
  ASSERT_TRUE(odd.has_value());
  EXPECT_EQ(odd->description, "line1\nline2");
  EXPECT_EQ(odd->latitude, 0.1);
  EXPECT_FALSE(this->store_->GetLocation("nowhere").has_value());

  std::vector<Location> changed = {{"buoy-a", "Buoy A2", 1.5, 2.5, "moved", ""}};
  this->store_->UpsertLocations(changed);
  std::optional<Location> a = this->store_->GetLocation("buoy-a");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->name, "Buoy A2");
  EXPECT_EQ(a->latitude, 1.5);
  EXPECT_EQ(a->longitude, 2.5);
  EXPECT_EQ(a->description, "moved");
  EXPECT_EQ(this->store_->ListLocations().size(), 3u);
}

TYPED_TEST(StoreTest, CountsInsertsAndUpdates) {
  std::vector<Observation> first = {this->Obs("buoy-a", "sea_water_temperature", 1000, 10.5),
                                    this->Obs("buoy-a", "sea_water_temperature", 2000, 11.5),
                                    this->Obs("buoy-b", "salinity", 1000, 35.0)};
  core::IngestResult result = this->store_->UpsertObservations(first);
  EXPECT_EQ(result.received, 3);
  EXPECT_EQ(result.inserted, 3);
  EXPECT_EQ(result.updated, 0);

  std::vector<Observation> second = {
      this->Obs("buoy-a", "sea_water_temperature", 2000, 12.5, "src", QualityFlag::kSuspect),
      this->Obs("buoy-a", "sea_water_temperature", 2000, 99.0, "other"),  // other source: new
      this->Obs("buoy-b", "salinity", 3000, 36.0)};
  result = this->store_->UpsertObservations(second);
  EXPECT_EQ(result.received, 3);
  EXPECT_EQ(result.inserted, 2);
  EXPECT_EQ(result.updated, 1);
  EXPECT_EQ(this->CountAll(), 5);

  ObservationQuery query = this->Window(2000, 2000);
  query.source = "src";
  auto rows = this->store_->QueryObservations(query);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].observation.value, 12.5);
  EXPECT_EQ(rows[0].observation.quality_flag, QualityFlag::kSuspect);

  EXPECT_EQ(this->store_->UpsertObservations({}).received, 0);
}

TYPED_TEST(StoreTest, IngestIsAllOrNothing) {
  std::vector<Observation> rows;
  for (int i = 0; i < 100; ++i) rows.push_back(this->Obs("buoy-a", "p", i, i));
  rows.push_back(this->Obs("nowhere", "p", 5, 1.0));
  try {
    this->store_->UpsertObservations(rows);
    FAIL() << "ingest with an unknown location succeeded";
  } catch (const core::UnavailableError& e) {
    FAIL() << "a constraint error must not look like an outage: " << e.what();
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("nowhere"));
    EXPECT_THAT(e.what(), HasSubstr("nothing was written"));
  }
  EXPECT_EQ(this->CountAll(), 0);
  EXPECT_TRUE(this->store_->LatestObservations({}).empty());
  // The connection that saw the error is healthy again.
  rows.pop_back();
  for (int i = 0; i < 8; ++i) EXPECT_NO_THROW(this->store_->Ping());
  EXPECT_EQ(this->store_->UpsertObservations(rows).inserted, 100);
}

TYPED_TEST(StoreTest, RoundTripsValuesTimestampsAndTextExactly) {
  const std::string odd_location = this->kLocations[2].id;
  // Not -0.0: SQLite stores integral REAL values as integers and reads -0.0 back as 0.0.
  const std::vector<double> values = {0.1,
                                      1.0 / 3.0,
                                      -123.45678901234567,
                                      1e-300,
                                      2.2250738585072014e-308,
                                      1.7976931348623157e308,
                                      9007199254740993.0,
                                      12345.000000000002};
  const std::vector<core::EpochMs> timestamps = {
      1, -1, 1700000000123, 253402300799999, -62135596800000, 1699999999999, 0, 42};
  std::vector<Observation> rows;
  for (std::size_t i = 0; i < values.size(); ++i) {
    rows.push_back(this->Obs(odd_location, "weird\\param\n", timestamps[i], values[i],
                             "src\twith\ttabs \"quoted\" {a,b}", QualityFlag::kMissing));
  }
  ASSERT_EQ(this->store_->UpsertObservations(rows).inserted, static_cast<int>(rows.size()));
  ObservationQuery query = this->Window(-62135596800000, 253402300799999);
  query.locations = {odd_location};
  query.parameter = "weird\\param\n";
  query.source = rows[0].source;
  auto stored = this->store_->QueryObservations(query);
  ASSERT_EQ(stored.size(), rows.size());
  for (const auto& row : stored) {
    auto original = std::find_if(rows.begin(), rows.end(), [&](const Observation& o) {
      return o.timestamp_ms == row.observation.timestamp_ms;
    });
    ASSERT_NE(original, rows.end()) << row.observation.timestamp_ms;
    EXPECT_EQ(std::bit_cast<std::uint64_t>(row.observation.value),
              std::bit_cast<std::uint64_t>(original->value))
        << row.observation.value << " vs " << original->value;
    EXPECT_EQ(row.observation.location_id, odd_location);
    EXPECT_EQ(row.observation.parameter, "weird\\param\n");
    EXPECT_EQ(row.observation.source, rows[0].source);
    EXPECT_EQ(row.observation.quality_flag, QualityFlag::kMissing);
  }
  // The newest row (the fourth) is the series' latest, just as exact.
  const std::vector<std::string> odd = {odd_location};
  const auto latest = this->store_->LatestObservations(odd);
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(latest[0].timestamp_ms, timestamps[3]);
  EXPECT_EQ(std::bit_cast<std::uint64_t>(latest[0].value), std::bit_cast<std::uint64_t>(values[3]));
  EXPECT_EQ(latest[0].parameter, "weird\\param\n");
  EXPECT_EQ(latest[0].source, rows[0].source);
  EXPECT_EQ(latest[0].quality_flag, QualityFlag::kMissing);
  // The window is inclusive at both ends, to the millisecond.
  EXPECT_EQ(this->store_->CountObservations(this->Window(1699999999999, 1700000000123)), 2);
  EXPECT_EQ(this->store_->CountObservations(this->Window(1700000000000, 1700000000122)), 0);
  EXPECT_EQ(this->store_->CountObservations(this->Window(-1, 1)), 3);
}

TYPED_TEST(StoreTest, QueriesOneSeriesAsColumns) {
  const std::vector<Observation> rows = {
      this->Obs("buoy-a", "sst", 3000, 12.0, "b", QualityFlag::kSuspect),
      this->Obs("buoy-a", "sst", 1000, 10.0, "a"),
      this->Obs("buoy-a", "sst", 2000, 11.5, "b"),
      this->Obs("buoy-a", "sst", 2000, 11.0, "a"),
      this->Obs("buoy-a", "sst", 3001, 19.0, "a"),       // after the window
      this->Obs("buoy-a", "salinity", 2000, 35.0, "a"),  // another parameter
      this->Obs("buoy-b", "sst", 2000, 20.0, "a"),       // another location
  };
  ASSERT_EQ(this->store_->UpsertObservations(rows).inserted, 7);

  SeriesQuery query = Series("buoy-a", "sst", 1000, 3000);
  SeriesRows series = this->store_->QuerySeries(query);
  // Timestamp order, ties by source; the window is inclusive at both ends.
  EXPECT_THAT(series.t, ElementsAre(1000, 2000, 2000, 3000));
  EXPECT_THAT(series.v, ElementsAre(10.0, 11.0, 11.5, 12.0));
  EXPECT_THAT(series.q, ElementsAre(QualityFlag::kGood, QualityFlag::kGood, QualityFlag::kGood,
                                    QualityFlag::kSuspect));
  EXPECT_THAT(series.sources, ElementsAre("a", "b"));
  EXPECT_THAT(series.s, ElementsAre(0u, 0u, 1u, 1u));

  query.source = "b";
  series = this->store_->QuerySeries(query);
  EXPECT_THAT(series.t, ElementsAre(2000, 3000));
  EXPECT_THAT(series.sources, ElementsAre("b"));
  EXPECT_THAT(series.s, ElementsAre(0u, 0u));

  // The limit keeps the oldest rows.
  query.source.reset();
  query.limit = 2;
  EXPECT_THAT(this->store_->QuerySeries(query).t, ElementsAre(1000, 2000));

  query.location = "buoy-c";
  series = this->store_->QuerySeries(query);
  EXPECT_TRUE(series.t.empty() && series.v.empty() && series.q.empty() && series.s.empty() &&
              series.sources.empty());
}

TYPED_TEST(StoreTest, SeriesRoundTripsTimestampsValuesAndTextExactly) {
  const std::string odd_location = this->kLocations[2].id;
  const std::string odd_source = "src\twith\ttabs \"quoted\" {a,b} ü";
  const std::vector<core::EpochMs> timestamps = {-62135596800000, -1001,          -1, 0, 1,
                                                 1700000000123,   253402300799999};
  const std::vector<double> values = {
      0.1,   1.0 / 3.0, -123.45678901234567, 1e-300, 1.7976931348623157e308, 9007199254740993.0,
      5e-324};
  std::vector<Observation> rows;
  for (std::size_t i = 0; i < timestamps.size(); ++i) {
    rows.push_back(this->Obs(odd_location, "weird\\param\n", timestamps[i], values[i], odd_source,
                             QualityFlag::kMissing));
  }
  ASSERT_EQ(this->store_->UpsertObservations(rows).inserted, static_cast<int>(rows.size()));
  const SeriesQuery series_query{.location = odd_location,
                                 .parameter = "weird\\param\n",
                                 .source = odd_source,
                                 .start_ms = timestamps.front(),
                                 .end_ms = timestamps.back()};
  const SeriesRows series = this->store_->QuerySeries(series_query);
  EXPECT_EQ(series.t, timestamps);
  ASSERT_EQ(series.v.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(std::bit_cast<std::uint64_t>(series.v[i]), std::bit_cast<std::uint64_t>(values[i]))
        << series.v[i] << " vs " << values[i];
  }
  EXPECT_THAT(series.q, ::testing::Each(QualityFlag::kMissing));
  EXPECT_THAT(series.sources, ElementsAre(odd_source));
  // The paged read converts timestamps the same way.
  ObservationQuery query = this->Window(timestamps.front(), timestamps.back());
  query.locations = {odd_location};
  std::vector<core::EpochMs> paged;
  for (const auto& row : this->store_->QueryObservations(query)) {
    paged.push_back(row.observation.timestamp_ms);
  }
  EXPECT_EQ(paged, timestamps);
}

// Two stores on one database, as two server processes: a series one of them creates after the
// other has read its series (PostgreSQL keeps ids in memory) is still read by the other.
TYPED_TEST(StoreTest, SeriesWrittenThroughAnotherStoreIsRead) {
  auto other = OpenStore(this->backend_.url(), 2);
  const SeriesQuery series = Series("buoy-b", "late", 0, 10'000);
  EXPECT_TRUE(other->QuerySeries(series).t.empty());
  ObservationQuery page = this->Window(0, 10'000);
  page.locations = {"buoy-b"};
  EXPECT_TRUE(other->QueryObservations(page).empty());

  const std::vector<Observation> rows = {this->Obs("buoy-b", "late", 5000, 2.5, "s9")};
  this->store_->UpsertObservations(rows);
  EXPECT_THAT(other->QuerySeries(series).v, ElementsAre(2.5));
  const auto read = other->QueryObservations(page);
  ASSERT_EQ(read.size(), 1U);
  EXPECT_EQ(read[0].observation.location_id, "buoy-b");
  EXPECT_EQ(read[0].observation.parameter, "late");
  EXPECT_EQ(read[0].observation.source, "s9");

  // A second series at the location, while `other` knows only the first: its page and count
  // over the location still include the new series.
  const std::vector<Observation> more = {this->Obs("buoy-b", "later", 4000, 7.5, "s9")};
  this->store_->UpsertObservations(more);
  const auto both = other->QueryObservations(page);
  ASSERT_EQ(both.size(), 2U);
  EXPECT_EQ(both[0].observation.parameter, "later");
  EXPECT_EQ(both[1].observation.parameter, "late");
  EXPECT_EQ(other->CountObservations(page), 2);

  // A third, and the page with its count in one round trip: both fall back the same way.
  const std::vector<Observation> third = {this->Obs("buoy-b", "latest", 3000, 1.5, "s9")};
  this->store_->UpsertObservations(third);
  const ObservationPage together = other->QueryObservationsWithCount(page, page);
  ASSERT_EQ(together.rows.size(), 3U);
  EXPECT_EQ(together.rows[0].observation.parameter, "latest");
  EXPECT_EQ(together.count, 3);
}

// A store writing to a series another store recorded after it last listed series (another
// server, or a fetcher): it finds the series instead of recording it twice, and the rows land.
TYPED_TEST(StoreTest, WritesToSeriesAnotherStoreRecorded) {
  auto other = OpenStore(this->backend_.url(), 2);
  // Each store lists the series once it has written or read some.
  this->store_->UpsertObservations(std::vector<Observation>{this->Obs("buoy-a", "w", 1000, 1)});
  EXPECT_EQ(other->UpsertObservations(std::vector<Observation>{this->Obs("buoy-a", "w", 2000, 2)})
                .inserted,
            1);
  EXPECT_EQ(other->UpsertObservations(std::vector<Observation>{this->Obs("buoy-b", "v", 1000, 3)})
                .inserted,
            1);
  const core::IngestResult result = this->store_->UpsertObservations(std::vector<Observation>{
      this->Obs("buoy-b", "v", 2000, 4), this->Obs("buoy-b", "v", 1000, 5)});
  EXPECT_EQ(result.inserted, 1);
  EXPECT_EQ(result.updated, 1);
  const SeriesQuery series = Series("buoy-b", "v", 0, 10'000);
  EXPECT_THAT(other->QuerySeries(series).v, ElementsAre(5, 4));
  EXPECT_THAT(this->store_->QuerySeries(series).v, ElementsAre(5, 4));
}

// A series read through one store while another store gives it a second source: the reader
// (which may have cached that the series had one source) labels every point correctly.
TYPED_TEST(StoreTest, SeriesGainingASecondSourceIsReadCorrectly) {
  auto reader = OpenStore(this->backend_.url(), 2);
  SeriesQuery query = Series("buoy-a", "two", 0, 10'000);
  const std::vector<Observation> first = {this->Obs("buoy-a", "two", 1000, 1.0, "s1"),
                                          this->Obs("buoy-a", "two", 3000, 3.0, "s1")};
  this->store_->UpsertObservations(first);
  SeriesRows rows = reader->QuerySeries(query);
  EXPECT_THAT(rows.t, ElementsAre(1000, 3000));
  EXPECT_THAT(rows.sources, ElementsAre("s1"));
  EXPECT_THAT(rows.s, ElementsAre(0, 0));

  const std::vector<Observation> second = {this->Obs("buoy-a", "two", 2000, 2.0, "s2"),
                                           this->Obs("buoy-a", "two", 3000, 3.5, "s2")};
  this->store_->UpsertObservations(second);
  rows = reader->QuerySeries(query);
  EXPECT_THAT(rows.t, ElementsAre(1000, 2000, 3000, 3000));
  EXPECT_THAT(rows.v, ElementsAre(1.0, 2.0, 3.0, 3.5));
  ASSERT_THAT(rows.sources, ElementsAre("s1", "s2"));
  EXPECT_THAT(rows.s, ElementsAre(0, 1, 0, 1));
  // A source filter still answers with that source's rows only.
  query.source = "s2";
  rows = reader->QuerySeries(query);
  EXPECT_THAT(rows.v, ElementsAre(2.0, 3.5));
  EXPECT_THAT(rows.sources, ElementsAre("s2"));
  // A batch with two sources for a new series, through the reader this time.
  const std::vector<Observation> mixed = {this->Obs("buoy-b", "two", 1000, 1.0, "s1"),
                                          this->Obs("buoy-b", "two", 1000, 1.5, "s2")};
  reader->UpsertObservations(mixed);
  query.location = "buoy-b";
  query.source.reset();
  rows = this->store_->QuerySeries(query);
  EXPECT_THAT(rows.v, ElementsAre(1.0, 1.5));
  EXPECT_THAT(rows.sources, ElementsAre("s1", "s2"));
}

// Pages read through one store while another gives a series a second source: the reader may
// have listed every series as having one source and left the column out of its statements
// (PostgreSQL); each statement's guard then sends it back for the column, so every row keeps
// its own source. Covers the default page, a merged page (a parameter at two locations of
// twelve series) and a dense one (a location's six), alone and with their counts.
TYPED_TEST(StoreTest, PagesOfSeriesGainingASecondSourceAreLabelledCorrectly) {
  auto reader = OpenStore(this->backend_.url(), 2);
  std::vector<Observation> written;
  for (const char* location : {"buoy-a", "buoy-b"}) {
    for (int p = 0; p < 6; ++p) {
      for (const core::EpochMs ts : {1000, 3000}) {
        written.push_back(this->Obs(location, "q" + std::to_string(p), ts, p + ts / 1000.0, "s1"));
      }
    }
  }
  this->store_->UpsertObservations(written);
  ObservationQuery every = this->Window(0, 10'000);
  ObservationQuery parameter = every;
  parameter.parameter = "q0";
  ObservationQuery location = every;
  location.locations = {"buoy-a"};
  const auto check = [&](const ObservationQuery& query) {
    using Key = std::tuple<std::string, std::string, core::EpochMs, std::string, double>;
    std::multiset<Key> expected;
    for (const Observation& o : written) {
      if ((query.locations.empty() || o.location_id == query.locations[0]) &&
          (!query.parameter || o.parameter == *query.parameter)) {
        expected.insert({o.location_id, o.parameter, o.timestamp_ms, o.source, o.value});
      }
    }
    const auto keys = [](const std::vector<core::StoredObservation>& rows) {
      std::multiset<Key> out;
      for (const auto& row : rows) {
        const Observation& o = row.observation;
        out.insert({o.location_id, o.parameter, o.timestamp_ms, o.source, o.value});
      }
      return out;
    };
    const auto page = reader->QueryObservations(query);
    EXPECT_EQ(keys(page), expected);
    // In page order: (ts, location, parameter, source) strictly ascending.
    for (std::size_t i = 1; i < page.size(); ++i) {
      const Observation& p = page[i - 1].observation;
      const Observation& o = page[i].observation;
      EXPECT_LT(std::tie(p.timestamp_ms, p.location_id, p.parameter, p.source),
                std::tie(o.timestamp_ms, o.location_id, o.parameter, o.source));
    }
    const ObservationPage together = reader->QueryObservationsWithCount(query, query);
    EXPECT_EQ(keys(together.rows), expected);
    EXPECT_EQ(together.count, static_cast<std::int64_t>(expected.size()));
  };
  for (const auto* query : {&every, &parameter, &location}) check(*query);

  const std::vector<Observation> second = {this->Obs("buoy-a", "q0", 2000, 2.0, "s2"),
                                           this->Obs("buoy-a", "q0", 3000, 3.5, "s2")};
  this->store_->UpsertObservations(second);
  written.insert(written.end(), second.begin(), second.end());
  for (const auto* query : {&every, &parameter, &location}) check(*query);
  // A source filter's page knows its rows' source without reading it.
  ObservationQuery by_source = every;
  by_source.source = "s2";
  const auto only_s2 = reader->QueryObservations(by_source);
  ASSERT_EQ(only_s2.size(), 2U);
  EXPECT_EQ(only_s2[0].observation.source, "s2");
  EXPECT_EQ(only_s2[1].observation.value, 3.5);
}

// Pages over one parameter at most of its locations (PostgreSQL merges one key range per
// series it knows), with and without a location filter, and over several parameters. A series
// another store adds afterwards, which the reader does not list yet, is on the reader's next
// page all the same, in page order and counted.
TYPED_TEST(StoreTest, PagesOfManySeriesSeeSeriesAddedByAnotherStore) {
  auto reader = OpenStore(this->backend_.url(), 2);
  std::vector<Observation> written;
  const auto write = [&](const std::string& location, const std::string& parameter, int shift) {
    std::vector<Observation> rows;
    for (int i = 0; i < 6; ++i) {
      rows.push_back(this->Obs(location, parameter, 1000 * i + shift, i + shift / 1000.0, "s1"));
    }
    this->store_->UpsertObservations(rows);
    written.insert(written.end(), rows.begin(), rows.end());
  };
  const std::string& a = this->kLocations[0].id;
  const std::string& b = this->kLocations[1].id;
  const std::string& c = this->kLocations[2].id;
  for (const std::string* location : {&a, &b, &c}) write(*location, "w", 0);
  write(a, "x", 500);

  ObservationQuery whole = this->Window(0, 10'000);
  whole.parameter = "w";
  ObservationQuery some = whole;
  some.locations = {a, "buoy-d"};
  ObservationQuery mixed = this->Window(0, 10'000);
  mixed.locations = {a, "buoy-d"};
  // Over whole days: the partial day at the window's end holds rows of both parameters.
  ObservationQuery whole_days = this->Window(-2 * 86'400'000, 3'000);
  whole_days.parameter = "w";
  const auto check = [&](const ObservationQuery& query) {
    SCOPED_TRACE(query.locations.size());
    using Key = std::tuple<std::string, std::string, core::EpochMs, double>;
    std::multiset<Key> expected;
    for (const Observation& o : written) {
      if ((query.locations.empty() || std::find(query.locations.begin(), query.locations.end(),
                                                o.location_id) != query.locations.end()) &&
          (!query.parameter || o.parameter == *query.parameter) &&
          o.timestamp_ms >= query.start_ms && o.timestamp_ms <= query.end_ms) {
        expected.insert({o.location_id, o.parameter, o.timestamp_ms, o.value});
      }
    }
    for (const std::int64_t page_size : {2, 1000}) {
      ObservationQuery paged = query;
      paged.limit = page_size;
      std::vector<core::StoredObservation> rows;
      for (int pages = 0; pages < 100; ++pages) {
        const auto page = reader->QueryObservations(paged);
        rows.insert(rows.end(), page.begin(), page.end());
        if (static_cast<std::int64_t>(page.size()) < page_size) break;
        paged.after = core::CursorAfter(page.back());
      }
      std::multiset<Key> got;
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const Observation& o = rows[i].observation;
        got.insert({o.location_id, o.parameter, o.timestamp_ms, o.value});
        if (i > 0) {
          const Observation& p = rows[i - 1].observation;
          EXPECT_LT(std::tie(p.timestamp_ms, p.location_id, p.parameter, p.source),
                    std::tie(o.timestamp_ms, o.location_id, o.parameter, o.source));
        }
      }
      EXPECT_EQ(got, expected) << "page size " << page_size;
    }
    EXPECT_EQ(reader->QueryObservationsWithCount(query, query).count,
              static_cast<std::int64_t>(expected.size()));
  };
  for (const auto* query : {&whole, &some, &mixed, &whole_days}) check(*query);

  const std::vector<Location> fourth = {{"buoy-d", "Buoy D", 1, 2, "", ""}};
  this->store_->UpsertLocations(fourth);
  write("buoy-d", "w", 250);
  write("buoy-d", "x", 750);
  for (const auto* query : {&whole, &some, &mixed, &whole_days}) check(*query);
}

// The data version one store reads changes once another store (another process) has
// committed a write, and not without one.
TYPED_TEST(StoreTest, DataVersionChangesAfterAnotherStoresWrite) {
  auto watcher = OpenStore(this->backend_.url(), 1);
  const std::string before = watcher->DataVersion();
  EXPECT_EQ(watcher->DataVersion(), before);
  const std::vector<Observation> rows = {this->Obs("buoy-a", "temp", 1000, 1.0)};
  this->store_->UpsertObservations(rows);
  // Polled, as the server does.
  std::string after = watcher->DataVersion();
  for (int i = 0; i < 50 && after == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    after = watcher->DataVersion();
  }
  EXPECT_NE(after, before);
}

TYPED_TEST(StoreTest, KeysetPaginationHasNoGapsOrRepeats) {
  // Many rows share each timestamp, so only the stores' tie-breakers order them.
  std::vector<Observation> rows;
  for (int i = 0; i < 1200; ++i) {
    // (i mod 2, i mod 3, i mod 7) repeats every 42 rows, so the source keeps keys unique.
    rows.push_back(this->Obs(i % 2 ? "buoy-a" : "buoy-b", "p" + std::to_string(i % 3),
                             (i % 7) * 1000, i, "s" + std::to_string(i / 42)));
  }
  // A third location with 20 parameters of its own: a filter on it matches most series (which
  // PostgreSQL reads in time order, skipping the rest), one on buoy-a or p1 a few (merged
  // ranges).
  const std::string& third = this->kLocations[2].id;
  for (int i = 0; i < 400; ++i) {
    rows.push_back(this->Obs(third, "f" + std::to_string(i % 20), (i % 7) * 900 + i / 20, i));
  }
  auto expected_count = [&rows](auto&& predicate) {
    return static_cast<std::int64_t>(std::count_if(rows.begin(), rows.end(), predicate));
  };
  ASSERT_EQ(this->store_->UpsertObservations(rows).inserted, 1600);

  auto page_through = [&](ObservationQuery query, std::int64_t page_size) {
    query.limit = page_size;
    std::vector<core::StoredObservation> all;
    for (int pages = 0; pages < 10000; ++pages) {
      auto page = this->store_->QueryObservations(query);
      all.insert(all.end(), page.begin(), page.end());
      if (static_cast<std::int64_t>(page.size()) < page_size) break;
      query.after = core::CursorAfter(page.back());
    }
    return all;
  };

  // Every series; one series; one location's three series; one parameter at two locations
  // (PostgreSQL reads the last two as merged key ranges); and with a source filter.
  enum class Filter { kNone, kOneSeries, kLocation, kParameter, kSource, kMostSeries };
  for (const Filter filter : {Filter::kNone, Filter::kOneSeries, Filter::kLocation,
                              Filter::kParameter, Filter::kSource, Filter::kMostSeries}) {
    SCOPED_TRACE(static_cast<int>(filter));
    ObservationQuery query = this->Window(0, 6000);
    if (filter == Filter::kOneSeries || filter == Filter::kLocation) query.locations = {"buoy-a"};
    if (filter == Filter::kMostSeries) query.locations = {third, "buoy-b"};
    if (filter == Filter::kOneSeries || filter == Filter::kParameter) query.parameter = "p1";
    if (filter == Filter::kSource) {
      query.locations = {"buoy-a"};
      query.source = "s3";
    }
    auto everything = this->store_->QueryObservations(query);
    const auto matches = [&](const Observation& o) {
      return (query.locations.empty() || std::find(query.locations.begin(), query.locations.end(),
                                                   o.location_id) != query.locations.end()) &&
             (!query.parameter || o.parameter == *query.parameter) &&
             (!query.source || o.source == *query.source);
    };
    const std::int64_t expected = expected_count(matches);
    ASSERT_GT(expected, filter == Filter::kSource ? 10 : 100);
    ASSERT_EQ(static_cast<std::int64_t>(everything.size()), expected);
    EXPECT_TRUE(std::all_of(everything.begin(), everything.end(),
                            [&](const auto& row) { return matches(row.observation); }));
    EXPECT_EQ(this->store_->CountObservations(query), expected);
    auto paged = page_through(query, 37);
    ASSERT_EQ(paged.size(), everything.size());
    // The same rows in the same order, each key once, in the documented page order (timestamp,
    // location, parameter, source: see core::CursorPosition), strictly increasing.
    auto key = [](const core::StoredObservation& row) {
      const Observation& o = row.observation;
      return std::make_tuple(o.location_id, o.parameter, o.timestamp_ms, o.source);
    };
    std::set<std::tuple<std::string, std::string, core::EpochMs, std::string>> keys;
    for (std::size_t i = 0; i < paged.size(); ++i) {
      EXPECT_EQ(key(paged[i]), key(everything[i]));
      EXPECT_EQ(paged[i].observation.value, everything[i].observation.value);
      keys.insert(key(paged[i]));
      if (i > 0) {
        const auto& p = paged[i - 1];
        const auto& c = paged[i];
        EXPECT_LT(std::tie(p.observation.timestamp_ms, p.observation.location_id,
                           p.observation.parameter, p.observation.source),
                  std::tie(c.observation.timestamp_ms, c.observation.location_id,
                           c.observation.parameter, c.observation.source));
      }
    }
    EXPECT_EQ(keys.size(), paged.size());
  }

  ObservationQuery by_source = this->Window(0, 6000);
  by_source.source = "s0";
  EXPECT_EQ(this->store_->CountObservations(by_source), 42);
  ObservationQuery narrow = this->Window(1000, 2000);
  narrow.locations = {"buoy-a", "buoy-b"};
  EXPECT_EQ(this->store_->CountObservations(narrow), expected_count([](const Observation& o) {
              return o.timestamp_ms >= 1000 && o.timestamp_ms <= 2000 &&
                     o.location_id.starts_with("buoy-");
            }));
}

// PostgreSQL counts whole UTC days from per-day totals kept by every write and counts only the
// partial days at the edges row by row (migration 0004): every window, including ones that
// start or end exactly at, just before or just after midnight, and before 1970, must count
// exactly the rows a page reads, after updates and after retention too.
TYPED_TEST(StoreTest, CountsAgreeWithRowsForEveryWindow) {
  constexpr core::EpochMs kDay = 86'400'000;
  const std::vector<core::EpochMs> offsets = {0, 1, 3'600'000, kDay / 2, kDay - 1};
  std::map<std::tuple<std::string, std::string, core::EpochMs, std::string>, double> expected;
  std::vector<Observation> first;
  std::vector<Observation> second;
  for (core::EpochMs day = -2; day < 5; ++day) {
    for (std::size_t i = 0; i < offsets.size(); ++i) {
      const core::EpochMs ts = day * kDay + offsets[i];
      for (const char* location : {"buoy-a", "buoy-b"}) {
        for (const char* parameter : {"p0", "p1"}) {
          // buoy-a/p0 has a second source on some rows.
          for (const char* source : {"s1", "s2"}) {
            if (std::string_view(source) == "s2" &&
                (std::string_view(location) != "buoy-a" || std::string_view(parameter) != "p0" ||
                 i % 2 == 0)) {
              continue;
            }
            const double value = static_cast<double>(day * 10 + static_cast<core::EpochMs>(i));
            Observation row = this->Obs(location, parameter, ts, value, source);
            // Half the rows arrive in the first batch; the second repeats some of those
            // (updates, which must not be counted twice) and adds the rest.
            if ((day + static_cast<core::EpochMs>(i)) % 2 == 0) first.push_back(row);
            if ((day + static_cast<core::EpochMs>(i)) % 2 != 0 || i == 0) {
              row.value += 0.5;
              second.push_back(row);
            }
            expected[{location, parameter, ts, source}] = row.value;
          }
        }
      }
    }
  }
  ASSERT_EQ(this->store_->UpsertObservations(first).updated, 0);
  const core::IngestResult again = this->store_->UpsertObservations(second);
  ASSERT_GT(again.updated, 0);
  ASSERT_EQ(static_cast<std::size_t>(again.inserted) + first.size(), expected.size());

  std::vector<core::EpochMs> bounds;
  for (core::EpochMs day = -3; day <= 6; ++day) {
    for (const core::EpochMs offset : {-1L, 0L, 1L, kDay / 3})
      bounds.push_back(day * kDay + offset);
  }
  auto check_all = [&](const std::string& when) {
    SCOPED_TRACE(when);
    int checked = 0;
    for (int filter = 0; filter < 5; ++filter) {
      for (std::size_t a = 0; a < bounds.size(); a += filter == 0 ? 1 : 3) {
        for (std::size_t b = a; b < bounds.size(); b += filter == 0 ? 1 : 2) {
          ObservationQuery query = this->Window(bounds[a], bounds[b]);
          if (filter == 1) query.locations = {"buoy-a"};  // a location's parameters
          if (filter == 2) {                              // one series
            query.locations = {"buoy-a"};
            query.parameter = "p0";
          }
          if (filter == 3) query.source = "s2";
          if (filter == 4) query.parameter = "p1";  // a parameter at every location
          std::int64_t want = 0;
          for (const auto& [key, value] : expected) {
            const auto& [location, parameter, ts, source] = key;
            want += static_cast<std::int64_t>(
                ts >= query.start_ms && ts <= query.end_ms &&
                (query.locations.empty() || location == query.locations.front()) &&
                (!query.parameter || parameter == *query.parameter) &&
                (!query.source || source == *query.source));
          }
          ASSERT_EQ(this->store_->CountObservations(query), want)
              << "filter " << filter << " window " << query.start_ms << ".." << query.end_ms;
          if (checked % 5 == 0) {
            // A page with its count in one round trip: what the two give one by one.
            ObservationQuery page = query;
            page.limit = 7;
            const ObservationPage both = this->store_->QueryObservationsWithCount(page, query);
            EXPECT_EQ(both.count, want);
            const auto alone = this->store_->QueryObservations(page);
            ASSERT_EQ(both.rows.size(), alone.size());
            for (std::size_t i = 0; i < alone.size(); ++i) {
              EXPECT_EQ(both.rows[i].id, alone[i].id);
              EXPECT_EQ(both.rows[i].observation.timestamp_ms, alone[i].observation.timestamp_ms);
              EXPECT_EQ(both.rows[i].observation.source, alone[i].observation.source);
            }
          }
          ++checked;
        }
      }
    }
    EXPECT_GT(checked, 900);
    EXPECT_EQ(this->CountAll(), static_cast<std::int64_t>(expected.size()));
  };
  check_all("after ingest");

  // Retention mid-day: the rest of that day and every later day still count exactly.
  const core::EpochMs cutoff = 1 * kDay + kDay / 2;
  const auto deleted = this->store_->DeleteObservationsBefore(cutoff);
  std::int64_t gone = 0;
  for (auto it = expected.begin(); it != expected.end();) {
    if (std::get<2>(it->first) < cutoff) {
      it = expected.erase(it);
      ++gone;
    } else {
      ++it;
    }
  }
  EXPECT_EQ(deleted, gone);
  check_all("after retention");

  // New rows on a day retention recounted add to it.
  std::vector<Observation> more = {this->Obs("buoy-b", "p1", 1 * kDay + kDay / 2 + 7, 1.0, "s2"),
                                   this->Obs("buoy-a", "p0", 3 * kDay + 5, 2.0, "s2")};
  ASSERT_EQ(this->store_->UpsertObservations(more).inserted, 2);
  expected[{"buoy-b", "p1", 1 * kDay + kDay / 2 + 7, "s2"}] = 1.0;
  expected[{"buoy-a", "p0", 3 * kDay + 5, "s2"}] = 2.0;
  check_all("after more rows");
}

TYPED_TEST(StoreTest, LatestPerLocationAndParameterAcrossSources) {
  std::vector<Observation> rows = {
      this->Obs("buoy-a", "temp", 100, 1.0, "s1"), this->Obs("buoy-a", "temp", 200, 2.0, "s2"),
      this->Obs("buoy-a", "temp", 150, 1.5, "s1"), this->Obs("buoy-a", "salt", 300, 3.0, "s1"),
      this->Obs("buoy-a", "salt", 300, 3.5, "s2"), this->Obs("buoy-b", "temp", 50, 5.0, "s3"),
      this->Obs("buoy-b", "temp", 40, 4.0, "s1"),
  };
  this->store_->UpsertObservations(rows);
  auto latest = this->store_->LatestObservations({});
  ASSERT_EQ(latest.size(), 3u);
  // Ordered by location, then parameter.
  EXPECT_EQ(latest[0].location_id, "buoy-a");
  EXPECT_EQ(latest[0].parameter, "salt");
  EXPECT_EQ(latest[0].timestamp_ms, 300);
  EXPECT_EQ(latest[1].location_id, "buoy-a");
  EXPECT_EQ(latest[1].parameter, "temp");
  EXPECT_EQ(latest[1].timestamp_ms, 200);
  EXPECT_EQ(latest[1].source, "s2");
  EXPECT_EQ(latest[1].value, 2.0);
  EXPECT_EQ(latest[2].location_id, "buoy-b");
  EXPECT_EQ(latest[2].source, "s3");
  EXPECT_EQ(latest[2].value, 5.0);
  // A tie on the timestamp resolves the same way every time, and identically on both backends.
  EXPECT_EQ(latest[0].source, "s2");
  EXPECT_EQ(this->store_->LatestObservations({})[0].source, latest[0].source);

  std::vector<std::string> only_b = {"buoy-b", "nowhere"};
  auto for_b = this->store_->LatestObservations(only_b);
  ASSERT_EQ(for_b.size(), 1u);
  EXPECT_EQ(for_b[0].location_id, "buoy-b");
}

TYPED_TEST(StoreTest, DeletesBeforeCutoff) {
  std::vector<Observation> rows;
  for (int i = 0; i < 50; ++i) rows.push_back(this->Obs("buoy-a", "temp", i * 10, i));
  rows.push_back(this->Obs("buoy-b", "salt", 5, 1.0));
  this->store_->UpsertObservations(rows);
  EXPECT_EQ(this->store_->DeleteObservationsBefore(100), 11);  // 0..90 and buoy-b's 5
  EXPECT_EQ(this->CountAll(), 40);
  EXPECT_EQ(this->store_->CountObservations(this->Window(0, 99)), 0);
  EXPECT_EQ(this->store_->CountObservations(this->Window(100, 100)), 1);
  auto latest = this->store_->LatestObservations({});
  ASSERT_EQ(latest.size(), 1u);  // buoy-b/salt has no rows left
  EXPECT_EQ(latest[0].timestamp_ms, 490);
  EXPECT_EQ(this->store_->DeleteObservationsBefore(100), 0);
  // A series emptied by retention comes back when data arrives again.
  std::vector<Observation> again = {this->Obs("buoy-b", "salt", 1000, 2.0)};
  this->store_->UpsertObservations(again);
  EXPECT_EQ(this->store_->LatestObservations({}).size(), 2u);
  // An older row arriving later does not replace the latest; a corrected latest value does.
  std::vector<Observation> older = {this->Obs("buoy-b", "salt", 500, 9.0)};
  this->store_->UpsertObservations(older);
  std::vector<std::string> only_b = {"buoy-b"};
  auto b_latest = this->store_->LatestObservations(only_b);
  ASSERT_EQ(b_latest.size(), 1u);
  EXPECT_EQ(b_latest[0].timestamp_ms, 1000);
  EXPECT_EQ(b_latest[0].value, 2.0);
  std::vector<Observation> corrected = {this->Obs("buoy-b", "salt", 1000, 3.0)};
  this->store_->UpsertObservations(corrected);
  b_latest = this->store_->LatestObservations(only_b);
  ASSERT_EQ(b_latest.size(), 1u);
  EXPECT_EQ(b_latest[0].value, 3.0);
}

TYPED_TEST(StoreTest, ReportsSourceStatus) {
  this->store_->RecordSourceRun({"ndbc", 1000, 1500, 10, true, ""});
  this->store_->RecordSourceRun({"ndbc", 2000, 2600, 0, false, "HTTP 503"});
  this->store_->RecordSourceRun({"erddap", 3000, 3100, 5, true, ""});
  this->store_->RecordSourceRun({"erddap", 500, 700, 5, false, "timeout"});  // older failure
  std::vector<Observation> rows = {this->Obs("buoy-a", "temp", 1, 1.0, "ndbc"),
                                   this->Obs("buoy-a", "temp", 2, 1.0, "ndbc"),
                                   this->Obs("buoy-a", "temp", 3, 1.0, "manual")};
  this->store_->UpsertObservations(rows);

  auto status = this->store_->ListSourceStatus();
  ASSERT_EQ(status.size(), 3u);
  EXPECT_EQ(status[0].source_id, "erddap");
  ASSERT_TRUE(status[0].last_run.has_value());
  EXPECT_EQ(status[0].last_run->started_ms, 3000);
  EXPECT_EQ(status[0].last_run->finished_ms, 3100);
  EXPECT_TRUE(status[0].last_run->ok);
  EXPECT_EQ(status[0].last_success_ms, 3100);
  ASSERT_TRUE(status[0].last_failure.has_value());
  EXPECT_EQ(status[0].last_failure->error, "timeout");
  EXPECT_EQ(status[0].rows, 0);

  EXPECT_EQ(status[1].source_id, "manual");  // observations but no runs
  EXPECT_FALSE(status[1].last_run.has_value());
  EXPECT_FALSE(status[1].last_success_ms.has_value());
  EXPECT_EQ(status[1].rows, 1);

  EXPECT_EQ(status[2].source_id, "ndbc");
  ASSERT_TRUE(status[2].last_run.has_value());
  EXPECT_FALSE(status[2].last_run->ok);
  EXPECT_EQ(status[2].last_run->error, "HTTP 503");
  EXPECT_EQ(status[2].last_run->rows, 0);
  EXPECT_EQ(status[2].last_success_ms, 1500);
  ASSERT_TRUE(status[2].last_failure.has_value());
  EXPECT_EQ(status[2].last_failure->started_ms, 2000);
  EXPECT_EQ(status[2].rows, 2);
}

TYPED_TEST(StoreTest, RecordsTheCellEachSourceUsed) {
  const std::string odd = "pier \"c\"\t\\ {x,y} ü";
  std::vector<SourceCell> cells = {{"noaa", "buoy-a", "sst", 43.505, -70.245},
                                   {"copernicus-sst", "buoy-a", "sst", 43.5, -70.25},
                                   {"ndbc", "buoy-a", "wave_height", 43.51, -70.26},
                                   {"noaa", odd, "sst", 0.1 + 0.2, -1e-300}};
  this->store_->UpsertSourceCells(cells);
  auto a = this->store_->ListSourceCells("buoy-a");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].source_id, "copernicus-sst");
  EXPECT_EQ(a[1].source_id, "ndbc");
  EXPECT_EQ(a[1].parameter, "wave_height");
  EXPECT_EQ(a[2].source_id, "noaa");
  EXPECT_EQ(a[2].location_id, "buoy-a");
  EXPECT_EQ(a[2].cell_latitude, 43.505);
  EXPECT_EQ(a[2].cell_longitude, -70.245);
  auto o = this->store_->ListSourceCells(odd);
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].location_id, odd);
  EXPECT_EQ(o[0].cell_latitude, 0.1 + 0.2);  // bit-exact round trip
  EXPECT_EQ(o[0].cell_longitude, -1e-300);
  EXPECT_TRUE(this->store_->ListSourceCells("buoy-b").empty());

  // A later fetch moves the cell: replaced, not added.
  std::vector<SourceCell> moved = {{"noaa", "buoy-a", "sst", 43.515, -70.235}};
  this->store_->UpsertSourceCells(moved);
  a = this->store_->ListSourceCells("buoy-a");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[2].cell_latitude, 43.515);
  EXPECT_EQ(a[2].cell_longitude, -70.235);

  // All or nothing: an unknown location rejects the whole batch.
  std::vector<SourceCell> bad = {{"noaa", "buoy-b", "sst", 1.0, 2.0},
                                 {"noaa", "nowhere", "sst", 1.0, 2.0}};
  EXPECT_THROW(this->store_->UpsertSourceCells(bad), std::runtime_error);
  EXPECT_TRUE(this->store_->ListSourceCells("buoy-b").empty());
  this->store_->UpsertSourceCells({});
}

TYPED_TEST(StoreTest, ConcurrentWritersAndReaders) {
  constexpr int kWriters = 4;
  constexpr int kBatches = 10;
  constexpr int kBatchRows = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      try {
        for (int b = 0; b < kBatches; ++b) {
          std::vector<Observation> rows;
          for (int i = 0; i < kBatchRows; ++i) {
            rows.push_back(this->Obs("buoy-a", "p" + std::to_string(w), b * kBatchRows + i, i));
          }
          if (this->store_->UpsertObservations(rows).inserted != kBatchRows) ++failures;
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (int r = 0; r < 4; ++r) {
    threads.emplace_back([&] {
      try {
        for (int i = 0; i < 30; ++i) {
          this->store_->QueryObservations(this->Window(0, 1 << 30, 100));
          this->store_->LatestObservations({});
          this->CountAll();
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(this->CountAll(), kWriters * kBatches * kBatchRows);
}

TYPED_TEST(StoreTest, IngestThroughput) {
  constexpr int kBatches = 20;
  constexpr int kBatchRows = 5000;
  std::vector<std::vector<Observation>> batches(kBatches);
  for (int b = 0; b < kBatches; ++b) {
    for (int i = 0; i < kBatchRows; ++i) {
      int n = b * kBatchRows + i;
      batches[b].push_back(this->Obs(n % 2 ? "buoy-a" : "buoy-b", "p" + std::to_string(n % 5),
                                     1700000000000 + n * 1000LL, n * 0.25, "bench"));
    }
  }
  auto start = std::chrono::steady_clock::now();
  for (const auto& batch : batches)
    ASSERT_EQ(this->store_->UpsertObservations(batch).inserted, kBatchRows);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double rate = kBatches * kBatchRows / seconds;
  std::printf("[ RATE     ] %s insert: %.0f rows/s (%d batches of %d)\n",
              TypeParam::kIsPostgres ? "postgres" : "sqlite", rate, kBatches, kBatchRows);
  start = std::chrono::steady_clock::now();
  for (const auto& batch : batches)
    ASSERT_EQ(this->store_->UpsertObservations(batch).updated, kBatchRows);
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[ RATE     ] %s update: %.0f rows/s\n",
              TypeParam::kIsPostgres ? "postgres" : "sqlite", kBatches * kBatchRows / seconds);
  EXPECT_EQ(this->CountAll(), kBatches * kBatchRows);
}

// --- Not backend-specific ---

TEST(OpenStoreTest, RejectsUnknownSchemes) {
  EXPECT_THROW(OpenStore("mysql://localhost/db", 2), std::invalid_argument);
  EXPECT_THROW(OpenStore("", 2), std::invalid_argument);
  EXPECT_THROW(OpenStore("sqlite:", 2), std::invalid_argument);
  EXPECT_THROW(OpenStore("sqlite:/tmp/x.db", 0), std::invalid_argument);
  try {
    OpenStore("mysql://user:secret@localhost/db", 2);
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("mysql"));
    EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("secret")));
  }
}

TEST(OpenStoreTest, MemorySqliteWorks) {
  auto store = OpenStore("sqlite::memory:", 4);
  EXPECT_EQ(store->Kind(), "sqlite");
  store->Migrate();
  std::vector<Location> locations = {{"a", "A", 1, 2, "", ""}};
  store->UpsertLocations(locations);
  EXPECT_EQ(store->ListLocations().size(), 1u);
}

TEST(MigrationsTest, EmbeddedAndNumberedFromOne) {
  for (auto migrations : {SqliteMigrations(), PostgresMigrations()}) {
    ASSERT_FALSE(migrations.empty());
    for (std::size_t i = 0; i < migrations.size(); ++i) {
      EXPECT_EQ(migrations[i].version, static_cast<int>(i + 1));
      EXPECT_THAT(std::string(migrations[i].sql), HasSubstr(";"));
    }
  }
}

TEST(PostgresStoreTest, UnreachableServerIsUnavailableQuickly) {
  auto start = std::chrono::steady_clock::now();
  // Port 1 on loopback refuses connections.
  EXPECT_THROW(OpenStore("postgresql://postgres@127.0.0.1:1/oceandash", 2), core::UnavailableError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

// A merged page's text for `series` series, as pages.cpp builds it.
std::string MergedPageText(int series) {
  std::string text = pgsql::kMergedPageOpen;
  for (int i = 0; i < series; ++i) {
    if (i > 0) text += " UNION ALL ";
    text += fmt::format(fmt::runtime(pgsql::kPageBranch), 4 + 3 * i, 5 + 3 * i, 6 + 3 * i, i);
  }
  return text + pgsql::kMergedPageClose;
}

class PostgresPlanTest : public StoreTest<PgBackend> {
 protected:
  std::string Explain(const std::string& sql_text,
                      const std::vector<std::optional<std::string>>& params) {
    PgResultPtr result = this->backend_.admin().Exec("EXPLAIN " + sql_text, params);
    std::string plan;
    for (int row = 0; row < PQntuples(result.get()); ++row) {
      plan += PQgetvalue(result.get(), row, 0);
      plan += '\n';
    }
    return plan;
  }

  // The plan a prepared statement settles on (parameter values unknown) after its first calls.
  // PostgreSQL keeps a generic plan only if its estimate is no dearer than the custom plans',
  // else it plans every call afresh; the store prepares these statements for the generic one.
  std::string Generic(const std::string& name, const std::string& statement,
                      const std::string& arguments) {
    backend_.ExecRaw("PREPARE " + name + " AS " + statement);
    for (int call = 0; call < 7; ++call)
      backend_.ExecRaw("EXECUTE " + name + "(" + arguments + ")");
    PgResultPtr settled = backend_.admin().Exec(
        "SELECT generic_plans FROM pg_prepared_statements WHERE name = $1", {name});
    EXPECT_STRNE(PQgetvalue(settled.get(), 0, 0), "0")
        << name << " is planned on every call; its custom plan:\n"
        << Explain("EXECUTE " + name + "(" + arguments + ")", {});
    backend_.ExecRaw("SET plan_cache_mode = force_generic_plan");
    std::string plan = Explain("EXECUTE " + name + "(" + arguments + ")", {});
    backend_.ExecRaw("RESET plan_cache_mode");
    return plan;
  }
};

TEST_F(PostgresPlanTest, ReadsUseTheCoveringIndexes) {
  std::vector<Location> more;
  for (int l = 0; l < 20; ++l) more.push_back({"loc" + std::to_string(l), "L", 0, 0, "", ""});
  store_->UpsertLocations(more);
  std::vector<Observation> rows;
  for (int i = 0; i < 20000; ++i) {
    // 80 rows per minute: each (location, parameter) once per source s0..s3.
    rows.push_back(Obs("loc" + std::to_string(i % 20), "p" + std::to_string(i % 4),
                       1700000000000 + (i / 80) * 60000LL, i, "s" + std::to_string(i % 80 / 20)));
    if (rows.size() == 5000) {
      store_->UpsertObservations(rows);
      rows.clear();
    }
  }
  // What autovacuum leaves (see migration 0003): statistics and an all-visible map. Vacuum
  // cannot mark a page all-visible before the commits of its rows are flushed (the test
  // cluster commits asynchronously) or while another session's snapshot still predates them,
  // so repeat it until it has.
  for (int attempt = 0;; ++attempt) {
    backend_.ExecRaw("CHECKPOINT");
    backend_.ExecRaw("VACUUM ANALYZE observations");
    PgResultPtr visible = backend_.admin().Exec(
        "SELECT relallvisible >= relpages FROM pg_class WHERE oid = 'observations'::regclass");
    if (std::string(PQgetvalue(visible.get(), 0, 0)) == "t") break;
    ASSERT_LT(attempt, 50) << "observations never became all-visible";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  backend_.ExecRaw("ANALYZE");
  const auto id_of = [this](const std::string& location, const std::string& parameter) {
    return std::string(PQgetvalue(backend_.admin()
                                      .Exec("SELECT id FROM observation_series WHERE location_id"
                                            " = $1 AND parameter = $2",
                                            {location, parameter})
                                      .get(),
                                  0, 0));
  };
  const auto no_seq_scan = ::testing::Not(HasSubstr("Seq Scan on observations"));

  const std::string latest_all = Explain(pgsql::kLatestObservations, {std::nullopt});
  EXPECT_THAT(latest_all, no_seq_scan) << latest_all;
  EXPECT_THAT(latest_all, HasSubstr("observation_series")) << latest_all;
  const std::string latest_some = Explain(pgsql::kLatestObservations, {"{loc3,loc4}"});
  EXPECT_THAT(latest_some, no_seq_scan) << latest_some;

  // A chart: one range of observations_key, already in order.
  const std::string chart =
      Generic("chart", pgsql::kSelectSeries,
              id_of("loc7", "p3") + ", 1700000000000, 1700003600000, NULL, 200000");
  EXPECT_THAT(chart, HasSubstr("observations_key")) << chart;
  EXPECT_THAT(chart, ::testing::Not(HasSubstr("Sort"))) << chart;

  // Every series, after a cursor: observations_ts in time order from the cursor on, each
  // instant's rows sorted by names (incremental), never a sort of the whole window.
  const std::string every = Generic(
      "every", pgsql::kPage,
      "1700000000000, 1700020000000, 1700000600000, 'loc5', 'p1', 's1', NULL, NULL, NULL, 1000");
  EXPECT_THAT(every, HasSubstr("observations_ts")) << every;
  EXPECT_THAT(every, HasSubstr("Incremental Sort")) << every;
  EXPECT_THAT(every, ::testing::Not(::testing::ContainsRegex("->  Sort  "))) << every;
  EXPECT_THAT(every, ::testing::Not(HasSubstr("Hash"))) << every;

  // A few series (a location list): one range of observations_key each, merged in time order.
  std::string arguments = "1700020000000, NULL, 1000";
  for (int l = 4; l < 8; ++l) {  // location l has the one parameter l % 4
    const std::string location = "loc" + std::to_string(l);
    const std::string parameter = "p" + std::to_string(l % 4);
    arguments += ", " + id_of(location, parameter) + ", 1700000000000000, ''";
  }
  const std::string merged = Generic("merged", MergedPageText(4), arguments);
  EXPECT_THAT(merged, HasSubstr("Merge Append")) << merged;
  EXPECT_THAT(merged, HasSubstr("observations_key")) << merged;
  EXPECT_THAT(merged, ::testing::Not(HasSubstr("observations_ts"))) << merged;
  EXPECT_THAT(merged, ::testing::Not(::testing::ContainsRegex("->  Sort  "))) << merged;

  // Counts: whole days from the count tables, edges as index ranges; per series, each series'
  // own key range.
  const std::string edges =
      "-1, 1699990000000000, 1700006400000000, 1, 1700092800000000, "
      "1700095800000001";
  const std::string all = Generic("count_all", pgsql::kCountAll, "19676, 19678, " + edges);
  EXPECT_THAT(all, no_seq_scan) << all;
  const std::string by_source =
      Generic("count_source", pgsql::kCountAllOfSource, "19676, 19678, " + edges + ", 's1'");
  EXPECT_THAT(by_source, no_seq_scan) << by_source;
  const std::string one_series =
      Generic("count_one_series", pgsql::kCountOneSeries,
              "19676, 19678, " + edges + ", " + id_of("loc7", "p3") + ", NULL");
  EXPECT_THAT(one_series, HasSubstr("observations_key")) << one_series;
  EXPECT_THAT(one_series, ::testing::Not(HasSubstr("observations_ts"))) << one_series;
  EXPECT_THAT(one_series, no_seq_scan) << one_series;
  const std::string some_series =
      Generic("count_series", pgsql::kCountSeries,
              "19676, 19678, " + edges + ", '{" + id_of("loc7", "p3") + "," + id_of("loc3", "p3") +
                  "}', NULL, '{loc7,loc3}', NULL");
  EXPECT_THAT(some_series, HasSubstr("observations_key")) << some_series;
  EXPECT_THAT(some_series, no_seq_scan) << some_series;

  const std::string retention = Explain(pgsql::kDeleteObservationsBefore, {"1700000060000"});
  EXPECT_THAT(retention, no_seq_scan) << retention;
}

class PostgresCountsTest : public StoreTest<PgBackend> {};

// Flags written around the store, at either end of smallint, read as "not evaluated" and leave
// the rows' series as they are.
TEST_F(PostgresCountsTest, PageRowsKeepSeriesAndFlagApart) {
  std::vector<Observation> rows = {Obs("buoy-a", "temp", 1000, 1.0),
                                   Obs("buoy-b", "temp", 1000, 2.0)};
  rows[0].quality_flag = core::QualityFlag::kMissing;
  rows[1].quality_flag = core::QualityFlag::kGood;
  store_->UpsertObservations(rows);
  backend_.ExecRaw(
      "INSERT INTO observations (series_id, ts, source, value, quality_flag)"
      " SELECT id, 'epoch'::timestamptz + interval '2 seconds', 'src', 3, -32768"
      " FROM observation_series WHERE location_id = 'buoy-a'"
      " UNION ALL SELECT id, 'epoch'::timestamptz + interval '3 seconds', 'src', 4, 32767"
      " FROM observation_series WHERE location_id = 'buoy-b'");
  for (const bool merged : {false, true}) {
    ObservationQuery query = Window(0, 10'000);
    if (merged) query.locations = {"buoy-a", "buoy-b"};
    const auto page = store_->QueryObservations(query);
    ASSERT_EQ(page.size(), 4u);
    const auto expect = [&page](std::size_t i, const char* location, core::QualityFlag flag) {
      EXPECT_EQ(page[i].observation.location_id, location) << i;
      EXPECT_EQ(page[i].observation.parameter, "temp") << i;
      EXPECT_EQ(page[i].observation.quality_flag, flag) << i;
    };
    const std::size_t a = page[0].observation.location_id == "buoy-a" ? 0 : 1;
    expect(a, "buoy-a", core::QualityFlag::kMissing);
    expect(1 - a, "buoy-b", core::QualityFlag::kGood);
    expect(2, "buoy-a", core::QualityFlag::kNotEvaluated);  // -32768: not a flag
    expect(3, "buoy-b", core::QualityFlag::kNotEvaluated);  // 32767: not a flag
  }
}

// Each series' latest is its newest row's time to the microsecond, also far from 1970, where
// multiplying an interval by a count of milliseconds (a double in PostgreSQL) is not exact.
TEST_F(PostgresCountsTest, LatestTimeIsTheRowsExactly) {
  const std::vector<Observation> rows = {Obs("buoy-a", "temp", 253402300799999, 1.0),
                                         Obs("buoy-b", "temp", -62135596799999, 2.0),
                                         Obs("buoy-b", "salt", 1700000000123, 3.0)};
  store_->UpsertObservations(rows);
  PgResultPtr exact = backend_.admin().Exec(
      "SELECT count(*) FILTER (WHERE s.latest_ts = (SELECT max(ts) FROM observations o"
      " WHERE o.series_id = s.id)), count(*) FROM observation_series s");
  EXPECT_STREQ(PQgetvalue(exact.get(), 0, 0), "3");
  EXPECT_STREQ(PQgetvalue(exact.get(), 0, 1), "3");
}

// A page with its count whose count fails while running (two day totals that overflow bigint
// when summed), or whose page fails (a negative limit): the error reaches the caller as such,
// and the connection, the only one in its pool, answers the next page, count and pair.
TEST_F(PostgresCountsTest, FailedCountInAPairLeavesTheConnectionUsable) {
  constexpr core::EpochMs kDay = 86'400'000;
  auto store = OpenStore(backend_.url(), 1);
  std::vector<Observation> rows;
  for (core::EpochMs day = 10; day < 14; ++day)
    rows.push_back(Obs("buoy-a", "temp", day * kDay, 1));
  store->UpsertObservations(rows);
  const ObservationQuery whole = Window(10 * kDay, 14 * kDay - 1);
  ASSERT_EQ(store->QueryObservationsWithCount(whole, whole).count, 4);

  // The pair must throw an SQL error naming `cause`, not report a lost connection.
  const auto expect_sql_error = [&store](const ObservationQuery& page,
                                         const ObservationQuery& count, std::string_view cause) {
    try {
      store->QueryObservationsWithCount(page, count);
      ADD_FAILURE() << "answered instead of failing with " << cause;
    } catch (const core::UnavailableError& e) {
      ADD_FAILURE() << "an SQL error was taken for a lost connection: " << e.what();
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), HasSubstr(std::string(cause))) << e.what();
    }
  };
  backend_.ExecRaw(
      "INSERT INTO observation_day_totals (parameter, day, n) VALUES"
      " ('far', '1970-01-12', 9000000000000000000), ('far', '1970-01-13', 9000000000000000000)");
  expect_sql_error(whole, whole, "out of range");
  EXPECT_EQ(store->QueryObservations(whole).size(), 4u);
  ObservationQuery one_location = whole;
  one_location.locations = {"buoy-a"};
  EXPECT_EQ(store->CountObservations(one_location), 4);
  // The first statement failing (a negative LIMIT) skips the second; the same holds.
  ObservationQuery negative = whole;
  negative.limit = -1;
  expect_sql_error(negative, one_location, "LIMIT");
  EXPECT_EQ(store->CountObservations(one_location), 4);
  backend_.ExecRaw("DELETE FROM observation_day_totals WHERE parameter = 'far'");
  const ObservationPage page = store->QueryObservationsWithCount(whole, whole);
  EXPECT_EQ(page.rows.size(), 4u);
  EXPECT_EQ(page.count, 4);
}

// Counts of whole days come from observation_counts; rows written around the store (by hand,
// with microseconds) are still counted where they belong once retention has recounted.
TEST_F(PostgresCountsTest, RetentionRecountsRowsEditedByHand) {
  constexpr core::EpochMs kDay = 86'400'000;
  std::vector<Observation> rows;
  for (core::EpochMs day = 10; day < 14; ++day) {
    rows.push_back(Obs("buoy-a", "temp", day * kDay + 1000, 1.0));
    rows.push_back(Obs("buoy-b", "temp", day * kDay + 2000, 2.0));
  }
  store_->UpsertObservations(rows);
  const ObservationQuery whole = Window(10 * kDay, 14 * kDay);
  EXPECT_EQ(store_->CountObservations(whole), 8);

  // Half a millisecond before midnight at the end of day 11: in day 11, inside any window
  // that ends at or after it.
  backend_.ExecRaw(
      "INSERT INTO observations (series_id, ts, source, value, quality_flag) SELECT id,"
      " 'epoch'::timestamptz + interval '12 days' - interval '500 microseconds', 'src', 5, 1"
      " FROM observation_series WHERE location_id = 'buoy-a' AND parameter = 'temp'");
  backend_.ExecRaw("DELETE FROM observations WHERE ts < 'epoch'::timestamptz + interval '11 days'");
  // Until a recount, whole days count what the store wrote.
  EXPECT_EQ(store_->CountObservations(whole), 8);
  EXPECT_EQ(store_->DeleteObservationsBefore(0), 0);
  EXPECT_EQ(store_->CountObservations(whole), 7);
  ObservationQuery to_midnight = Window(11 * kDay, 12 * kDay - 1);
  EXPECT_EQ(store_->CountObservations(to_midnight), 2);  // the ms before midnight ends earlier
  to_midnight.end_ms = 12 * kDay;
  EXPECT_EQ(store_->CountObservations(to_midnight), 3);
  to_midnight.locations = {"buoy-a", "buoy-b"};  // the merged count
  EXPECT_EQ(store_->CountObservations(to_midnight), 3);
  EXPECT_EQ(store_->CountObservations(Window(11 * kDay, 13 * kDay)), 5);
}

// Writers racing each other (the same keys from two batches at once) and retention's recount:
// afterwards the per-day counts are exactly what the rows say.
TEST_F(PostgresCountsTest, ConcurrentIngestAndRetentionKeepCountsExact) {
  constexpr core::EpochMs kDay = 86'400'000;
  constexpr int kWriters = 4;
  std::atomic<int> failures{0};
  std::atomic<bool> writing{true};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      try {
        for (int b = 0; b < 12; ++b) {
          // Writers w and w + 2 write the same keys (one inserts, the other updates); each
          // batch covers three days.
          std::vector<Observation> rows;
          for (int i = 0; i < 300; ++i) {
            rows.push_back(Obs(i % 2 ? "buoy-a" : "buoy-b", "p" + std::to_string(w % 2),
                               (b * 300 + i) * (kDay / 100), i, "s" + std::to_string(i % 3)));
          }
          store_->UpsertObservations(rows);
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  threads.emplace_back([&] {
    try {
      for (int cutoff = 1; writing.load(); ++cutoff) {
        store_->DeleteObservationsBefore(cutoff * kDay / 2);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
      ++failures;
    }
  });
  for (int w = 0; w < kWriters; ++w) threads[static_cast<std::size_t>(w)].join();
  writing = false;
  threads.back().join();
  EXPECT_EQ(failures.load(), 0);
  const std::string mismatches = PQgetvalue(
      backend_.admin()
          .Exec("SELECT count(*) FROM (SELECT series_id, day, source, n FROM observation_counts"
                " EXCEPT SELECT series_id, (ts AT TIME ZONE 'UTC')::date, source, count(*)"
                " FROM observations GROUP BY 1, 2, 3) wrong")
          .get(),
      0, 0);
  EXPECT_EQ(mismatches, "0");
  const std::string missing = PQgetvalue(
      backend_.admin()
          .Exec("SELECT count(*) FROM (SELECT series_id, (ts AT TIME ZONE 'UTC')::date,"
                " source, count(*) FROM observations GROUP BY 1, 2, 3 EXCEPT SELECT series_id,"
                " day, source, n FROM observation_counts) missing")
          .get(),
      0, 0);
  EXPECT_EQ(missing, "0");
  const std::string totals_wrong = PQgetvalue(
      backend_.admin()
          .Exec("SELECT count(*) FROM ((SELECT parameter, day, n FROM observation_day_totals"
                " EXCEPT SELECT s.parameter, (o.ts AT TIME ZONE 'UTC')::date, count(*)"
                " FROM observations o JOIN observation_series s ON s.id = o.series_id"
                " GROUP BY 1, 2) UNION ALL (SELECT s.parameter, (o.ts AT TIME ZONE 'UTC')::date,"
                " count(*) FROM observations o JOIN observation_series s ON s.id = o.series_id"
                " GROUP BY 1, 2 EXCEPT SELECT parameter, day, n FROM observation_day_totals)) d")
          .get(),
      0, 0);
  EXPECT_EQ(totals_wrong, "0");
  EXPECT_GT(CountAll(), 0);
  EXPECT_EQ(store_->CountObservations(Window(0, 40 * kDay)), CountAll());
}

class PostgresUpgradeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string problem = backend_.SetUp();
    if (!problem.empty()) GTEST_SKIP() << problem;
    ready_ = true;
  }
  void TearDown() override {
    if (ready_) backend_.TearDown();
  }
  PgBackend backend_;
  bool ready_ = false;
};

// A database at schema 2 (text keys, row ids) with rows in it is migrated to the newest schema
// (series ids, counts, parameter blocks, then without them): every row, its values and the
// latest per series survive, and the store reads them.
TEST_F(PostgresUpgradeTest, SeriesIdMigrationKeepsEveryRow) {
  backend_.ExecRaw(pgsql::kCreateMigrationsTable);
  for (const EmbeddedMigration& migration : PostgresMigrations()) {
    if (migration.version > 2) break;
    backend_.admin().ExecScript(std::string(migration.sql));
    backend_.ExecRaw("INSERT INTO schema_migrations (version) VALUES (" +
                     std::to_string(migration.version) + ")");
  }
  backend_.ExecRaw(
      "INSERT INTO locations (id, name, latitude, longitude) VALUES ('a', 'A', 1, 2), "
      "('b', 'B', 3, 4)");
  backend_.ExecRaw(
      "INSERT INTO observation_series (location_id, parameter, latest_ts, latest_value, "
      "latest_quality_flag, latest_source) VALUES "
      "('a', 'sst', 'epoch'::timestamptz + interval '3 s', 3.5, 1, 's2'), "
      "('b', 'sst', 'epoch'::timestamptz + interval '1 s', 7.25, 3, 's1')");
  // 'b' 'chlorophyll_a' has rows but no series row: the migration adds it.
  backend_.ExecRaw(
      "INSERT INTO observations (location_id, parameter, ts, value, quality_flag, source) VALUES "
      "('a', 'sst', 'epoch'::timestamptz + interval '1 s', 1.5, 1, 's1'), "
      "('a', 'sst', 'epoch'::timestamptz + interval '2 s', 2.5, 2, 's1'), "
      "('a', 'sst', 'epoch'::timestamptz + interval '3 s', 3.5, 1, 's2'), "
      "('b', 'sst', 'epoch'::timestamptz + interval '1 s', 7.25, 3, 's1'), "
      "('b', 'chlorophyll_a', 'epoch'::timestamptz + interval '1 s', 0.5, 1, 's1')");

  auto store = OpenStore(backend_.url(), 2);
  const MigrationReport report = store->Migrate();
  EXPECT_EQ(report.from_version, 2);
  EXPECT_EQ(report.to_version, backend_.KnownVersion());

  ObservationQuery all;
  all.start_ms = 0;
  all.end_ms = 10'000;
  all.limit = 100;
  EXPECT_EQ(store->CountObservations(all), 5);
  // Over whole days the count comes from observation_counts, which migration 4 filled.
  all.start_ms = -86'400'000;
  all.end_ms = 2 * 86'400'000;
  EXPECT_EQ(store->CountObservations(all), 5);
  all.start_ms = 0;
  all.end_ms = 10'000;
  std::vector<std::string> rows;
  for (const auto& row : store->QueryObservations(all)) {
    const Observation& o = row.observation;
    rows.push_back(fmt::format("{} {} {} {} {} {}", o.location_id, o.parameter, o.timestamp_ms,
                               o.value, static_cast<int>(o.quality_flag), o.source));
  }
  // In page order: time, then location, parameter and source.
  EXPECT_THAT(rows,
              ElementsAre("a sst 1000 1.5 1 s1", "b chlorophyll_a 1000 0.5 1 s1",
                          "b sst 1000 7.25 3 s1", "a sst 2000 2.5 2 s1", "a sst 3000 3.5 1 s2"));
  const SeriesQuery series = Series("a", "sst", 0, 10'000);
  EXPECT_THAT(store->QuerySeries(series).t, ElementsAre(1000, 2000, 3000));
  EXPECT_THAT(store->QuerySeries(series).sources, ElementsAre("s1", "s2"));
  // Ids keep their parameter's block from migration 0005 (0006 renumbers nothing): the block
  // times 2^32 plus a number, the old id.
  const auto ids = [this](const char* where) {
    return std::string(
        PQgetvalue(backend_.admin()
                       .Exec(std::string("SELECT string_agg(location_id || '/' || parameter ||"
                                         " '=' || (id >> 32) || ':' || (id & 4294967295), ' '"
                                         " ORDER BY location_id, parameter)"
                                         " FROM observation_series") +
                             where)
                       .get(),
                   0, 0));
  };
  EXPECT_EQ(ids(""), "a/sst=1:1 b/chlorophyll_a=2:3 b/sst=1:2");
  const auto latest = store->LatestObservations({});
  ASSERT_EQ(latest.size(), 2U);  // series rows written before 3 keep their latest
  EXPECT_EQ(latest[0].location_id, "a");
  EXPECT_EQ(latest[0].value, 3.5);

  // New writes land in the migrated table next to the old rows.
  const std::vector<Observation> more = {{"a", "sst", 4000, 4.5, QualityFlag::kGood, "s1"},
                                         {"a", "sst", 1000, 1.75, QualityFlag::kGood, "s1"}};
  const core::IngestResult result = store->UpsertObservations(more);
  EXPECT_EQ(result.inserted, 1);
  EXPECT_EQ(result.updated, 1);
  EXPECT_THAT(store->QuerySeries(series).v, ElementsAre(1.75, 2.5, 3.5, 4.5));

  // New series take the next number, without a block (migration 0006).
  const std::vector<Observation> new_series = {
      {"b", "salinity", 1000, 35, QualityFlag::kGood, "s1"},
      {"a", "p9", 1000, 1, QualityFlag::kGood, "s1"}};
  EXPECT_EQ(store->UpsertObservations(new_series).inserted, 2);
  EXPECT_EQ(ids(" WHERE parameter IN ('salinity', 'p9')"), "a/p9=0:4 b/salinity=0:5");
  all.parameter = "p9";
  ASSERT_EQ(store->QueryObservations(all).size(), 1U);
  EXPECT_EQ(store->QueryObservations(all)[0].observation.location_id, "a");
}

class PostgresReconnectTest : public StoreTest<PgBackend> {};

TEST_F(PostgresReconnectTest, SameStoreRecoversAfterServerRestart) {
  const char* services = Env(kServicesEnv);
  ASSERT_NE(services, nullptr) << "OCEAN_TEST_SERVICES is not set (source services.env)";
  std::vector<Observation> rows = {Obs("buoy-a", "temp", 1, 1.0)};
  store_->UpsertObservations(rows);
  // Several threads at once so the pool holds more than one connection when the server dies.
  {
    std::vector<std::thread> threads;
    // Each also prepares a page and its count, so after the restart they are sent prepared,
    // in one round trip, into a dead connection.
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&] {
        store_->ListSourceStatus();
        store_->QueryObservationsWithCount(Window(0, 10), Window(0, 10));
      });
    }
    for (std::thread& thread : threads) thread.join();
  }

  const std::string command = std::string(services) + " restart-pg";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;

  int unavailable = 0;
  auto attempt = [&](auto&& operation) {
    try {
      operation();
    } catch (const core::UnavailableError& e) {
      ++unavailable;
      std::printf("[ INFO     ] UnavailableError after restart: %s\n", e.what());
    }
  };
  // The first call after the restart meets a dead connection: a page with its count, two
  // prepared statements sent in one round trip. It reconnects and answers.
  try {
    const ObservationPage page = store_->QueryObservationsWithCount(Window(0, 10), Window(0, 10));
    EXPECT_EQ(page.rows.size(), 1u);
    EXPECT_EQ(page.count, 1);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "the page and count did not recover: " << e.what();
  }
  attempt([&] { store_->Ping(); });
  EXPECT_LE(unavailable, 1);
  // Every later call succeeds, whichever pooled connection it gets.
  for (int i = 0; i < 8; ++i) {
    EXPECT_NO_THROW(store_->Ping());
    EXPECT_NO_THROW(store_->CountObservations(Window(0, 10)));
  }
  std::vector<Observation> more = {Obs("buoy-a", "temp", 2, 2.0)};
  EXPECT_EQ(store_->UpsertObservations(more).inserted, 1);
  EXPECT_EQ(CountAll(), 2);
  store_->RecordSourceRun({"ndbc", 1, 2, 1, true, ""});
  EXPECT_EQ(store_->ListSourceStatus().size(), 2u);
}

class SqlitePlanTest : public StoreTest<SqliteBackend> {
 protected:
  std::string ExplainQueryPlan(const std::string& sql_text) {
    sqlite3* raw = nullptr;
    EXPECT_EQ(sqlite3_open(backend_.path().c_str(), &raw), SQLITE_OK);
    std::unique_ptr<sqlite3, SqliteDbDeleter> db(raw);
    sqlite3_stmt* stmt = nullptr;
    const std::string explain = "EXPLAIN QUERY PLAN " + sql_text;
    EXPECT_EQ(sqlite3_prepare_v2(db.get(), explain.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db.get());
    std::string plan;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
      plan += '\n';
    }
    sqlite3_finalize(stmt);
    return plan;
  }
};

TEST_F(SqlitePlanTest, LatestAndWindowQueriesUseIndexes) {
  std::vector<Observation> rows;
  for (int i = 0; i < 2000; ++i) rows.push_back(Obs("buoy-a", "p" + std::to_string(i % 4), i, i));
  store_->UpsertObservations(rows);
  backend_.ExecRaw("ANALYZE");
  for (const char* statement :
       {sqlite::sql::kLatestObservations, sqlite::sql::kLatestObservationsAt}) {
    std::string plan = ExplainQueryPlan(statement);
    EXPECT_THAT(plan, ::testing::Not(HasSubstr("SCAN o\n"))) << plan;
    EXPECT_THAT(plan, ::testing::Not(HasSubstr("SCAN i\n"))) << plan;
    EXPECT_THAT(plan, HasSubstr("observations_key")) << plan;
  }
  std::string window = ExplainQueryPlan(
      std::string(sqlite::sql::kSelectObservations) + sqlite::sql::kFilterLocations +
      sqlite::sql::kFilterParameter + sqlite::sql::kOrderByPageKeyLimit);
  EXPECT_THAT(window, ::testing::Not(HasSubstr("SCAN observations\n"))) << window;
}

}  // namespace
}  // namespace ocean::storage
