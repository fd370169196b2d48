// Long daily records, climatologies and backfill progress on both stores: exact round trips,
// replacement, ascending reads within bounds, upserts over stored days, progress upserts, an
// unknown location rejected, retention leaving the record alone, and the migration that adds the
// tables on a database that already holds rows. PostgreSQL comes from OCEAN_TEST_PG_URL
// (scripts/services.sh), each test in a schema of its own (storage/testing/store_backends.hpp).
#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/api_error.hpp"
#include "storage/migrations.hpp"
#include "storage/pg/statements.hpp"
#include "storage/sqlite/sql.hpp"
#include "storage/store.hpp"
#include "storage/testing/store_backends.hpp"

namespace ocean::storage {
namespace {

using ::testing::ElementsAre;

// The version of the migration that adds the tables: the numbering differs per dialect.
int ClimatologyVersion(std::span<const EmbeddedMigration> migrations) {
  for (const EmbeddedMigration& migration : migrations) {
    if (migration.name.find("climatology") != std::string_view::npos) return migration.version;
  }
  return -1;
}

template <typename Backend>
class ClimatologyStoreTest : public testing::BackendTest<Backend> {
 protected:
  void TearDown() override {
    store_.reset();
    testing::BackendTest<Backend>::TearDown();
  }
  Store& Open() {
    store_ = OpenStore(this->backend_.url(), 2);
    store_->Migrate();
    store_->UpsertLocations(
        std::vector<core::Location>{{"a", "A", 1.0, 2.0, "", ""}, {"b", "B", 3.0, 4.0, "", ""}});
    return *store_;
  }

  // Statements outside the store, as an older binary would have run them: a migration holds
  // several, which libpq takes only through the simple query protocol.
  void ExecScript(const std::string& sql_text) {
    if constexpr (Backend::kIsPostgres) {
      this->backend_.admin().ExecScript(sql_text);
    } else {
      this->backend_.ExecRaw(sql_text);
    }
  }

