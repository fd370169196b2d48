#include "app/demo.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/time.hpp"

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
  EXPECT_THROW(LoadDemoManifest("/nonexistent"), std::runtime_error);
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
