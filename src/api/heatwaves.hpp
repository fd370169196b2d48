// GET /api/heatwaves/: the marine heatwaves of one site in the stored window and any ongoing
// one, detected (science::DetectEvents) on the daily record against the stored climatology.
// The latest resource uses the same detection for its "heatwave" field.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/query.hpp"
#include "core/json_writer.hpp"
#include "science/mhw.hpp"
#include "storage/store.hpp"

namespace ocean::api {

// Days read before the window so that an event under way when the window opens is seen from
// its true first day (an event longer than a year is cut at the read's first day).
inline constexpr int kHeatwaveLookbackDays = 366;
// An event is ongoing when it runs through the series' last day and that day is at most this
// many days before today: daily satellite SST arrives a day or two late, and an event whose
// data stopped longer ago is not known to continue.
inline constexpr int kOngoingLagDays = 2;

// The parameter marine heatwaves are defined on.
inline constexpr std::string_view kHeatwaveParameter = "sst";

struct HeatwaveEvent {
  science::MhwEvent event;
  bool ongoing = false;
};

// The events of `series` against the stored climatology that end on or after
// `window_first_day`, oldest first. Values are compared in the climatology's space (log10 of
// them for a log10 climatology). No events when the climatology is not 366 days long.
std::vector<HeatwaveEvent> EventsInWindow(const science::DailySeries& series,
                                          const storage::StoredClimatology& climatology,
                                          std::int64_t window_first_day, std::int64_t today);

// The days (through today) latest reads first for the ongoing event: most days settle it.
inline constexpr int kOngoingRecentDays = 5;

// What the last days of a record say about its ongoing event (see OngoingFromTail).
struct TailVerdict {
  bool settled = false;                  // false: the whole record is needed
  std::optional<HeatwaveEvent> ongoing;  // when settled: the event EventsInWindow marks ongoing
};

// The ongoing event of a record from its last days alone, when they decide it. `tail` is the
// record cut at `cut_day` (JoinDailyRecord of the reads from that day through today);
// `climatology` needs seas and thresh only on the tail's days. They decide when no event can
// run through the last day: the tail is empty and the cut more than kOngoingLagDays before
// today, or it ends longer ago than that, the last day does not exceed the threshold (in
// DetectEvents' sense), or the run of exceedance through it starts inside the tail and is shorter
// than an event. They decide too when they hold three consecutive days that do not exceed: no event
// spans those, since only gaps of two days or less are joined, so the events after them, the
// one through the last day among them, are detected as on the whole record.
TailVerdict OngoingFromTail(const science::DailySeries& tail, std::int64_t cut_day,
                            const storage::StoredClimatology& climatology,
                            std::int64_t window_first_day, std::int64_t today);

// Reads the long record and the stored observations of (location, climatology.parameter) from
// kHeatwaveLookbackDays before the window of `window_days` ending today, and detects.
std::vector<HeatwaveEvent> StoredHeatwaves(storage::Store& store, std::string_view location,
                                           const storage::StoredClimatology& climatology,
                                           core::EpochMs now, int window_days);

// The ongoing event StoredHeatwaves would mark, reading kOngoingRecentDays first and the whole
// record (and the whole climatology) only when those days do not decide it. `recent` holds
// the climatology's seas and thresh at least on those days.
std::optional<HeatwaveEvent> StoredOngoingHeatwave(storage::Store& store, std::string_view location,
                                                   const storage::StoredClimatology& recent,
                                                   core::EpochMs now, int window_days);

// {"location", "parameter", "climatology", "events": [...]}.
std::string RenderHeatwaves(const HeatwavesParams& params,
                            const storage::StoredClimatology* climatology,
                            std::span<const HeatwaveEvent> events);

// The ongoing event as latest shows it: null, or {"category", "day", "date_start",
// "intensity_max"}; "day" counts from 1 on the first day through the last day with data.
void WriteOngoingHeatwave(core::JsonWriter& w, std::span<const HeatwaveEvent> events);

}  // namespace ocean::api
