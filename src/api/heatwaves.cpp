#include "api/heatwaves.hpp"

#include <fmt/format.h>
#include <cmath>
#include <utility>

#include "api/anomaly.hpp"
#include "api/api.hpp"
#include "api/daily_means.hpp"
#include "api/response.hpp"
#include "core/time.hpp"

namespace ocean::api {
namespace {

std::string FormatDay(long long day) {
  const core::CivilDate date = core::CivilDateFromDays(day);
  return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day);
}

const HeatwaveEvent* FindOngoing(std::span<const HeatwaveEvent> events) {
  for (const auto& e : events) {
    if (e.ongoing) return &e;
  }
  return nullptr;
}

std::optional<HeatwaveEvent> OngoingOf(std::span<const HeatwaveEvent> events) {
  const HeatwaveEvent* ongoing = FindOngoing(events);
  return ongoing != nullptr ? std::optional<HeatwaveEvent>(*ongoing) : std::nullopt;
}

// The record in the climatology's space: log10 of each value for a log10 climatology (no
// number for a non-positive value).
science::DailySeries InClimatologySpace(const science::DailySeries& series,
                                        const storage::StoredClimatology& climatology) {
  science::DailySeries record = series;
  if (climatology.log10) {
    for (double& v : record.values) v = v > 0 ? std::log10(v) : std::nan("");
  }
  return record;
}

// The daily series of (location, parameter) from `first` through `today`: the long record
// joined with the daily means of the stored observations.
science::DailySeries ReadDailySeries(storage::Store& store, std::string_view location,
                                     const std::string& parameter, std::int64_t first,
                                     std::int64_t today) {
  const auto record = store.ReadDailyRecord(location, parameter, static_cast<std::int32_t>(first),
                                            static_cast<std::int32_t>(today));
  storage::SeriesQuery query;
  query.location = std::string(location);
  query.parameter = parameter;
  query.start_ms = first * core::kMsPerDay;
  query.end_ms = (today + 1) * core::kMsPerDay - 1;
  const auto recent = DailyMeans(store.QuerySeries(query));
  return JoinDailyRecord(record, recent);
}

}  // namespace

std::vector<HeatwaveEvent> EventsInWindow(const science::DailySeries& series,
                                          const storage::StoredClimatology& climatology,
                                          std::int64_t window_first_day, std::int64_t today) {
  constexpr std::size_t kDays = science::kClimatologyYearDays;
  if (series.values.empty() || climatology.seas.size() != kDays ||
      climatology.thresh.size() != kDays) {
    return {};
  }
  science::DayOfYearClimatology by_day;
  std::copy(climatology.seas.begin(), climatology.seas.end(), by_day.seas.begin());
  std::copy(climatology.thresh.begin(), climatology.thresh.end(), by_day.thresh.begin());
  const science::DailySeries record = InClimatologySpace(series, climatology);
  const auto expanded = science::ExpandClimatology(by_day, record.first_day, record.values.size());
  const auto last_day = record.first_day + static_cast<long long>(record.values.size()) - 1;
  std::vector<HeatwaveEvent> out;
  for (const auto& event : science::DetectEvents(record, expanded, {})) {
    if (event.date_end < window_first_day) continue;
    const bool ongoing = event.date_end == last_day && today - last_day <= kOngoingLagDays;
    out.push_back({event, ongoing});
  }
  return out;
}

TailVerdict OngoingFromTail(const science::DailySeries& tail, std::int64_t cut_day,
                            const storage::StoredClimatology& climatology,
                            std::int64_t window_first_day, std::int64_t today) {
  // EventsInWindow's rule: an ongoing event ends on the last day, at most kOngoingLagDays ago.
  // An empty tail: the record's last day is before the cut.
  if (tail.values.empty()) return {today - (cut_day - 1) > kOngoingLagDays, std::nullopt};
  const std::int64_t last_day = tail.first_day + static_cast<std::int64_t>(tail.values.size()) - 1;
  if (today - last_day > kOngoingLagDays) return {true, std::nullopt};
  if (climatology.seas.size() != storage::kClimatologyDays ||
      climatology.thresh.size() != storage::kClimatologyDays) {
    return {true, std::nullopt};  // EventsInWindow finds no events either
  }
  const science::DailySeries record = InClimatologySpace(tail, climatology);
  std::vector<bool> exceeds(record.values.size());
  for (std::size_t i = 0; i < record.values.size(); ++i) {
    const std::size_t d = ClimatologyDayIndex(record.first_day + static_cast<std::int64_t>(i));
    exceeds[i] =
        science::ExceedsThreshold(record.values[i], climatology.seas[d], climatology.thresh[d]);
  }
  // An event ends on the last day of a run of exceedance at least min_duration long (shorter
  // runs are dropped before joining): none ends on the last day when it does not exceed, or
  // when the run through it starts inside the tail and is shorter.
  const science::DetectionOptions options;
  std::size_t run_start = exceeds.size();
  while (run_start > 0 && exceeds[run_start - 1]) --run_start;
  const std::size_t run_length = exceeds.size() - run_start;
  if (run_length == 0 || (run_start > 0 && std::cmp_less(run_length, options.min_duration))) {
    return {true, std::nullopt};
  }
  int below = 0;
  bool settled = false;
  for (std::size_t i = 0; i < exceeds.size() && !settled; ++i) {
    below = exceeds[i] ? 0 : below + 1;
    settled = below > options.max_gap;
  }
  if (!settled) return {false, std::nullopt};
  return {true, OngoingOf(EventsInWindow(tail, climatology, window_first_day, today))};
}

