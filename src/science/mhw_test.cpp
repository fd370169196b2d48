#include "science/mhw.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <vector>

#include "core/time.hpp"

namespace ocean::science {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const long long kJan1 = core::DaysFromCivil(2015, 1, 1);

// A series on a flat climatology (seas 0, thresh 1), so values are anomalies and a value above
// 1 exceeds the threshold.
std::vector<MhwEvent> DetectFlat(const std::vector<double>& values,
                                 const DetectionOptions& options = {}) {
  const DailySeries series{kJan1, values};
  const DailyClimatology clim{std::vector<double>(values.size(), 0.0),
                              std::vector<double>(values.size(), 1.0)};
  return DetectEvents(series, clim, options);
}

// `days` values of `level` appended to `values`.
void AddDays(std::vector<double>& values, int days, double level) {
  values.insert(values.end(), static_cast<std::size_t>(days), level);
}

TEST(DetectEvents, EventsOnTheFirstAndLastDaysGapsAndShortRuns) {
  std::vector<double> v;
  AddDays(v, 6, 2);    // 0-5: an event from the record's first day
  AddDays(v, 3, 0);    // 6-8
  AddDays(v, 4, 2);    // 9-12: four days, not an event
  AddDays(v, 3, 0);    // 13-15
  AddDays(v, 5, 2);    // 16-20
  AddDays(v, 2, 0.5);  // 21-22: a 2-day gap, joined
  AddDays(v, 5, 2);    // 23-27
  AddDays(v, 3, 0);    // 28-30: a 3-day gap, not joined
  AddDays(v, 5, 2);    // 31-35
  AddDays(v, 3, 0);    // 36-38
  AddDays(v, 7, 2);    // 39-45: an event up to the record's last day
  const std::vector<MhwEvent> events = DetectFlat(v);
  ASSERT_EQ(events.size(), 4U);
  EXPECT_EQ(events[0].index_start, 0U);
  EXPECT_EQ(events[0].index_end, 5U);
  EXPECT_EQ(events[0].date_start, kJan1);
  EXPECT_EQ(events[1].index_start, 16U);
  EXPECT_EQ(events[1].index_end, 27U);
  EXPECT_EQ(events[1].duration, 12);
  // The gap days count in the mean and cumulative intensity at their own (lower) values.
  EXPECT_DOUBLE_EQ(events[1].intensity_cumulative, 10 * 2 + 2 * 0.5);
  EXPECT_DOUBLE_EQ(events[1].intensity_mean, 21.0 / 12);
  EXPECT_EQ(events[2].index_start, 31U);
  EXPECT_EQ(events[2].duration, 5);
  EXPECT_EQ(events[3].index_end, v.size() - 1);
  EXPECT_EQ(events[3].date_end, kJan1 + static_cast<long long>(v.size()) - 1);
}

TEST(DetectEvents, ShortRunsAreDroppedBeforeJoining) {
  std::vector<double> v;
  AddDays(v, 2, 0);
  AddDays(v, 5, 2);
  AddDays(v, 1, 0);
  AddDays(v, 4, 2);  // one day after an event, but only four days long: not joined
  AddDays(v, 2, 0);
  const std::vector<MhwEvent> events = DetectFlat(v);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].index_end, 6U);
}

TEST(DetectEvents, OptionsChangeDurationAndJoining) {
  std::vector<double> v;
  AddDays(v, 1, 0);
  AddDays(v, 5, 2);
  AddDays(v, 3, 0);
  AddDays(v, 5, 2);
  AddDays(v, 1, 0);
  DetectionOptions options;
  options.max_gap = 3;
  EXPECT_EQ(DetectFlat(v, options).size(), 1U);
  options.join_across_gaps = false;
  options.max_gap = 2;
  EXPECT_EQ(DetectFlat(v, options).size(), 2U);
  options.min_duration = 6;
  EXPECT_TRUE(DetectFlat(v, options).empty());
}

TEST(DetectEvents, TheThresholdItselfIsNotAnExceedance) {
  std::vector<double> v;
  AddDays(v, 1, 0);
  AddDays(v, 2, 1.5);
  AddDays(v, 1, 1.0);  // equal to thresh: ends the run
  AddDays(v, 4, 1.5);
  AddDays(v, 1, 0);
  EXPECT_TRUE(DetectFlat(v).empty());
}

TEST(DetectEvents, MissingDaysTakeTheSeasonalValue) {
  std::vector<double> v;
  AddDays(v, 1, 0);
  AddDays(v, 3, 2);
  AddDays(v, 1, kNaN);  // breaks the run: 3 + 3 days, no event without joining
  AddDays(v, 3, 2);
  AddDays(v, 1, 0);
  AddDays(v, 6, 2);
  AddDays(v, 1, kNaN);  // inside a joined gap, counted at the seasonal value (0)
  AddDays(v, 5, 2);
  AddDays(v, 1, 0);
  const std::vector<MhwEvent> events = DetectFlat(v);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].index_start, 9U);
  EXPECT_EQ(events[0].duration, 12);
  EXPECT_DOUBLE_EQ(events[0].intensity_cumulative, 22.0);
}

