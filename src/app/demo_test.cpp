#include "app/demo.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>

#include "core/locations.hpp"
#include "core/time.hpp"
#include "jobs/backfill.hpp"
#include "storage/store.hpp"

namespace ocean::app {
namespace {

core::EpochMs At(const char* text) { return *core::ParseTimestamp(text); }

TEST(DemoTest, ShiftsByWholeDaysNeverIntoTheFuture) {
  const auto end = At("2026-10-31T23:50:00Z");
  EXPECT_EQ(DemoShiftDays(end, At("2026-11-26T08:37:00Z")), 25);
  EXPECT_EQ(DemoShiftDays(end, At("2026-11-25T23:50:00Z")), 25);
  EXPECT_EQ(DemoShiftDays(end, At("2026-11-25T23:49:59Z")), 24);
  EXPECT_EQ(DemoShiftDays(end, end), 0);
  EXPECT_EQ(DemoShiftDays(end, At("2026-10-31T12:00:00Z")), -1);  // clock before the samples
}

TEST(DemoTest, PicksTheSiteAGriddapBoxIsAround) {
  const std::vector<DemoSite> sites = {{"monterey-bay", 36.75, -122.03},
                                       {"davies-reef", -18.83, 147.65}};
  EXPECT_EQ(DemoSiteForGriddapQuery("analysed_sst[(2026-10-02T00:00:00Z):1:(2026-10-31T23:50:00Z)]"
                                    "[(36.73):1:(36.77)][(-122.05):1:(-122.01)]",
                                    sites),
            "monterey-bay");
  // An altitude bracket before the box; a 0-360 longitude.
  EXPECT_EQ(DemoSiteForGriddapQuery("chlor_a[(2026-10-02T12:00:00Z):1:(2026-10-31T12:00:00Z)][0]"
                                    "[(-18.79):1:(-18.87)][(147.61):1:(147.69)]",
                                    sites),
            "davies-reef");
  EXPECT_EQ(DemoSiteForGriddapQuery("sst[(t)][(36.73):1:(36.77)][(237.95):1:(237.99)]", sites),
            "monterey-bay");
  EXPECT_EQ(DemoSiteForGriddapQuery("sst[(t)][(10.0):1:(10.1)][(10.0):1:(10.1)]", sites),
            std::nullopt);
  EXPECT_EQ(DemoSiteForGriddapQuery("sst", sites), std::nullopt);
  EXPECT_EQ(DemoSiteForGriddapQuery("sst[(x)][(a):1:(b)][(c)]", sites), std::nullopt);
}

TEST(DemoTest, ReadsTheCommittedManifest) {
  const auto manifest = LoadDemoManifest(std::string(OCEAN_TEST_SOURCE_DIR) + "/demo");
  EXPECT_EQ(core::FormatTimestamp(manifest.samples_end_ms), "2026-10-31T23:50:00Z");
  EXPECT_EQ(manifest.days, 30);
  EXPECT_THAT(manifest.note, ::testing::HasSubstr("not measurements"));
  EXPECT_EQ(manifest.sites.size(), 12u);
  ASSERT_EQ(manifest.daily_records.size(), 2u);
  const auto& sst = manifest.daily_records[0];
  EXPECT_EQ(sst.parameter, "sst");
  EXPECT_EQ(sst.source, "demo (synthetic)");
  EXPECT_EQ(sst.first_year, 1991);
  EXPECT_EQ(sst.last_year, 2020);
  EXPECT_FALSE(sst.log10);
  EXPECT_THAT(sst.note, ::testing::HasSubstr("SYNTHETIC"));
  // The chlorophyll record covers the real chlorophyll baseline, in log10 space as the real one.
  const auto& chlorophyll = manifest.daily_records[1];
  EXPECT_EQ(chlorophyll.parameter, "chlorophyll_a");
  EXPECT_EQ(chlorophyll.source, "demo (synthetic)");
  EXPECT_EQ(chlorophyll.first_year, jobs::kChlorophyllFirstYear);
  EXPECT_EQ(chlorophyll.last_year, jobs::kChlorophyllLastYear);
  EXPECT_TRUE(chlorophyll.log10);
  EXPECT_THAT(chlorophyll.note, ::testing::HasSubstr("SYNTHETIC"));
  EXPECT_THROW(LoadDemoManifest("/nonexistent"), std::runtime_error);
}

TEST(DemoTest, ParsesADailyRecordWithMissingDays) {
  const auto record = ParseDemoDailyRecord(
      R"({"location":"kerama-reefs","parameter":"sst","first_day":"1970-01-02",)"
      R"("values":[20.5,null,21.25]})");
  EXPECT_EQ(record.location, "kerama-reefs");
  EXPECT_EQ(record.parameter, "sst");
  ASSERT_EQ(record.days.size(), 2u);
  EXPECT_EQ(record.days[0].day, 1);
  EXPECT_EQ(record.days[0].value, 20.5);
  EXPECT_EQ(record.days[1].day, 3);
  EXPECT_EQ(record.days[1].value, 21.25);
  EXPECT_THROW(ParseDemoDailyRecord("[]"), std::runtime_error);
  EXPECT_THROW(ParseDemoDailyRecord(R"({"location":"a","parameter":"sst","first_day":"x",)"
                                    R"("values":[]})"),
               std::runtime_error);
  EXPECT_THROW(ParseDemoDailyRecord(R"({"location":"a","parameter":"sst",)"
                                    R"("first_day":"2020-01-01","values":["1"]})"),
               std::runtime_error);
}

TEST(DemoTest, TheBaselineMovesByWholeYearsOfTheShift) {
  DemoDailyRecords records;
  records.first_year = 1991;
  records.last_year = 2020;
  EXPECT_EQ(ShiftedBaseline(records, 37), std::make_pair(1991, 2020));
  EXPECT_EQ(ShiftedBaseline(records, -1), std::make_pair(1991, 2020));
  EXPECT_EQ(ShiftedBaseline(records, 400), std::make_pair(1992, 2021));
}

TEST(DemoTest, StoresEachSitesShiftedRecordAndItsClimatology) {
  const std::string root = OCEAN_TEST_SOURCE_DIR;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("oceandash-demo-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    auto store = storage::OpenStore("sqlite:" + (dir / "demo.db").string(), 1);
    store->Migrate();
    store->UpsertLocations(core::LoadLocationsFile(root + "/config/locations.json"));
    const auto manifest = LoadDemoManifest(root + "/demo");
    const int shift = 37;
    EXPECT_EQ(LoadDemoClimatologies(root + "/demo", manifest, shift, *store, 1'000), 24);

    const auto first = static_cast<std::int32_t>(core::DaysFromCivil(1991, 1, 1)) + shift;
    const auto last = static_cast<std::int32_t>(core::DaysFromCivil(2020, 12, 31)) + shift;
    const auto record = store->ReadDailyRecord("kerama-reefs", "sst", first - 10, last + 10);
    ASSERT_EQ(record.size(), static_cast<std::size_t>(last - first + 1));
    EXPECT_EQ(record.front().day, first);
    EXPECT_EQ(record.back().day, last);

    const auto climatology = store->GetClimatology("kerama-reefs", "sst");
    ASSERT_TRUE(climatology.has_value());
    EXPECT_EQ(climatology->source, "demo (synthetic)");
    EXPECT_EQ(climatology->baseline_first_year, 1991);
    EXPECT_EQ(climatology->baseline_last_year, 2020);
    EXPECT_FALSE(climatology->log10);
    ASSERT_EQ(climatology->seas.size(), 366u);
    // The threshold sits above the mean by about 1.28 standard deviations of the AR(1) anomaly.
    for (std::size_t d = 0; d < 366; ++d) {
      EXPECT_GT(climatology->thresh[d] - climatology->seas[d], 0.3) << d;
      EXPECT_LT(climatology->thresh[d] - climatology->seas[d], 1.2) << d;
    }

    // Chlorophyll: cloud gaps stay gaps; the climatology is of log10(value), stored as such,
    // about the samples' level (kerama-reefs: 0.1 mg m^-3).
    const auto chl_first = static_cast<std::int32_t>(core::DaysFromCivil(2012, 1, 1)) + shift;
    const auto chl_last = static_cast<std::int32_t>(core::DaysFromCivil(2023, 12, 31)) + shift;
    const auto chl =
        store->ReadDailyRecord("kerama-reefs", "chlorophyll_a", chl_first - 10, chl_last + 10);
    constexpr std::size_t chl_days = 4383;  // 2012-01-01..2023-12-31
    EXPECT_GT(chl.size(), chl_days / 2);
    EXPECT_LT(chl.size(), chl_days * 9 / 10);
    EXPECT_GE(chl.front().day, chl_first);
    EXPECT_LE(chl.back().day, chl_last);
    const auto chl_climatology = store->GetClimatology("kerama-reefs", "chlorophyll_a");
    ASSERT_TRUE(chl_climatology.has_value());
    EXPECT_EQ(chl_climatology->source, "demo (synthetic)");
    EXPECT_EQ(chl_climatology->baseline_first_year, 2012);
    EXPECT_EQ(chl_climatology->baseline_last_year, 2023);
    EXPECT_TRUE(chl_climatology->log10);
    ASSERT_EQ(chl_climatology->seas.size(), 366u);
    for (std::size_t d = 0; d < 366; ++d) {
      EXPECT_NEAR(chl_climatology->seas[d], -1.0, 0.1) << d;  // log10(0.1)
      EXPECT_GT(chl_climatology->thresh[d], chl_climatology->seas[d]) << d;
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(DemoTest, DemoSourcesAreLabelledAndPointAtTheFakeUpstream) {
  const auto sources = DemoSources("http://127.0.0.1:1");
  ASSERT_EQ(sources.size(), 3u);
  for (const auto& source : sources) {
    EXPECT_TRUE(source.id.starts_with(kDemoSourcePrefix)) << source.id;
    EXPECT_TRUE(source.name.starts_with("DEMO — ")) << source.name;
    ASSERT_EQ(source.servers.size(), 1u);
    EXPECT_TRUE(source.servers[0].url.starts_with("http://127.0.0.1:1/")) << source.id;
  }
}

}  // namespace
}  // namespace ocean::app
