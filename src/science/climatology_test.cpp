#include "science/climatology.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/time.hpp"

namespace ocean::science {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

long long Day(long long year, unsigned month, unsigned day) {
  return core::DaysFromCivil(year, month, day);
}

// Every day of the years [first, last] with the value f(year, day_of_year).
template <typename F>
DailySeries Years(int first, int last, F f) {
  DailySeries series{Day(first, 1, 1), {}};
  for (long long d = series.first_day; d < Day(last + 1, 1, 1); ++d) {
    const core::CivilDate date = core::CivilDateFromDays(d);
    series.values.push_back(f(static_cast<int>(date.year), LeapDayOfYear(date.month, date.day)));
  }
  return series;
}

ClimatologyOptions Unsmoothed() {
  ClimatologyOptions options;
  options.smooth = false;
  return options;
}

TEST(LeapDayOfYear, Feb29IsDay60InEveryYear) {
  EXPECT_EQ(LeapDayOfYear(1, 1), 1);
  EXPECT_EQ(LeapDayOfYear(2, 28), 59);
  EXPECT_EQ(LeapDayOfYear(2, 29), kFeb29DayOfYear);
  EXPECT_EQ(LeapDayOfYear(3, 1), 61);
  EXPECT_EQ(LeapDayOfYear(12, 31), kClimatologyYearDays);
}

TEST(NanPercentile, MatchesNumpyLinearBitForBit) {
  // Expected values are numpy 1.24's np.percentile(a, 90), written as hexadecimal literals.
  std::vector<double> one_to_ten = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  EXPECT_EQ(NanPercentile(one_to_ten, 90), 0x1.2333333333333p+3);  // 9.1
  std::vector<double> two = {10, 0};
  EXPECT_EQ(NanPercentile(two, 90), 9.0);  // weight 0.9: computed from the upper neighbour
  std::vector<double> four = {0.3, 0.1, 0.7, 0.2};
  EXPECT_EQ(NanPercentile(four, 90), 0x1.28f5c28f5c290p-1);
  std::vector<double> many;
  for (int i = 0; i < 110; ++i) many.push_back(i / 7.0);
  EXPECT_EQ(NanPercentile(many, 90), 0x1.c075075075076p+3);
}

TEST(NanPercentile, IgnoresNaNAndHandlesTheEnds) {
  std::vector<double> with_nan = {kNaN, 3, 1, kNaN, 2};
  EXPECT_DOUBLE_EQ(NanPercentile(with_nan, 90), 2.8);
  std::vector<double> all_nan = {kNaN, kNaN};
  EXPECT_TRUE(std::isnan(NanPercentile(all_nan, 90)));
  std::vector<double> single = {4.5};
  EXPECT_EQ(NanPercentile(single, 90), 4.5);
  std::vector<double> ends = {5, 1, 3};
  EXPECT_EQ(NanPercentile(ends, 100), 5);
  std::vector<double> ends_again = {5, 1, 3};
  EXPECT_EQ(NanPercentile(ends_again, 0), 1);
}

TEST(PairwiseSum, RoundsAsNumpySumDoes) {
  std::vector<double> values;
  double sequential = 0;
  for (int i = 1; i <= 200; ++i) {
    values.push_back(i * 0.1);
    sequential += i * 0.1;
  }
  // np.sum(np.arange(1, 201) * 0.1) is exactly 2010; adding in order gives 2010.0000000000002.
  EXPECT_EQ(PairwiseSum(values), 2010.0);
  EXPECT_NE(sequential, 2010.0);
  EXPECT_EQ(PairwiseSum(std::vector<double>{}), 0.0);
  EXPECT_EQ(PairwiseSum(std::vector<double>{1, 2, 3}), 6.0);
}

TEST(PeriodicRunningMean, WrapsAroundTheYear) {
  std::vector<double> spike(kClimatologyYearDays, 0.0);
  spike[0] = 31;
  const std::vector<double> smooth = PeriodicRunningMean(spike, 31);
  EXPECT_DOUBLE_EQ(smooth[0], 1.0);
  EXPECT_DOUBLE_EQ(smooth[15], 1.0);
  EXPECT_DOUBLE_EQ(smooth[16], 0.0);
  EXPECT_DOUBLE_EQ(smooth[365 - 14], 1.0);  // 15 days before Jan 1, across the year's end
  EXPECT_DOUBLE_EQ(smooth[365 - 15], 0.0);
  const std::vector<double> constant =
      PeriodicRunningMean(std::vector<double>(kClimatologyYearDays, 7.25), 31);
  for (double v : constant) EXPECT_NEAR(v, 7.25, 1e-12);
}

TEST(ComputeClimatology, PoolsElevenDaysAcrossTheBaselineYears) {
  // The value is the year's offset: mid-year, 11 days of each of 10 years give 1..10 eleven
  // times each, so the 90th percentile is at virtual index 109 * 0.9 = 98.1, between 9 and 10.
  const DailySeries series = Years(2001, 2010, [](int year, int) { return year - 2000.0; });
  const DayOfYearClimatology clim = ComputeClimatology(series, Unsmoothed());
  EXPECT_NEAR(clim.thresh[182], 9.1, 1e-12);
  EXPECT_NEAR(clim.seas[182], 5.5, 1e-12);
  // Jan 1: the window reaches back only where there is a previous year, and never before the
  // record's first day.
  EXPECT_NEAR(clim.seas[0], (6 * 55.0 + 5 * 45.0) / 105, 1e-12);
}

TEST(ComputeClimatology, BaselineYearsAndTheWindowReachingPastThem) {
  const DailySeries series = Years(2001, 2010, [](int year, int) { return year - 2000.0; });
  ClimatologyOptions options = Unsmoothed();
  options.first_year = 2003;
  options.last_year = 2004;
  const DayOfYearClimatology clim = ComputeClimatology(series, options);
  EXPECT_NEAR(clim.seas[182], 3.5, 1e-12);
  // As in marineHeatWaves, the +-5 days around Jan 1 2003 include Dec 27-31 2002 (value 2),
  // and those around Dec 31 2004 include Jan 1-5 2005 (value 5).
  EXPECT_NEAR(clim.seas[0], (5 * 2.0 + 6 * 3.0 + 5 * 3.0 + 6 * 4.0) / 22, 1e-12);
  EXPECT_NEAR(clim.seas[365], (6 * 3.0 + 5 * 4.0 + 6 * 4.0 + 5 * 5.0) / 22, 1e-12);
}

TEST(ComputeClimatology, RejectsABaselineOutsideTheRecord) {
  const DailySeries series = Years(2001, 2002, [](int, int) { return 1.0; });
  ClimatologyOptions options;
  options.first_year = 1991;
  options.last_year = 2002;
  EXPECT_THROW(ComputeClimatology(series, options), ClimatologyError);
  options.first_year = 2002;
  options.last_year = 2001;
  EXPECT_THROW(ComputeClimatology(series, options), ClimatologyError);
  EXPECT_THROW(ComputeClimatology(DailySeries{}, ClimatologyOptions{}), ClimatologyError);
}

TEST(ComputeClimatology, Feb29IsTheMeanOfItsNeighboursBeforeSmoothing) {
  // No leap year in the record at all: day 60 still gets a value.
  const DailySeries series =
      Years(2001, 2003, [](int year, int doy) { return doy * 0.1 + (year % 2); });
  const DayOfYearClimatology clim = ComputeClimatology(series, Unsmoothed());
  EXPECT_DOUBLE_EQ(clim.seas[59], 0.5 * clim.seas[58] + 0.5 * clim.seas[60]);
  EXPECT_DOUBLE_EQ(clim.thresh[59], 0.5 * clim.thresh[58] + 0.5 * clim.thresh[60]);
  EXPECT_FALSE(std::isnan(clim.seas[59]));
}

TEST(ComputeClimatology, MissingValuesAreLeftOutOfThePool) {
  DailySeries series = Years(2001, 2010, [](int year, int) { return year - 2000.0; });
  // Remove all of 2010: the pool around mid-year holds 1..9 eleven times each (99 values).
  for (std::size_t i = series.values.size() - 365; i < series.values.size(); ++i) {
    series.values[i] = kNaN;
  }
  const DayOfYearClimatology clim = ComputeClimatology(series, Unsmoothed());
  EXPECT_NEAR(clim.seas[182], 5.0, 1e-12);
  EXPECT_NEAR(clim.thresh[182], 9.0, 1e-12);  // virtual index 98 * 0.9 = 88.2, among the 9s
  EXPECT_NEAR(clim.thresh[181], 9.0, 1e-12);
}

TEST(ComputeClimatology, LogSpaceForChlorophyll) {
  // Alternate years of 1 and 100 mg m-3: the geometric mean is 10.
  DailySeries series = Years(2001, 2010, [](int year, int) { return year % 2 ? 1.0 : 100.0; });
  series.values[400] = 0;  // no logarithm: missing
  ClimatologyOptions options;
  options.space = ClimatologySpace::kLog10;
  const DayOfYearClimatology clim = ComputeClimatology(series, options);
  EXPECT_NEAR(clim.seas[182], 10.0, 1e-9);
  EXPECT_NEAR(clim.thresh[182], 100.0, 1e-9);
  for (double v : clim.seas) EXPECT_FALSE(std::isnan(v));
}

TEST(ComputeClimatology, SmoothingSpreadsAMissingDayOfYear) {
  // Less than a year of data: days of year with no value are NaN and, smoothed, so are their
  // neighbours within 15 days, as the reference's moving average does.
  DailySeries series{Day(2001, 1, 1), std::vector<double>(100, 1.0)};
  const DayOfYearClimatology clim = ComputeClimatology(series, ClimatologyOptions{});
  EXPECT_NEAR(clim.seas[40], 1.0, 1e-12);
  EXPECT_TRUE(std::isnan(clim.seas[95]));
  EXPECT_TRUE(std::isnan(clim.seas[200]));
}

TEST(ExpandClimatology, MapsEachDayToItsLeapDayOfYear) {
  DayOfYearClimatology clim;
  for (std::size_t i = 0; i < clim.seas.size(); ++i) {
    clim.seas[i] = static_cast<double>(i + 1);
    clim.thresh[i] = static_cast<double>(i + 1) + 0.5;
  }
  const DailyClimatology leap = ExpandClimatology(clim, Day(2016, 2, 28), 3);
  EXPECT_EQ(leap.seas, (std::vector<double>{59, 60, 61}));
  const DailyClimatology plain = ExpandClimatology(clim, Day(2015, 2, 28), 2);
  EXPECT_EQ(plain.seas, (std::vector<double>{59, 61}));
  EXPECT_EQ(plain.thresh, (std::vector<double>{59.5, 61.5}));
}

}  // namespace
}  // namespace ocean::science
