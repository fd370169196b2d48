// Expected flags from ioos_qc's tests/test_qartod.py (the QartodClimatology* classes).
#include "science/qartod_climatology.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"
#include "science/qartod_test_util.hpp"

namespace ocean::science {
namespace {

using testing::F;
using testing::kNaN;

core::EpochMs T(const char* text) { return *core::ParseTimestamp(text); }

ClimatologyMember Dates(const char* from, const char* to, Span vspan,
                        std::optional<Span> fspan = std::nullopt) {
  return {std::nullopt, SortedSpan(static_cast<double>(T(from)), static_cast<double>(T(to))), vspan,
          fspan};
}

// QartodClimatologyPeriodTest: the same five points against Jan-Mar in four period units.
TEST(ClimatologyTest, Periods) {
  const std::vector<core::EpochMs> times = {T("2011-02-02"), T("2013-02-03"), T("2011-04-01"),
                                            T("2011-12-31"), T("2020-02-29")};
  const std::vector<double> values = {9, 11, 21, 21, 15};
  const std::pair<ClimatologyPeriod, Span> cases[] = {
      {ClimatologyPeriod::kMonth, {0, 3}},
      {ClimatologyPeriod::kWeekOfYear, {0, 12}},
      {ClimatologyPeriod::kDayOfYear, {0, 90}},
      {ClimatologyPeriod::kQuarter, {0, 1}},
  };
  for (const auto& [period, tspan] : cases) {
    const ClimatologyMember member{period, tspan, SortedSpan(10, 20), std::nullopt};
    EXPECT_EQ(ClimatologyTest(std::vector{member}, values, times), F({3, 1, 2, 2, 1}))
        << static_cast<int>(period);
  }
}

// QartodClimatologyInclusiveRangesTest: tspan, vspan and fspan include both ends.
TEST(ClimatologyTest, InclusiveRanges) {
  const std::vector members = {
      Dates("2019-11-01", "2020-02-04", SortedSpan(50, 60), SortedSpan(40, 70))};
  // The day before tspan, its first and last days, the day after (1 good, 2 not evaluated).
  const std::vector times = {T("2019-10-31"), T("2019-11-01"), T("2020-02-04"), T("2020-02-05")};
  EXPECT_EQ(ClimatologyTest(members, std::vector<double>(times.size(), 55), times),
            F({2, 1, 1, 2}));
  // Around both ends of vspan (50, 60) and fspan (40, 70) on one day (3 suspect, 4 bad).
  const std::vector<double> values = {49, 50, 60, 61, 30, 40, 70, 71};
  EXPECT_EQ(
      ClimatologyTest(members, values, std::vector<core::EpochMs>(values.size(), T("2020-01-01"))),
      F({3, 1, 1, 3, 4, 3, 3, 4}));
}

// QartodClimatologyMissingTest.test_climatology_missing_values.
TEST(ClimatologyTest, MissingValues) {
  const std::vector members = {Dates("2021-07-01", "2021-09-01", SortedSpan(3.4, 5))};
  const std::vector<double> values = {0, kNaN, 4.16743};
  const std::vector<core::EpochMs> times(3, T("2021-07-16"));
  EXPECT_EQ(ClimatologyTest(members, values, times), F({3, 9, 1}));
}

// QartodClimatologyTest.test_climatology_test_fail (its members without a depth range).
TEST(ClimatologyTest, OutsideEveryMemberIsNotEvaluated) {
  const std::vector members = {Dates("2011-01-01", "2011-07-01", SortedSpan(10, 20)),
                               Dates("2011-07-01", "2012-01-01", SortedSpan(30, 40)),
                               Dates("2012-01-01", "2013-01-01", SortedSpan(40, 50))};
  const std::vector<double> values = {9, 11, 21, 21};
  const std::vector<core::EpochMs> times = {T("2011-01-02"), T("2011-01-02"), T("2011-01-02"),
                                            T("2015-01-02")};
  EXPECT_EQ(ClimatologyTest(members, values, times), F({3, 1, 3, 2}));
}

TEST(ClimatologyTest, LaterMemberOverwrites) {
  const std::vector members = {
      ClimatologyMember{ClimatologyPeriod::kMonth, {1, 12}, SortedSpan(0, 10), std::nullopt},
      ClimatologyMember{ClimatologyPeriod::kMonth, {7, 8}, SortedSpan(20, 30), std::nullopt}};
  const std::vector<double> values = {5, 5, 25};
  const std::vector<core::EpochMs> times = {T("2021-01-10"), T("2021-07-10"), T("2021-08-10")};
  EXPECT_EQ(ClimatologyTest(members, values, times), F({1, 3, 1}));
}

TEST(ClimatologyPeriod, NamesAndValues) {
  EXPECT_EQ(ParseClimatologyPeriod("weekofyear"), ClimatologyPeriod::kWeekOfYear);
  EXPECT_EQ(ParseClimatologyPeriod("week"), ClimatologyPeriod::kWeekOfYear);
  EXPECT_EQ(ParseClimatologyPeriod("day_of_year"), ClimatologyPeriod::kDayOfYear);
  EXPECT_EQ(ParseClimatologyPeriod("season"), std::nullopt);
  // ISO weeks: 2021-01-01 (a Friday) is in week 53 of 2020; 2024-12-30 in week 1 of 2025.
  EXPECT_EQ(PeriodValue(ClimatologyPeriod::kWeekOfYear, T("2021-01-01")), 53);
  EXPECT_EQ(PeriodValue(ClimatologyPeriod::kWeekOfYear, T("2021-01-04")), 1);
  EXPECT_EQ(PeriodValue(ClimatologyPeriod::kWeekOfYear, T("2024-12-30")), 1);
  EXPECT_EQ(PeriodValue(ClimatologyPeriod::kDayOfWeek, T("1970-01-01")), 3);
  EXPECT_EQ(PeriodValue(ClimatologyPeriod::kDayOfWeek, T("2026-12-06")), 6);
  EXPECT_EQ(PeriodValue(ClimatologyPeriod::kDayOfYear, T("2020-12-31")), 366);
  EXPECT_EQ(PeriodValue(ClimatologyPeriod::kDaysInMonth, T("2020-02-10")), 29);
  EXPECT_EQ(PeriodValue(ClimatologyPeriod::kQuarter, T("2020-10-01")), 4);
  const core::EpochMs t = T("1969-12-31T23:59:58.250Z");
  EXPECT_EQ(PeriodValue(ClimatologyPeriod::kYear, t), 1969);
  EXPECT_EQ(PeriodValue(ClimatologyPeriod::kHour, t), 23);
  EXPECT_EQ(PeriodValue(ClimatologyPeriod::kMinute, t), 59);
  EXPECT_EQ(PeriodValue(ClimatologyPeriod::kSecond, t), 58);
  EXPECT_EQ(PeriodValue(ClimatologyPeriod::kMicrosecond, t), 250'000);
}

}  // namespace
}  // namespace ocean::science