TEST(DetectEvents, IntensitiesAndRatesWithHalfDayEdges) {
  const std::vector<MhwEvent> events = DetectFlat({0, 2, 3, 5, 3, 2, 0});
  ASSERT_EQ(events.size(), 1U);
  const MhwEvent& e = events[0];
  EXPECT_EQ(e.index_peak, 3U);
  EXPECT_EQ(e.date_peak, kJan1 + 3);
  EXPECT_DOUBLE_EQ(e.intensity_max, 5);
  EXPECT_DOUBLE_EQ(e.intensity_mean, 3);
  EXPECT_DOUBLE_EQ(e.intensity_cumulative, 15);
  EXPECT_DOUBLE_EQ(e.intensity_var, std::sqrt((1 + 0 + 4 + 0 + 1) / 5.0));
  // Onset from (2 + 0) / 2 = 1 half a day before the first day: (5 - 1) / 2.5.
  EXPECT_DOUBLE_EQ(e.rate_onset, 1.6);
  EXPECT_DOUBLE_EQ(e.rate_decline, 1.6);
}

TEST(DetectEvents, RatesAtTheEdgesOfTheRecord) {
  // Starts on the first day with the peak on its second: onset over one day from day one.
  std::vector<MhwEvent> events = DetectFlat({3, 4, 2, 2, 2, 0, 0});
  ASSERT_EQ(events.size(), 1U);
  EXPECT_DOUBLE_EQ(events[0].rate_onset, 1.0);
  // Peak on the first day: onset 0 (over an assumed day).
  events = DetectFlat({4, 3, 2, 2, 2, 0});
  ASSERT_EQ(events.size(), 1U);
  EXPECT_DOUBLE_EQ(events[0].rate_onset, 0.0);
  // Ends on the last day, peak before it: decline from the peak to the last day.
  events = DetectFlat({0, 2, 2, 5, 3, 2});
  ASSERT_EQ(events.size(), 1U);
  EXPECT_DOUBLE_EQ(events[0].rate_decline, (5.0 - 2.0) / 2);
  // Ends on the last day with its peak there: the reference divides 0 by 0.
  events = DetectFlat({0, 2, 2, 2, 2, 5});
  ASSERT_EQ(events.size(), 1U);
  EXPECT_TRUE(std::isnan(events[0].rate_decline));
  // ... unless the event spans the whole record: then over an assumed day.
  events = DetectFlat({2, 2, 2, 2, 5});
  ASSERT_EQ(events.size(), 1U);
  EXPECT_DOUBLE_EQ(events[0].rate_decline, 0.0);
  EXPECT_DOUBLE_EQ(events[0].rate_onset, (5.0 - 2.0) / 4);
}

TEST(DetectEvents, CategoriesAtTheirBoundaries) {
  // thresh - seas = 1, so the ratio at the peak is the value - 1.
  const auto category = [](double peak) {
    const std::vector<MhwEvent> events = DetectFlat({0, 1.5, 1.5, peak, 1.5, 1.5, 0});
    EXPECT_EQ(events.size(), 1U);
    return events.empty() ? MhwCategory::kModerate : events[0].category;
  };
  EXPECT_EQ(category(1.5), MhwCategory::kModerate);
  EXPECT_EQ(category(std::nextafter(2.0, 0.0)), MhwCategory::kModerate);
  EXPECT_EQ(category(2.0), MhwCategory::kStrong);
  EXPECT_EQ(category(std::nextafter(3.0, 0.0)), MhwCategory::kStrong);
  EXPECT_EQ(category(3.0), MhwCategory::kSevere);
  EXPECT_EQ(category(4.0), MhwCategory::kExtreme);
  EXPECT_EQ(category(40.0), MhwCategory::kExtreme);
  EXPECT_EQ(CategoryName(MhwCategory::kSevere), "Severe");
}

TEST(DetectEvents, CategoryFollowsTheRatioNotTheAnomaly) {
  // The largest anomaly (3.5 where thresh - seas is 2) has ratio 0.75; the day with anomaly 3
  // over a 1-wide band has ratio 2: Severe.
  const DailySeries series{kJan1, {0, 3.5, 3, 2, 2, 2, 0}};
  const DailyClimatology clim{std::vector<double>(7, 0.0), {1, 2, 1, 1, 1, 1, 1}};
  const std::vector<MhwEvent> events = DetectEvents(series, clim, {});
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].index_peak, 1U);
  EXPECT_EQ(events[0].category, MhwCategory::kSevere);
}