  std::unique_ptr<Store> store_;
};

TYPED_TEST_SUITE(ClimatologyStoreTest, testing::Backends, testing::BackendNames);

// Values whose bits a text round trip or a float column could change.
StoredClimatology Sample(double shift) {
  StoredClimatology climatology;
  climatology.location_id = "a";
  climatology.parameter = "sst";
  climatology.source = "erddap:ncdcOisst21Agg_LonPM180";
  climatology.baseline_first_year = 1991;
  climatology.baseline_last_year = 2020;
  climatology.computed_ms = 1'700'000'000'123;
  for (std::size_t d = 0; d < kClimatologyDays; ++d) {
    climatology.seas.push_back(shift + 15.0 + std::sin(static_cast<double>(d) / 58.1) / 3.0);
    climatology.thresh.push_back(climatology.seas.back() + 0.1);
    for (std::size_t p = 1; p <= kClimatologyLevels; ++p) {
      climatology.percentiles.push_back(climatology.seas.back() +
                                        (static_cast<double>(p) - 50.0) / 7.0);
    }
  }
  climatology.seas[0] = -0.0;
  climatology.seas[1] = std::numeric_limits<double>::denorm_min();
  climatology.seas[2] = std::numeric_limits<double>::max();
  climatology.thresh[3] = std::numeric_limits<double>::quiet_NaN();  // a day without data
  return climatology;
}

std::vector<std::uint64_t> Bits(const std::vector<double>& values) {
  std::vector<std::uint64_t> bits;
  bits.reserve(values.size());
  for (const double value : values) bits.push_back(std::bit_cast<std::uint64_t>(value));
  return bits;
}

void ExpectSame(const StoredClimatology& got, const StoredClimatology& want) {
  EXPECT_EQ(got.location_id, want.location_id);
  EXPECT_EQ(got.parameter, want.parameter);
  EXPECT_EQ(got.source, want.source);
  EXPECT_EQ(got.baseline_first_year, want.baseline_first_year);
  EXPECT_EQ(got.baseline_last_year, want.baseline_last_year);
  EXPECT_EQ(got.log10, want.log10);
  EXPECT_EQ(got.computed_ms, want.computed_ms);
  EXPECT_EQ(Bits(got.seas), Bits(want.seas));
  EXPECT_EQ(Bits(got.thresh), Bits(want.thresh));
  EXPECT_EQ(Bits(got.percentiles), Bits(want.percentiles));
}

TYPED_TEST(ClimatologyStoreTest, ClimatologyRoundTripsExactlyAndIsReplaced) {
  Store& store = this->Open();
  EXPECT_FALSE(store.GetClimatology("a", "sst").has_value());
  const StoredClimatology first = Sample(0.0);
  store.PutClimatology(first);
  std::optional<StoredClimatology> got = store.GetClimatology("a", "sst");
  ASSERT_TRUE(got.has_value());
  ExpectSame(*got, first);

  StoredClimatology second = Sample(1.0 / 3.0);
  second.source = "demo";
  second.baseline_first_year = 1995;
  second.log10 = true;
  second.computed_ms = -5;
  store.PutClimatology(second);
  got = store.GetClimatology("a", "sst");
  ASSERT_TRUE(got.has_value());
  ExpectSame(*got, second);
  EXPECT_FALSE(store.GetClimatology("a", "chlorophyll_a").has_value());
  EXPECT_FALSE(store.GetClimatology("b", "sst").has_value());
}

TYPED_TEST(ClimatologyStoreTest, ListClimatologiesReadsEveryOneInKeyOrder) {
  Store& store = this->Open();
  EXPECT_TRUE(store.ListClimatologies().empty());
  StoredClimatology chlorophyll = Sample(2.0);
  chlorophyll.parameter = "chlorophyll_a";
  chlorophyll.log10 = true;
  const StoredClimatology sst = Sample(0.0);
  store.PutClimatology(sst);
  store.PutClimatology(chlorophyll);
  const std::vector<StoredClimatology> all = store.ListClimatologies();
  ASSERT_EQ(all.size(), 2U);
  ExpectSame(all[0], chlorophyll);  // "chlorophyll_a" < "sst"
  ExpectSame(all[1], sst);
}

// Each asked day equals that day of the full read, bit for bit; keys without a climatology or
// with a day past 365 have no entry; the rest come in key order, a key twice twice.
TYPED_TEST(ClimatologyStoreTest, ClimatologyDaysAreSlicesOfTheFullRead) {
  Store& store = this->Open();
  EXPECT_TRUE(store.ReadClimatologyDays({}).empty());
  StoredClimatology chlorophyll = Sample(2.0);
  chlorophyll.parameter = "chlorophyll_a";
  chlorophyll.log10 = true;
  chlorophyll.source = "demo";
  store.PutClimatology(Sample(0.0));
  store.PutClimatology(chlorophyll);
  const std::vector<ClimatologyDayKey> keys = {
      {"a", "sst", 59, true},  {"b", "sst", 10, true},        {"a", "chlorophyll_a", 365, true},
      {"a", "sst", 0, false},  {"a", "sst", 366, true},       {"a", "sst", 3, true},
      {"a", "sst", 59, false}, {"a", "wave_height", 1, true}, {"a", "sst", 2, true}};
  const std::vector<ClimatologyDay> days = store.ReadClimatologyDays(keys);
  std::vector<std::size_t> found;
  for (const ClimatologyDay& day : days) {
    found.push_back(day.key);
    const ClimatologyDayKey& key = keys[day.key];
    const std::optional<StoredClimatology> full =
        store.GetClimatology(key.location_id, key.parameter);
    ASSERT_TRUE(full.has_value());
    StoredClimatology descriptor = *full;
    descriptor.seas = descriptor.thresh = descriptor.percentiles = {};
    ExpectSame(day.climatology, descriptor);
    const std::size_t d = key.day_index;
    EXPECT_EQ(Bits({day.seas}), Bits({full->seas[d]}));
    EXPECT_EQ(Bits({day.thresh}), Bits({full->thresh[d]}));
    const std::vector<double> levels =
        key.with_levels
            ? std::vector<double>(full->percentiles.begin() + d * kClimatologyLevels,
                                  full->percentiles.begin() + (d + 1) * kClimatologyLevels)
            : std::vector<double>{};
    EXPECT_EQ(Bits(day.levels), Bits(levels));
  }
  EXPECT_THAT(found, ElementsAre(0, 2, 3, 5, 6, 8));
}

TYPED_TEST(ClimatologyStoreTest, DailyRecordReadsAscendingWithinBoundsAndUpserts) {
  Store& store = this->Open();
  // Out of order, with a gap (day 3 missing) and days before 1970.
  const std::vector<DailyValue> days = {{5, 5.5}, {-2, -1.25}, {1, 0.1}, {2, 2.0}, {4, 4.0}};
  store.UpsertDailyRecord("a", "sst", "erddap:x", days);
  store.UpsertDailyRecord("b", "sst", "erddap:x", std::vector<DailyValue>{{2, 99.0}});
  const auto read = [&store](std::int32_t first, std::int32_t last) {
    std::vector<std::string> out;
    for (const DailyValue& day : store.ReadDailyRecord("a", "sst", first, last)) {
      out.push_back(std::to_string(day.day) + "=" + std::to_string(day.value));
    }
    return out;
  };
  EXPECT_THAT(read(-100, 100),
              ElementsAre("-2=-1.250000", "1=0.100000", "2=2.000000", "4=4.000000", "5=5.500000"));
  EXPECT_THAT(read(1, 4), ElementsAre("1=0.100000", "2=2.000000", "4=4.000000"));
  EXPECT_THAT(read(3, 3), ElementsAre());
  EXPECT_THAT(read(6, 1), ElementsAre());
  EXPECT_EQ(store.ReadDailyRecord("a", "chlorophyll_a", -100, 100).size(), 0U);
  EXPECT_EQ(store.ReadDailyRecord("a", "sst", 1, 1).front().value, 0.1);  // exact

  // Over stored days: values replaced, new days added, others kept.
  store.UpsertDailyRecord("a", "sst", "demo", std::vector<DailyValue>{{2, 2.5}, {3, 3.0}});
  EXPECT_THAT(read(1, 4), ElementsAre("1=0.100000", "2=2.500000", "3=3.000000", "4=4.000000"));
  store.UpsertDailyRecord("a", "sst", "demo", {});  // nothing to write is fine

  // Retention deletes observations only.
  store.DeleteObservationsBefore(std::numeric_limits<core::EpochMs>::max() / 2);
  EXPECT_EQ(read(-100, 100).size(), 6U);
}

TYPED_TEST(ClimatologyStoreTest, ThirtyYearsInOneCall) {
  Store& store = this->Open();
  constexpr std::int32_t kFirst = 7670;   // 1991-01-01
  constexpr std::int32_t kDays = 10'958;  // to 2020-12-31
  std::vector<DailyValue> days;
  days.reserve(kDays);
  for (std::int32_t i = 0; i < kDays; ++i) days.push_back({kFirst + i, 15.0 + i / 1000.0});
  store.UpsertDailyRecord("a", "sst", "erddap:ncdcOisst21Agg_LonPM180", days);
  const std::vector<DailyValue> read = store.ReadDailyRecord("a", "sst", kFirst, kFirst + kDays);
  ASSERT_EQ(read.size(), days.size());
  EXPECT_EQ(read.back().day, kFirst + kDays - 1);
  EXPECT_EQ(read.back().value, days.back().value);
}

TYPED_TEST(ClimatologyStoreTest, BackfillProgressUpsertsAndLists) {
  Store& store = this->Open();
  EXPECT_TRUE(store.ListBackfillProgress().empty());
  BackfillProgress progress{"erddap:oisst", "b", "sst", 7670, 18627, -1, "running", "", 0};
  store.RecordBackfillProgress(progress);
  progress.location_id = "a";
  progress.done_through_day = 8000;
  progress.updated_ms = 1234;
  store.RecordBackfillProgress(progress);
  progress.done_through_day = 9000;
  progress.state = "failed";
  progress.error = "upstream 503";
  progress.updated_ms = 5678;
  store.RecordBackfillProgress(progress);

  const std::vector<BackfillProgress> list = store.ListBackfillProgress();
  ASSERT_EQ(list.size(), 2U);
  EXPECT_EQ(list[0].location_id, "a");
  EXPECT_EQ(list[0].source_id, "erddap:oisst");
  EXPECT_EQ(list[0].parameter, "sst");
  EXPECT_EQ(list[0].first_day, 7670);
  EXPECT_EQ(list[0].last_day, 18627);
  EXPECT_EQ(list[0].done_through_day, 9000);
  EXPECT_EQ(list[0].state, "failed");
  EXPECT_EQ(list[0].error, "upstream 503");
  EXPECT_EQ(list[0].updated_ms, 5678);
  EXPECT_EQ(list[1].location_id, "b");
  EXPECT_EQ(list[1].done_through_day, -1);
  EXPECT_GT(list[1].updated_ms, 1'600'000'000'000);  // the store's clock when given 0
}

TYPED_TEST(ClimatologyStoreTest, BadWritesAreRejectedAndWriteNothing) {
  Store& store = this->Open();
  const auto expect_rejected = [](const auto& write) {
    try {
      write();
      ADD_FAILURE() << "the write succeeded";
    } catch (const core::ApiError& e) {
      EXPECT_EQ(e.code(), core::ErrorCode::kValidation) << e.what();
    }
  };
  expect_rejected([&] {
    store.UpsertDailyRecord("nowhere", "sst", "x", std::vector<DailyValue>{{1, 1.0}});
  });
  StoredClimatology climatology = Sample(0.0);
  climatology.location_id = "nowhere";
  expect_rejected([&] { store.PutClimatology(climatology); });
  expect_rejected([&] {
    store.RecordBackfillProgress({"s", "nowhere", "sst", 0, 1, -1, "running", "", 0});
  });
  expect_rejected([&] {
    store.UpsertDailyRecord("a", "sst", "x", std::vector<DailyValue>{{1, 1.0}, {2, std::nan("")}});
  });
  expect_rejected([&] {
    store.UpsertDailyRecord("a", "sst", "x", std::vector<DailyValue>{{1, 1.0}, {1, 2.0}});
  });
  climatology = Sample(0.0);
  climatology.percentiles.pop_back();
  expect_rejected([&] { store.PutClimatology(climatology); });
  expect_rejected([&] {
    store.RecordBackfillProgress({"s", "a", "sst", 0, 1, -1, "paused", "", 0});
  });

  EXPECT_TRUE(store.ReadDailyRecord("a", "sst", -100, 100).empty());
  EXPECT_TRUE(store.ReadDailyRecord("nowhere", "sst", -100, 100).empty());
  EXPECT_FALSE(store.GetClimatology("a", "sst").has_value());
  EXPECT_FALSE(store.GetClimatology("nowhere", "sst").has_value());
  EXPECT_TRUE(store.ListBackfillProgress().empty());
}

// A database one migration short of the climatology tables, holding a location and an
// observation, gains the tables and keeps its rows.
TYPED_TEST(ClimatologyStoreTest, MigrationAddsTablesToADatabaseWithRows) {
  constexpr bool kPostgres = TypeParam::kIsPostgres;
  const std::span<const EmbeddedMigration> migrations =
      kPostgres ? PostgresMigrations() : SqliteMigrations();
  const int version = ClimatologyVersion(migrations);
  ASSERT_GT(version, 1);
  this->backend_.ExecRaw(kPostgres ? pg::sql::kCreateMigrationsTable
                                   : sqlite::sql::kCreateMigrationsTable);
  for (const EmbeddedMigration& migration : migrations) {
    if (migration.version >= version) break;
    this->ExecScript(std::string(migration.sql));
    const std::string number = std::to_string(migration.version);
    this->backend_.ExecRaw(kPostgres
                               ? "INSERT INTO schema_migrations (version) VALUES (" + number + ")"
                               : "INSERT INTO schema_migrations (version, applied_at) VALUES (" +
                                     number + ", 0)");
  }
  // Written by SQL: the store of this binary would migrate first.
  this->backend_.ExecRaw(
      "INSERT INTO locations (id, name, latitude, longitude, description, updated_at) VALUES "
      "('a', 'A', 1, 2, '', " +
      std::string(kPostgres ? "now()" : "0") + ")");
  auto store = OpenStore(this->backend_.url(), 2);
  const MigrationReport report = store->Migrate();
  EXPECT_EQ(report.from_version, version - 1);
  EXPECT_GE(report.to_version, version);
  ASSERT_TRUE(store->GetLocation("a").has_value());
  store->UpsertObservations(
      std::vector<core::Observation>{{"a", "sst", 1000, 12.5, core::QualityFlag::kGood, "s"}});
  store->UpsertDailyRecord("a", "sst", "demo", std::vector<DailyValue>{{10, 12.0}});
  store->PutClimatology(Sample(0.0));
  ASSERT_EQ(store->ReadDailyRecord("a", "sst", 0, 20).size(), 1U);
  EXPECT_TRUE(store->GetClimatology("a", "sst").has_value());
  core::ObservationQuery all;
  all.start_ms = 0;
  all.end_ms = 10'000;
  EXPECT_EQ(store->CountObservations(all), 1);
}

}  // namespace
}  // namespace ocean::storage
