// A value placed against a stored climatology: anomaly, percentile and the day's mean and
// threshold. Pure functions shared by the series, latest and heatwaves resources.
#pragma once

#include <cstdint>
#include <span>

#include "core/json_writer.hpp"
#include "core/types.hpp"
#include "storage/store.hpp"

namespace ocean::api {

// The UTC day of an instant, in days since 1970-01-01 (floor, also before 1970).
std::int64_t UtcDay(core::EpochMs ms);

// The index (0..365) of a day in a StoredClimatology: the leap-year day of year minus one.
std::size_t ClimatologyDayIndex(std::int64_t day);

// One value against the climatology of its UTC day. NaN where it cannot be placed: a
// non-positive value in a log10 climatology, a NaN value, or a day the climatology lacks.
struct PointAnomaly {
  double anomaly = 0;         // value - seas; log10(value) - seas for a log10 climatology
  double percentile = 0;      // 1..99 (science::ClimatologyPercentile)
  double clim_mean = 0;       // seas in the value's own unit (10^seas for log10)
  double clim_threshold = 0;  // thresh (the 90th percentile), likewise
};
// The same from one day's seas, thresh and percentile levels (no percentile unless there are
// 99 levels), in the climatology's space when `log10`.
PointAnomaly AnomalyOfDay(bool log10, double seas, double thresh, std::span<const double> levels,
                          double value);
PointAnomaly AnomalyAt(const storage::StoredClimatology& climatology, core::EpochMs t,
                       double value);

// {"source", "baseline": [first, last], "log10"}, or null when `climatology` is null.
void WriteClimatologyInfo(core::JsonWriter& w, const storage::StoredClimatology* climatology);

}  // namespace ocean::api