std::vector<HeatwaveEvent> StoredHeatwaves(storage::Store& store, std::string_view location,
                                           const storage::StoredClimatology& climatology,
                                           core::EpochMs now, int window_days) {
  const std::int64_t today = UtcDay(now);
  const std::int64_t window_first = today - window_days;
  const std::int64_t first = window_first - kHeatwaveLookbackDays;
  return EventsInWindow(ReadDailySeries(store, location, climatology.parameter, first, today),
                        climatology, window_first, today);
}

std::optional<HeatwaveEvent> StoredOngoingHeatwave(storage::Store& store, std::string_view location,
                                                   const storage::StoredClimatology& recent,
                                                   core::EpochMs now, int window_days) {
  const std::int64_t today = UtcDay(now);
  const std::int64_t window_first = today - window_days;
  const std::int64_t first =
      std::max(today - kOngoingRecentDays + 1, window_first - kHeatwaveLookbackDays);
  const TailVerdict verdict =
      OngoingFromTail(ReadDailySeries(store, location, recent.parameter, first, today), first,
                      recent, window_first, today);
  if (verdict.settled) return verdict.ongoing;
  const auto climatology = store.GetClimatology(location, recent.parameter);
  if (!climatology) return std::nullopt;
  return OngoingOf(StoredHeatwaves(store, location, *climatology, now, window_days));
}

std::string RenderHeatwaves(const HeatwavesParams& params,
                            const storage::StoredClimatology* climatology,
                            std::span<const HeatwaveEvent> events) {
  core::JsonWriter w(256 + events.size() * 320);
  w.BeginObject()
      .PlainKey("location")
      .String(params.location)
      .PlainKey("parameter")
      .String(params.parameter)
      .PlainKey("climatology");
  WriteClimatologyInfo(w, climatology);
  w.PlainKey("events").BeginArray();
  for (const auto& [e, ongoing] : events) {
    w.BeginObject()
        .PlainKey("date_start")
        .PlainString(FormatDay(e.date_start))
        .PlainKey("date_peak")
        .PlainString(FormatDay(e.date_peak))
        .PlainKey("date_end")
        .PlainString(FormatDay(e.date_end))
        .PlainKey("duration")
        .Int(e.duration)
        .PlainKey("category")
        .PlainString(science::CategoryName(e.category))
        .PlainKey("intensity_max")
        .Number(e.intensity_max)
        .PlainKey("intensity_mean")
        .Number(e.intensity_mean)
        .PlainKey("intensity_cumulative")
        .Number(e.intensity_cumulative)
        .PlainKey("rate_onset")
        .Number(e.rate_onset)
        .PlainKey("rate_decline")
        .Number(e.rate_decline)
        .PlainKey("ongoing")
        .Bool(ongoing)
        .EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

void WriteOngoingHeatwave(core::JsonWriter& w, std::span<const HeatwaveEvent> events) {
  const HeatwaveEvent* ongoing = FindOngoing(events);
  if (ongoing == nullptr) {
    w.Null();
    return;
  }
  const auto& e = ongoing->event;
  w.BeginObject()
      .PlainKey("category")
      .PlainString(science::CategoryName(e.category))
      .PlainKey("day")
      .Int(e.duration)
      .PlainKey("date_start")
      .PlainString(FormatDay(e.date_start))
      .PlainKey("intensity_max")
      .Number(e.intensity_max)
      .EndObject();
}

http::Response Api::Heatwaves(const http::Request& request) {
  const core::EpochMs now = options_.now();
  const auto params = ParseHeatwavesQuery(
      request.query, [this](std::string_view id) { return LocationExists(id); });
  return Cached(
      request,
      [&] {
        const auto climatology = store_.GetClimatology(params.location, params.parameter);
        std::vector<HeatwaveEvent> events;
        if (climatology) {
          events =
              StoredHeatwaves(store_, params.location, *climatology, now, options_.retention_days);
        }
        return JsonResponse(RenderHeatwaves(params, climatology ? &*climatology : nullptr, events));
      },
      // Everything read is whole UTC days up to today: the answer moves with the date.
      fmt::format("|day={}", UtcDay(now)));
}

}  // namespace ocean::api
