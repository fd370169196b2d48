#include "core/time.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace ocean::core {
namespace {

TEST(ParseTimestamp, UtcAndOffsets) {
  EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseTimestamp("2026-11-26T06:00:00Z"), 1795672800000);
  EXPECT_EQ(ParseTimestamp("2026-11-26T15:00:00+09:00"), 1795672800000);
  EXPECT_EQ(ParseTimestamp("2026-11-25T22:00:00-08:00"), 1795672800000);
  EXPECT_EQ(ParseTimestamp("2026-11-26t06:00:00z"), 1795672800000);
  EXPECT_EQ(ParseTimestamp("2026-11-26 06:00:00Z"), 1795672800000);
}

TEST(ParseTimestamp, Fractions) {
  EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:00.5Z"), 500);
  EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:00.123Z"), 123);
  EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:00.123999Z"), 123);
  EXPECT_FALSE(ParseTimestamp("1970-01-01T00:00:00.Z"));
}

TEST(ParseTimestamp, DateOnlyIsMidnightUtc) {
  EXPECT_EQ(ParseTimestamp("2026-11-26"), 1795651200000);
}

TEST(ParseTimestamp, Rejects) {
  for (const char* bad :
       {"", "2026", "2026-11-26T06:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2026-02-30", "2026-11-26T24:00:00Z", "2026-11-26T06:60:00Z", "2026-11-26T06:00:60Z",
        "2026-11-26T06:00:00+0900", "2026-11-26T06:00:00Zjunk", "26-11-26T06:00:00Z",
        "2026-11-26T6:00:00Z", "now", "1795672800"}) {
    EXPECT_FALSE(ParseTimestamp(bad)) << bad;
  }
  EXPECT_TRUE(ParseTimestamp("2024-02-29T00:00:00Z"));
}

// The date's text is kept from one call to the next on a thread: runs of one day, days in
// turn, and days far apart all print their own date.
TEST(FormatTimestamp, DaysInAnyOrder) {
  constexpr EpochMs kDay = 86'400'000;
  std::mt19937_64 random(20261126);
  std::uniform_int_distribution<EpochMs> any(-62'135'596'800'000LL, 253'402'300'799'999LL);
  std::vector<EpochMs> times = {0, kDay - 1, kDay, -1, 0, 1795672800000, 1795672800000 + kDay};
  for (int i = 0; i < 20000; ++i) {
    const EpochMs base = any(random);
    times.push_back(base);
    times.push_back(base + 1000);                // the same day, mostly
    times.push_back(base + kDay * (i % 3 - 1));  // the day before, the same, the day after
  }
  for (const EpochMs ms : times) {
    if (ms < -62'135'596'800'000LL || ms > 253'402'300'799'999LL) continue;
    const std::string text = FormatTimestamp(ms);
    ASSERT_EQ(ParseTimestamp(text), ms) << text;
  }
  EXPECT_EQ(FormatTimestamp(1795672800000 + kDay), "2026-11-27T06:00:00Z");
  EXPECT_EQ(FormatTimestamp(1795672800000), "2026-11-26T06:00:00Z");
}

TEST(FormatTimestamp, RoundTrip) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(1795672800000), "2026-11-26T06:00:00Z");
  EXPECT_EQ(FormatTimestamp(1795672800250), "2026-11-26T06:00:00.250Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999Z");
  for (EpochMs ms : {EpochMs{951782400000}, EpochMs{4102444799999}, EpochMs{-2208988800000}}) {
    EXPECT_EQ(ParseTimestamp(FormatTimestamp(ms)), ms);
  }
}

}  // namespace
}  // namespace ocean::core
