// latest's ongoing heatwave from the last days of the record (OngoingFromTail) against the
// detection on the whole record (EventsInWindow): over many synthetic records, every tail that
// decides gives the same ongoing event, field for field, as the whole record.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "api/anomaly.hpp"
#include "api/daily_means.hpp"
#include "api/heatwaves.hpp"
#include "core/time.hpp"

namespace ocean::api {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kWindowDays = 30;

storage::StoredClimatology SeasonalClimatology(bool log10) {
  storage::StoredClimatology c;
  c.parameter = "sst";
  c.log10 = log10;
  for (std::size_t d = 0; d < storage::kClimatologyDays; ++d) {
    const double seas = (log10 ? 0.1 : 15.0) + (log10 ? 0.3 : 3.0) * std::sin(2 * kPi * d / 366.0);
    c.seas.push_back(seas);
    c.thresh.push_back(seas + (log10 ? 0.08 : 0.8));
  }
  return c;
}

// The climatology as latest reads it for a tail from `first` through `today`: seas and thresh
// of those days, NaN on every other day.
storage::StoredClimatology OnlyDays(const storage::StoredClimatology& c, std::int64_t first,
                                    std::int64_t today) {
  storage::StoredClimatology out = c;
  out.seas.assign(storage::kClimatologyDays, std::nan(""));
  out.thresh.assign(storage::kClimatologyDays, std::nan(""));
  for (std::int64_t day = first; day <= today; ++day) {
    const std::size_t d = ClimatologyDayIndex(day);
    out.seas[d] = c.seas[d];
    out.thresh[d] = c.thresh[d];
  }
  return out;
}

std::vector<storage::DailyValue> From(const std::vector<storage::DailyValue>& days,
                                      std::int64_t first) {
  std::vector<storage::DailyValue> out;
  std::copy_if(days.begin(), days.end(), std::back_inserter(out),
               [&](const storage::DailyValue& d) { return d.day >= first; });
  return out;
}

std::optional<HeatwaveEvent> Ongoing(const std::vector<HeatwaveEvent>& events) {
  for (const auto& e : events) {
    if (e.ongoing) return e;
  }
  return std::nullopt;
}

std::uint64_t Bits(double v) { return std::bit_cast<std::uint64_t>(v); }

// Same event; positions shifted by where the tail starts in the whole record.
void ExpectSameEvent(const HeatwaveEvent& got, const HeatwaveEvent& want, std::size_t offset) {
  const auto& g = got.event;
  const auto& w = want.event;
  EXPECT_EQ(got.ongoing, want.ongoing);
  EXPECT_EQ(g.index_start + offset, w.index_start);
  EXPECT_EQ(g.index_peak + offset, w.index_peak);
  EXPECT_EQ(g.index_end + offset, w.index_end);
  EXPECT_EQ(g.date_start, w.date_start);
  EXPECT_EQ(g.date_peak, w.date_peak);
  EXPECT_EQ(g.date_end, w.date_end);
  EXPECT_EQ(g.duration, w.duration);
  EXPECT_EQ(Bits(g.intensity_max), Bits(w.intensity_max));
  EXPECT_EQ(Bits(g.intensity_mean), Bits(w.intensity_mean));
  EXPECT_EQ(Bits(g.intensity_var), Bits(w.intensity_var));
  EXPECT_EQ(Bits(g.intensity_cumulative), Bits(w.intensity_cumulative));
  EXPECT_EQ(Bits(g.rate_onset), Bits(w.rate_onset));
  EXPECT_EQ(Bits(g.rate_decline), Bits(w.rate_decline));
  EXPECT_EQ(g.category, w.category);
}

// One synthetic site: a mean-reverting walk about the threshold, sometimes shaped at the end
// (a run through the last days, a 1-3 day gap, an earlier run), with missing days, split into
// a long record and the observations' daily means that overlap it by a few days.
struct Site {
  std::vector<storage::DailyValue> record;
  std::vector<storage::DailyValue> recent;
};

Site MakeSite(std::mt19937& rng, const storage::StoredClimatology& c, std::int64_t first,
              std::int64_t last) {
  std::normal_distribution<double> step(0.0, c.log10 ? 0.035 : 0.35);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double scale = c.log10 ? 0.1 : 1.0;
  const double bias = (unit(rng) * 1.4 - 0.8) * scale;
  const double missing = std::array{0.0, 0.1, 0.3}[rng() % 3];
  const auto days = static_cast<std::size_t>(last - first + 1);
  std::vector<double> offsets(days);
  double walk = 0;
  for (double& o : offsets) {
    walk = 0.8 * walk + step(rng);
    o = bias + walk;
  }
  if (rng() % 2 == 0) {  // shape the end: [run A] [gap] [run B through the last day]
    const std::size_t run_b = 1 + rng() % 12;
    const std::size_t gap = 1 + rng() % 3;
    const std::size_t run_a = rng() % 9;
    std::size_t i = days;
    for (std::size_t k = 0; k < run_b && i > 0; ++k) offsets[--i] = (0.05 + unit(rng)) * scale;
    for (std::size_t k = 0; k < gap && i > 0; ++k) offsets[--i] = -(0.05 + unit(rng)) * scale;
    for (std::size_t k = 0; k < run_a && i > 0; ++k) offsets[--i] = (0.05 + unit(rng)) * scale;
  }
  const std::int64_t split = last - static_cast<std::int64_t>(rng() % 20);
  Site site;
  for (std::size_t i = 0; i < days; ++i) {
    const std::int64_t day = first + static_cast<std::int64_t>(i);
    if (unit(rng) < missing && day != last) continue;
    const double x = c.thresh[ClimatologyDayIndex(day)] + offsets[i];
    double value = c.log10 ? std::pow(10.0, x) : x;
    if (c.log10 && rng() % 50 == 0) value = 0.0;  // no log10: a missing day for detection
    const auto d32 = static_cast<std::int32_t>(day);
    if (day <= split) site.record.push_back({d32, value});
    // The observations overlap the record's last days with other values the join ignores.
    if (day > split - 3) site.recent.push_back({d32, day > split ? value : value + 5 * scale});
  }
  return site;
}

TEST(OngoingHeatwave, AnyTailThatDecidesGivesTheWholeRecordsOngoingEvent) {
  std::mt19937 rng(20261208);
  int ongoing = 0;
  int decided = 0;
  int decided_ongoing = 0;
  int undecided = 0;
  for (int n = 0; n < 4000; ++n) {
    const bool log10 = n % 8 == 7;
    const auto c = SeasonalClimatology(log10);
    // Any day of the year, leap years included.
    const std::int64_t today =
        core::DaysFromCivil(2026, 1, 1) + static_cast<std::int64_t>(rng() % 1200);
    const std::int64_t window_first = today - kWindowDays;
    const std::int64_t first = window_first - kHeatwaveLookbackDays;
    const std::int64_t last = today - std::array{0, 0, 0, 1, 1, 2, 3, 4, 12}[rng() % 9];
    const Site site = MakeSite(rng, c, first - 20, last);
    const auto whole = JoinDailyRecord(From(site.record, first), From(site.recent, first));
    const auto want = Ongoing(EventsInWindow(whole, c, window_first, today));
    ongoing += want.has_value() ? 1 : 0;
    for (const int tail_days : {1, 2, 3, kOngoingRecentDays, 8, 13, 40}) {
      const std::int64_t cut = std::max(today - tail_days + 1, first);
      const auto tail = JoinDailyRecord(From(site.record, cut), From(site.recent, cut));
      const TailVerdict verdict =
          OngoingFromTail(tail, cut, OnlyDays(c, cut, today), window_first, today);
      if (!verdict.settled) {
        ++undecided;
        continue;
      }
      ++decided;
      SCOPED_TRACE(testing::Message() << "series " << n << ", tail of " << tail_days << " days");
      ASSERT_EQ(verdict.ongoing.has_value(), want.has_value());
      if (!want) continue;
      ++decided_ongoing;
      ExpectSameEvent(*verdict.ongoing, *want,
                      static_cast<std::size_t>(tail.first_day - whole.first_day));
    }
  }
  // Every case the test means to cover came up often.
  EXPECT_GT(ongoing, 400);
  EXPECT_GT(decided_ongoing, 400);
  EXPECT_GT(decided, 10000);
  EXPECT_GT(undecided, 1000);
}

// Tails too short to decide say so: five days all above the threshold could be the end of an
// event of any length.
TEST(OngoingHeatwave, AShortTailInsideAnEventDoesNotDecide) {
  const auto c = SeasonalClimatology(false);
  const std::int64_t today = core::DaysFromCivil(2026, 7, 1);
  science::DailySeries tail{today - 4, {}};
  for (std::int64_t day = today - 4; day <= today; ++day) {
    tail.values.push_back(c.thresh[ClimatologyDayIndex(day)] + 1.0);
  }
  EXPECT_FALSE(OngoingFromTail(tail, today - 4, c, today - kWindowDays, today).settled);
  tail.values.back() = c.seas[ClimatologyDayIndex(today)];  // the last day below: nothing ongoing
  const TailVerdict verdict = OngoingFromTail(tail, today - 4, c, today - kWindowDays, today);
  EXPECT_TRUE(verdict.settled);
  EXPECT_FALSE(verdict.ongoing.has_value());
}

}  // namespace
}  // namespace ocean::api
