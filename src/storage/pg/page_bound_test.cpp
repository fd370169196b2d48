#include "storage/pg/page_bound.hpp"

#include <gtest/gtest.h>

namespace ocean::storage::pg {
namespace {

struct Case {
  const char* what;
  core::EpochMs start_ms;
  bool first_page;
  PagePosition after;
  const char* location;
  const char* parameter;
  std::int64_t ts_us;
  const char* source;
};

TEST(StartOfSeriesTest, EachSideOfThePositionsNames) {
  const PagePosition at{5'000, "loc-b", "sst", "erddap"};
  const Case cases[] = {
      {"first page: the window's start, every source",
       1'000,
       true,
       {},
       "loc-b",
       "sst",
       1'000'000,
       ""},
      {"same names: the sources after the position's", 1'000, false, at, "loc-b", "sst", 5'000'000,
       "erddap\x01"},
      {"names after: every row at the position's instant", 1'000, false, at, "loc-c", "sst",
       5'000'000, ""},
      {"same location, later parameter", 1'000, false, at, "loc-b", "wave", 5'000'000, ""},
      {"names before: from the next microsecond", 1'000, false, at, "loc-a", "wave", 5'000'001, ""},
      {"same location, earlier parameter", 1'000, false, at, "loc-b", "chl", 5'000'001, ""},
      {"a position before the window: the window's start", 9'000, false, at, "loc-b", "sst",
       9'000'000, ""},
      {"a position at the window's start with the same names", 5'000, false, at, "loc-b", "sst",
       5'000'000, "erddap\x01"},
      {"names compare byte by byte (\"C\"): upper case first", 1'000, false, at, "LOC-z", "sst",
       5'000'001, ""},
  };
  for (const Case& c : cases) {
    const SeriesStart start =
        StartOfSeries(c.start_ms, c.first_page ? nullptr : &c.after, c.location, c.parameter);
    EXPECT_EQ(start.ts_us, c.ts_us) << c.what;
    EXPECT_EQ(start.source, c.source) << c.what;
  }
}

TEST(StartOfSeriesTest, TheSourcesSuccessorHasNothingBetween) {
  // Every text greater than "erddap" is at least "erddap\x01" in "C" order, so >= it is > "erddap".
  const std::string next = std::string("erddap") + '\x01';
  EXPECT_LT(std::string("erddap"), next);
  EXPECT_LE(next, std::string("erddap\x01\x01"));
  EXPECT_LE(next, std::string("erddaq"));
  EXPECT_LE(next, std::string("erddap-2"));
}

}  // namespace
}  // namespace ocean::storage::pg
