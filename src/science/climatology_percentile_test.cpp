// The 99 percentile levels per day of year and a value's percentile among them.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "core/time.hpp"
#include "science/climatology.hpp"

namespace ocean::science {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kLevels = kPercentileLevels;

std::uint64_t Bits(double value) { return std::bit_cast<std::uint64_t>(value); }

// Every day of the years [first, last] with the value f(year, day_of_year).
template <typename F>
DailySeries Years(int first, int last, F f) {
  DailySeries series{core::DaysFromCivil(first, 1, 1), {}};
  for (long long d = series.first_day; d < core::DaysFromCivil(last + 1, 1, 1); ++d) {
    const core::CivilDate date = core::CivilDateFromDays(d);
    series.values.push_back(f(static_cast<int>(date.year), LeapDayOfYear(date.month, date.day)));
  }
  return series;
}

// A noisy seasonal record with missing days, leap years and a trend.
DailySeries Noisy(double base) {
  std::mt19937 random(16);
  std::normal_distribution<double> noise(0.0, 0.8);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  return Years(1990, 2021, [&](int year, int doy) {
    if (uniform(random) < 0.03) return kNaN;
    return base + 3 * std::sin(doy / 58.1) + 0.02 * (year - 1990) + noise(random);
  });
}

// Day of year d (d = 70..355) pools, over years 0..n-1, the eleven values year * 11 + (doy mod
// 11) of its window: each of 0 .. 11n - 1 once, so the p-th percentile is (11n - 1) * p / 100.
TEST(ComputePercentileClimatology, LevelsOfAKnownPool) {
  constexpr int kYears = 20;
  const DailySeries record = Years(
      2000, 2000 + kYears - 1, [](int year, int doy) { return (year - 2000) * 11.0 + doy % 11; });
  ClimatologyOptions options;
  options.smooth = false;
  const PercentileClimatology climatology = ComputePercentileClimatology(record, options);
  ASSERT_EQ(climatology.levels.size(), kClimatologyYearDays * kLevels);
  for (std::size_t d = 70; d <= 355; ++d) {
    for (std::size_t p = 1; p <= kLevels; ++p) {
      EXPECT_NEAR(climatology.levels[d * kLevels + p - 1],
                  (11.0 * kYears - 1) * static_cast<double>(p) / 100, 1e-9)
          << "day index " << d << " level " << p;
    }
    EXPECT_NEAR(climatology.seas.at(d), (11.0 * kYears - 1) / 2, 1e-9);
  }
}

TEST(ComputePercentileClimatology, Level90IsTheThresholdBitForBit) {
  for (const ClimatologySpace space : {ClimatologySpace::kLinear, ClimatologySpace::kLog10}) {
    for (const bool smooth : {true, false}) {
      ClimatologyOptions options;
      options.space = space;
      options.smooth = smooth;
      options.first_year = 1991;
      options.last_year = 2020;
      const DailySeries record = Noisy(space == ClimatologySpace::kLog10 ? 10.0 : 15.0);
      const PercentileClimatology levels = ComputePercentileClimatology(record, options);
      const DayOfYearClimatology plain = ComputeClimatology(record, options);
      for (std::size_t d = 0; d < kClimatologyYearDays; ++d) {
        ASSERT_EQ(Bits(levels.levels[d * kLevels + 89]), Bits(levels.thresh.at(d))) << d;
        if (space == ClimatologySpace::kLinear) {
          ASSERT_EQ(Bits(levels.thresh.at(d)), Bits(plain.thresh.at(d))) << d;
          ASSERT_EQ(Bits(levels.seas.at(d)), Bits(plain.seas.at(d))) << d;
        } else {
          // In log10 space, where ComputeClimatology reports 10^x of the same numbers.
          ASSERT_EQ(Bits(std::pow(10.0, levels.thresh.at(d))), Bits(plain.thresh.at(d))) << d;
          ASSERT_EQ(Bits(std::pow(10.0, levels.seas.at(d))), Bits(plain.seas.at(d))) << d;
        }
        for (std::size_t p = 1; p < kLevels; ++p) {
          ASSERT_LE(levels.levels[d * kLevels + p - 1], levels.levels[d * kLevels + p]) << d;
        }
      }
    }
  }
}

TEST(ComputePercentileClimatology, Feb29LevelsAreTheMeanOfTheirNeighbours) {
  ClimatologyOptions options;
  options.smooth = false;
  const PercentileClimatology climatology = ComputePercentileClimatology(Noisy(15.0), options);
  constexpr std::size_t kFeb29 = kFeb29DayOfYear - 1;
  for (std::size_t p = 0; p < kLevels; ++p) {
    EXPECT_EQ(climatology.levels[kFeb29 * kLevels + p],
              0.5 * climatology.levels[(kFeb29 - 1) * kLevels + p] +
                  0.5 * climatology.levels[(kFeb29 + 1) * kLevels + p]);
  }
}

TEST(ComputePercentileClimatology, ADayOfYearWithoutDataHasNaNLevels) {
  // Mid-year to mid-year: no missing day of year, but every value of day 200's window missing.
  const DailySeries record = Years(2001, 2003, [](int, int doy) {
    return doy >= 190 && doy <= 210 ? kNaN : static_cast<double>(doy);
  });
  ClimatologyOptions options;
  options.smooth = false;
  const PercentileClimatology climatology = ComputePercentileClimatology(record, options);
  EXPECT_TRUE(std::isnan(climatology.levels[199 * kLevels]));
  EXPECT_TRUE(std::isnan(climatology.levels[199 * kLevels + 98]));
  EXPECT_FALSE(std::isnan(climatology.levels[100 * kLevels]));
}

std::vector<double> OneToNinetyNine(double scale) {
  std::vector<double> levels;
  for (std::size_t p = 1; p <= kLevels; ++p) levels.push_back(scale * static_cast<double>(p));
  return levels;
}

TEST(ClimatologyPercentile, InterpolatesBetweenAdjacentLevels) {
  const std::vector<double> levels = OneToNinetyNine(1.0);
  EXPECT_EQ(ClimatologyPercentile(levels, 50.0), 50.0);
  EXPECT_EQ(ClimatologyPercentile(levels, 50.25), 50.25);
  EXPECT_EQ(ClimatologyPercentile(levels, 98.5), 98.5);
  const std::vector<double> doubled = OneToNinetyNine(2.0);
  EXPECT_EQ(ClimatologyPercentile(doubled, 3.0), 1.5);
  EXPECT_EQ(ClimatologyPercentile(doubled, 181.0), 90.5);
}

TEST(ClimatologyPercentile, ClampsToTheFirstAndLastLevel) {
  const std::vector<double> levels = OneToNinetyNine(1.0);
  EXPECT_EQ(ClimatologyPercentile(levels, 1.0), 1.0);
  EXPECT_EQ(ClimatologyPercentile(levels, 0.5), 1.0);
  EXPECT_EQ(ClimatologyPercentile(levels, -1e300), 1.0);
  EXPECT_EQ(ClimatologyPercentile(levels, 99.0), 99.0);
  EXPECT_EQ(ClimatologyPercentile(levels, 1e9), 99.0);
  EXPECT_EQ(ClimatologyPercentile(levels, std::numeric_limits<double>::infinity()), 99.0);
}

TEST(ClimatologyPercentile, AValueOnSeveralEqualLevelsGetsTheirMiddle) {
  std::vector<double> levels = OneToNinetyNine(1.0);
  for (std::size_t p = 10; p <= 12; ++p) levels[p - 1] = 10.0;  // levels 10, 11 and 12
  EXPECT_EQ(ClimatologyPercentile(levels, 10.0), 11.0);
  const std::vector<double> flat(kLevels, 4.0);  // a constant record
  EXPECT_EQ(ClimatologyPercentile(flat, 4.0), 50.0);
  EXPECT_EQ(ClimatologyPercentile(flat, 3.0), 1.0);
  EXPECT_EQ(ClimatologyPercentile(flat, 5.0), 99.0);
}

TEST(ClimatologyPercentile, NaNInNaNOut) {
  std::vector<double> levels = OneToNinetyNine(1.0);
  EXPECT_TRUE(std::isnan(ClimatologyPercentile(levels, kNaN)));
  levels[40] = kNaN;
  EXPECT_TRUE(std::isnan(ClimatologyPercentile(levels, 3.0)));
  EXPECT_THROW(ClimatologyPercentile(std::vector<double>(98, 1.0), 1.0), ClimatologyError);
}

}  // namespace
}  // namespace ocean::science
