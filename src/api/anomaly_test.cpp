// The pure parts behind anomaly=true, latest's context and /api/heatwaves/: a value against a
// known climatology, daily means and the join onto the long record, detection in the window,
// and the bodies they render.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>

#include "api/anomaly.hpp"
#include "api/climatology_test_util.hpp"
#include "api/daily_means.hpp"
#include "api/heatwaves.hpp"
#include "api/observations.hpp"
#include "api/series.hpp"
#include "core/time.hpp"

namespace ocean::api {
namespace {

using testing::KnownClimatology;

constexpr core::EpochMs kDay = core::kMsPerDay;

core::EpochMs At(int year, unsigned month, unsigned day, int hour = 12) {
  return core::DaysFromCivil(year, month, day) * kDay + hour * 3'600'000LL;
}

TEST(Anomaly, DayIndexIsTheLeapYearDayOfYear) {
  EXPECT_EQ(UtcDay(-1), -1);
  EXPECT_EQ(UtcDay(0), 0);
  EXPECT_EQ(UtcDay(kDay - 1), 0);
  EXPECT_EQ(ClimatologyDayIndex(core::DaysFromCivil(2024, 2, 29)), 59u);
  EXPECT_EQ(ClimatologyDayIndex(core::DaysFromCivil(2026, 3, 1)), 60u);
  EXPECT_EQ(ClimatologyDayIndex(core::DaysFromCivil(2026, 12, 31)), 365u);
  EXPECT_EQ(ClimatologyDayIndex(core::DaysFromCivil(1969, 1, 1)), 0u);
}

TEST(Anomaly, ValueAgainstTheDaysClimatology) {
  const auto c = KnownClimatology("a", "sst");
  const double seas = c.seas[60];  // 2026-03-01, a non-leap year: index 60
  const double value = seas + 0.5;
  const auto p = AnomalyAt(c, At(2026, 3, 1), value);
  EXPECT_EQ(p.anomaly, value - seas);
  EXPECT_EQ(p.clim_mean, seas);
  EXPECT_EQ(p.clim_threshold, c.thresh[60]);
  EXPECT_NEAR(p.percentile, 70.0, 1e-9);  // 0.5 / 0.025 = 20 levels above the 50th
  EXPECT_NEAR(AnomalyAt(c, At(2026, 3, 1), seas + 0.0125).percentile, 50.5, 1e-9);
  // Beyond the stored levels: clamped, 99 "at or above the 99th", 1 "at or below the 1st".
  EXPECT_EQ(AnomalyAt(c, At(2026, 3, 1), seas + 100).percentile, 99.0);
  EXPECT_EQ(AnomalyAt(c, At(2026, 3, 1), seas - 100).percentile, 1.0);
  EXPECT_TRUE(std::isnan(AnomalyAt(c, At(2026, 3, 1), std::nan("")).percentile));
  // The day is the UTC day: one millisecond before midnight is still Feb 28 (index 58).
  EXPECT_EQ(AnomalyAt(c, At(2026, 3, 1, 0) - 1, 11.0).clim_mean, c.seas[58]);
}

TEST(Anomaly, Log10ClimatologyPlacesLog10OfTheValue) {
  // seas = log10(0.5) on every day; levels 0.01 apart in log10 units.
  auto c = KnownClimatology("a", "chlorophyll_a", std::log10(0.5), 0.01, true);
  for (double& s : c.seas) s = std::log10(0.5);
  const auto p = AnomalyAt(c, At(2026, 1, 1), 1.0);
  EXPECT_EQ(p.anomaly, 0.0 - std::log10(0.5));
  EXPECT_DOUBLE_EQ(p.clim_mean, 0.5);
  EXPECT_DOUBLE_EQ(p.clim_threshold, std::pow(10.0, c.thresh[0]));
  // log10(1) is 0.30103 above the day's mean, 30.103 levels of 0.01 above the 50th.
  EXPECT_NEAR(p.percentile, 50.0 - std::log10(0.5) / 0.01, 1e-9);
  const auto zero = AnomalyAt(c, At(2026, 1, 1), 0.0);
  EXPECT_TRUE(std::isnan(zero.anomaly));
  EXPECT_TRUE(std::isnan(zero.percentile));
  EXPECT_DOUBLE_EQ(zero.clim_mean, 0.5);  // the day's climatology is still known
}

storage::SeriesRows Rows(std::initializer_list<std::pair<core::EpochMs, double>> points,
                         core::QualityFlag flag = core::QualityFlag::kGood) {
  storage::SeriesRows rows;
  rows.sources = {"noaa"};
  for (const auto& [t, v] : points) {
    rows.t.push_back(t);
    rows.v.push_back(v);
    rows.q.push_back(flag);
    rows.s.push_back(0);
  }
  return rows;
}

TEST(DailyMeans, MeanPerUtcDayWithoutFailedValues) {
  auto rows = Rows({{-kDay, 1.0}, {-1, 3.0}, {0, 10.0}, {kDay - 1, 20.0}, {3 * kDay, 7.0}});
  rows.q[2] = core::QualityFlag::kBad;
  rows.t.push_back(3 * kDay + 5);
  rows.v.push_back(100.0);
  rows.q.push_back(core::QualityFlag::kMissing);
  rows.s.push_back(0);
  rows.t.push_back(3 * kDay + 6);
  rows.v.push_back(8.0);
  rows.q.push_back(core::QualityFlag::kSuspect);
  rows.s.push_back(0);
  const auto means = DailyMeans(rows);
  ASSERT_EQ(means.size(), 3u);
  EXPECT_EQ(means[0].day, -1);
  EXPECT_EQ(means[0].value, 2.0);
  EXPECT_EQ(means[1].day, 0);
  EXPECT_EQ(means[1].value, 20.0);
  EXPECT_EQ(means[2].day, 3);
  EXPECT_EQ(means[2].value, 7.5);
  EXPECT_TRUE(DailyMeans(Rows({{0, 1.0}}, core::QualityFlag::kBad)).empty());
}

TEST(DailyMeans, RecordFirstThenObservationsAfterIt) {
  const std::vector<storage::DailyValue> record = {{10, 1.0}, {11, 2.0}, {13, 4.0}};
  const std::vector<storage::DailyValue> recent = {{12, 30.0}, {13, 40.0}, {14, 50.0}, {16, 70.0}};
  const auto joined = JoinDailyRecord(record, recent);
  EXPECT_EQ(joined.first_day, 10);
  ASSERT_EQ(joined.values.size(), 7u);
  EXPECT_EQ(joined.values[0], 1.0);
  EXPECT_EQ(joined.values[1], 2.0);
  EXPECT_TRUE(std::isnan(joined.values[2]));  // the record lacks it; observations do not fill it
  EXPECT_EQ(joined.values[3], 4.0);           // the record wins its own days
  EXPECT_EQ(joined.values[4], 50.0);
  EXPECT_TRUE(std::isnan(joined.values[5]));
  EXPECT_EQ(joined.values[6], 70.0);
  const auto only_recent = JoinDailyRecord({}, recent);
  EXPECT_EQ(only_recent.first_day, 12);
  EXPECT_EQ(only_recent.values.size(), 5u);
  const auto only_record = JoinDailyRecord(record, {});
  EXPECT_EQ(only_record.values.size(), 4u);
  EXPECT_TRUE(JoinDailyRecord({}, {}).values.empty());
}

// A flat climatology (seas 0, thresh 1) and a record with three warm spells: one over before
// the window, one ending inside it, one running to the last day.
struct Spells {
  storage::StoredClimatology climatology = KnownClimatology("a", "sst", 0.0, 0.025);
  science::DailySeries series;
  Spells() {
    for (auto& s : climatology.seas) s = 0.0;
    for (auto& t : climatology.thresh) t = 1.0;
    series.first_day = 20'000;
    series.values.assign(100, 0.0);
    for (int i = 20; i < 27; ++i) series.values[i] = 2.0;
    for (int i = 60; i < 70; ++i) series.values[i] = 2.5;
    // Rising to its peak on the last day, where the reference's decline rate is NaN.
    for (int i = 95; i < 100; ++i) series.values[i] = 3.0 + 0.1 * (i - 95);
    series.values[99] = 3.5;
  }
};

TEST(Heatwaves, EventsEndingInTheWindowAndTheOngoingOne) {
  const Spells s;
  const long long last = s.series.first_day + 99;
  const auto events = EventsInWindow(s.series, s.climatology, s.series.first_day + 65, last + 1);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event.date_start, s.series.first_day + 60);
  EXPECT_EQ(events[0].event.duration, 10);
  EXPECT_FALSE(events[0].ongoing);
  EXPECT_EQ(events[0].event.category, science::MhwCategory::kStrong);  // (2.5 - 1) / 1 = 1.5
  EXPECT_EQ(events[1].event.date_end, last);
  EXPECT_TRUE(events[1].ongoing);
  EXPECT_EQ(events[1].event.category, science::MhwCategory::kSevere);  // (3.5 - 1) / 1 = 2.5
  // The last day with data more than two days ago: not known to continue.
  EXPECT_FALSE(EventsInWindow(s.series, s.climatology, 0, last + 3)[2].ongoing);
  EXPECT_TRUE(EventsInWindow(s.series, s.climatology, 0, last + 2)[2].ongoing);
  // A climatology of the wrong size detects nothing rather than guessing.
  auto broken = s.climatology;
  broken.seas.pop_back();
  EXPECT_TRUE(EventsInWindow(s.series, broken, 0, last).empty());
}

TEST(Heatwaves, RenderedBody) {
  const Spells s;
  const long long last = s.series.first_day + 99;
  const auto events = EventsInWindow(s.series, s.climatology, s.series.first_day + 65, last);
  HeatwavesParams params;
  params.location = "a";
  const auto body = boost::json::parse(RenderHeatwaves(params, &s.climatology, events));
  EXPECT_EQ(body.at("location").as_string(), "a");
  EXPECT_EQ(body.at("parameter").as_string(), "sst");
  EXPECT_EQ(boost::json::serialize(body.at("climatology")),
            R"({"source":"test","baseline":[1991,2020],"log10":false})");
  const auto& e = body.at("events").as_array();
  ASSERT_EQ(e.size(), 2u);
  // Day 20,060 is 2024-12-03.
  EXPECT_EQ(e[0].at("date_start").as_string(), "2024-12-03");
  EXPECT_EQ(e[0].at("date_end").as_string(), "2024-12-12");
  EXPECT_EQ(e[0].at("duration").as_int64(), 10);
  EXPECT_EQ(e[0].at("category").as_string(), "Strong");
  EXPECT_EQ(e[0].at("intensity_max").to_number<double>(), 2.5);
  EXPECT_EQ(e[0].at("intensity_cumulative").to_number<double>(), 25.0);
  EXPECT_FALSE(e[0].at("ongoing").as_bool());
  EXPECT_TRUE(e[1].at("ongoing").as_bool());
  // An event running to the last day with its peak there: the reference's rate is NaN.
  EXPECT_TRUE(e[1].at("rate_decline").is_null());
  EXPECT_EQ(e[1].as_object().size(), 11u);
  EXPECT_EQ(RenderHeatwaves(params, nullptr, {}),
            R"({"location":"a","parameter":"sst","climatology":null,"events":[]})");

  core::JsonWriter w;
  WriteOngoingHeatwave(w, events);
  EXPECT_EQ(w.Take(),
            R"({"category":"Severe","day":5,"date_start":"2025-01-07","intensity_max":3.5})");
  core::JsonWriter none;
  WriteOngoingHeatwave(none, std::span<const HeatwaveEvent>(events).first(1));
  EXPECT_EQ(none.Take(), "null");
}

TEST(RenderSeriesAnomaly, ArraysOnlyWhenAskedAndKnown) {
  const auto c = KnownClimatology("a", "sst");
  const auto rows = Rows({{At(2026, 3, 1), c.seas[60] + 0.5}, {At(2026, 3, 2), c.seas[61]}});
  SeriesParams params;
  params.location = "a";
  params.parameter = "sst";
  params.start_ms = At(2026, 3, 1, 0);
  params.end_ms = At(2026, 3, 3, 0);
  const std::string plain = RenderSeries(params, rows);
  // Not asked: the climatology changes nothing, byte for byte.
  EXPECT_EQ(RenderSeries(params, rows, &c), plain);
  params.anomaly = true;
  const std::string unknown = RenderSeries(params, rows, nullptr);
  EXPECT_EQ(unknown, plain.substr(0, plain.size() - 1) + R"(,"climatology":null})");
  const auto body = boost::json::parse(RenderSeries(params, rows, &c));
  EXPECT_EQ(body.at("climatology").at("baseline").at(0).as_int64(), 1991);
  const auto& anomaly = body.at("anomaly").as_array();
  ASSERT_EQ(anomaly.size(), 2u);
  EXPECT_EQ(anomaly[0].to_number<double>(), (c.seas[60] + 0.5) - c.seas[60]);
  EXPECT_EQ(anomaly[1].to_number<double>(), 0.0);
  EXPECT_NEAR(body.at("percentile").at(0).to_number<double>(), 70.0, 1e-9);
  EXPECT_NEAR(body.at("percentile").at(1).to_number<double>(), 50.0, 1e-9);
  EXPECT_EQ(body.at("clim_mean").at(1).to_number<double>(), c.seas[61]);
  EXPECT_EQ(body.at("clim_threshold").at(0).to_number<double>(), c.thresh[60]);
}

TEST(RenderLatestContext, NullWithoutAClimatologyHeatwaveOnlyForSst) {
  const std::vector<core::Observation> latest = {
      {"a", "sst", At(2026, 3, 1), 11.1, core::QualityFlag::kGood, "noaa"},
      {"a", "salinity", At(2026, 3, 1), 35.0, core::QualityFlag::kGood, "noaa"},
      {"b", "sst", At(2026, 3, 1), 12.0, core::QualityFlag::kGood, "noaa"}};
  std::vector<LatestContext> context(3);
  auto c = KnownClimatology("a", "sst");
  context[0].anomaly = AnomalyAt(c, latest[0].timestamp_ms, latest[0].value);
  c.percentiles.clear();
  context[0].climatology = c;
  const Spells s;
  context[0].events = EventsInWindow(s.series, s.climatology, 0, s.series.first_day + 99);
  const auto body = boost::json::parse(RenderLatest(latest, context));
  const auto& a = body.at(0);
  EXPECT_EQ(a.at("value").to_number<double>(), 11.1);
  EXPECT_EQ(a.at("source").as_string(), "noaa");
  EXPECT_EQ(a.at("anomaly").to_number<double>(), 11.1 - c.seas[60]);
  EXPECT_EQ(a.at("climatology").at("source").as_string(), "test");
  EXPECT_EQ(a.at("heatwave").at("category").as_string(), "Severe");
  EXPECT_EQ(a.at("heatwave").at("day").as_int64(), 5);
  EXPECT_TRUE(body.at(1).at("anomaly").is_null());
  EXPECT_TRUE(body.at(1).at("percentile").is_null());
  EXPECT_TRUE(body.at(1).at("climatology").is_null());
  EXPECT_FALSE(body.at(1).as_object().contains("heatwave"));
  EXPECT_TRUE(body.at(2).at("heatwave").is_null());
  // The observation's own fields come first, as core::WriteObservation writes them.
  const std::string text = RenderLatest(std::span(latest).subspan(1, 1));
  EXPECT_EQ(text,
            R"([{"location_id":"a","parameter":"salinity","timestamp":"2026-03-01T12:00:00Z",)"
            R"("value":35,"quality_flag":"good","source":"noaa","climatology":null,)"
            R"("anomaly":null,"percentile":null}])");
}

}  // namespace
}  // namespace ocean::api