TEST(DetectEvents, ColdSpellsFlipTheSign) {
  const DailySeries series{kJan1, {0, -2, -3, -5, -3, -2, 0, -2, -2, -2}};
  const DailyClimatology clim{std::vector<double>(10, 0.0), std::vector<double>(10, -1.0)};
  DetectionOptions options;
  options.cold_spells = true;
  const std::vector<MhwEvent> events = DetectEvents(series, clim, options);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].index_peak, 3U);
  EXPECT_DOUBLE_EQ(events[0].intensity_max, -5);
  EXPECT_DOUBLE_EQ(events[0].intensity_mean, -3);
  EXPECT_DOUBLE_EQ(events[0].intensity_cumulative, -15);
  EXPECT_DOUBLE_EQ(events[0].rate_onset, 1.6);  // rates stay positive, as in the reference
  EXPECT_EQ(events[0].category, MhwCategory::kExtreme);
  EXPECT_TRUE(DetectEvents(series, clim, {}).empty());
}

TEST(DetectEvents, RejectsAClimatologyOfTheWrongLength) {
  const DailySeries series{kJan1, {1, 2, 3}};
  EXPECT_THROW(DetectEvents(series, DailyClimatology{{0, 0}, {1, 1}}, {}), ClimatologyError);
}

// Ten years of a seasonal cycle with small deterministic noise, and a 10-day +4 degree event
// across Feb 29 2016.
DailySeries SyntheticSst() {
  const long long first = core::DaysFromCivil(2011, 1, 1);
  const long long end = core::DaysFromCivil(2021, 1, 1);
  DailySeries series{first, {}};
  std::uint32_t state = 12345;
  for (long long d = first; d < end; ++d) {
    state = state * 1664525U + 1013904223U;
    const double noise = (static_cast<double>(state >> 8) / (1U << 24) - 0.5) * 0.6;
    series.values.push_back(
        15 + 5 * std::sin(2 * std::numbers::pi * static_cast<double>(d) / 365.25) + noise);
  }
  const long long start = core::DaysFromCivil(2016, 2, 24) - first;
  for (long long i = start; i < start + 10; ++i) {
    series.values[static_cast<std::size_t>(i)] += 4;
  }
  // The days either side well below the threshold, so noise cannot lengthen the event.
  series.values[static_cast<std::size_t>(start - 1)] -= 1;
  series.values[static_cast<std::size_t>(start + 10)] -= 1;
  return series;
}

TEST(DetectMarineHeatwaves, FindsAKnownEventAcrossFeb29) {
  const DailySeries series = SyntheticSst();
  const MhwDetection result = DetectMarineHeatwaves(series, {}, {});
  ASSERT_EQ(result.climatology.seas.size(), series.values.size());
  const MhwEvent* found = nullptr;
  for (const MhwEvent& e : result.events) {
    if (e.date_start == core::DaysFromCivil(2016, 2, 24)) found = &e;
  }
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->date_end, core::DaysFromCivil(2016, 3, 4));
  EXPECT_EQ(found->duration, 10);  // Feb 24 - Mar 4 with Feb 29
  EXPECT_GT(found->intensity_max, 3.5);
  EXPECT_EQ(found->category, MhwCategory::kExtreme);
  // Feb 29 2016 takes the mean of Feb 28 and Mar 1 (before smoothing; after it, nearly so).
  const std::size_t feb29 =
      static_cast<std::size_t>(core::DaysFromCivil(2016, 2, 29) - series.first_day);
  EXPECT_NEAR(result.climatology.seas[feb29],
              0.5 * (result.climatology.seas[feb29 - 1] + result.climatology.seas[feb29 + 1]),
              1e-2);
}

TEST(DetectMarineHeatwaves, ColdSpellsUseTheLowPercentile) {
  DailySeries series = SyntheticSst();
  const std::size_t start =
      static_cast<std::size_t>(core::DaysFromCivil(2018, 7, 1) - series.first_day);
  for (std::size_t i = start; i < start + 8; ++i) series.values[i] -= 4;
  series.values[start - 1] += 1;
  series.values[start + 8] += 1;
  DetectionOptions options;
  options.cold_spells = true;
  const MhwDetection result = DetectMarineHeatwaves(series, {}, options);
  for (std::size_t i = 0; i < series.values.size(); ++i) {
    ASSERT_LT(result.climatology.thresh[i], result.climatology.seas[i]);
  }
  bool found = false;
  for (const MhwEvent& e : result.events) {
    if (e.index_start == start) {
      found = true;
      EXPECT_EQ(e.duration, 8);
      EXPECT_LT(e.intensity_max, -3.5);
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace ocean::science
