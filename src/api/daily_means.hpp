// The daily record a heatwave is detected on: the daily means of the stored observations by
// UTC day, joined onto the long daily record. Pure functions.
#pragma once

#include <span>
#include <vector>

#include "science/climatology.hpp"
#include "storage/store.hpp"

namespace ocean::api {

// The mean of each UTC day's values, ascending by day. Values flagged bad or missing (QARTOD
// 4 and 9) are left out: a failed reading must not make or break a heatwave. A day with no
// other value is absent.
std::vector<storage::DailyValue> DailyMeans(const storage::SeriesRows& rows);

// One continuous series: the long record's days first, then the observations' daily means for
// the days after the record's last day (the record is the reference product; the observations
// only extend it). Days neither covers inside the span are NaN. Both inputs ascending. Empty
// when both are.
science::DailySeries JoinDailyRecord(std::span<const storage::DailyValue> record,
                                     std::span<const storage::DailyValue> recent);

}  // namespace ocean::api
