#include "jobs/site_climatology.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/time.hpp"
#include "science/climatology.hpp"

namespace ocean::jobs {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The record as the science module takes it: continuous from the first baseline day to the
// last, NaN where a day is missing.
science::DailySeries ContinuousSeries(std::span<const storage::DailyValue> record,
                                      const ClimatologyRequest& request) {
  science::DailySeries series;
  series.first_day = core::DaysFromCivil(request.first_year, 1, 1);
  const long long last_day = core::DaysFromCivil(request.last_year, 12, 31);
  series.values.assign(static_cast<std::size_t>(last_day - series.first_day + 1), kNaN);
  for (const auto& day : record) {
    if (day.day < series.first_day || day.day > last_day) continue;
    series.values[static_cast<std::size_t>(day.day - series.first_day)] = day.value;
  }
  return series;
}

}  // namespace

storage::StoredClimatology ComputeStoredClimatology(std::span<const storage::DailyValue> record,
                                                    const ClimatologyRequest& request,
                                                    core::EpochMs now_ms) {
  const auto series = ContinuousSeries(record, request);
  if (std::all_of(series.values.begin(), series.values.end(),
                  [](double value) { return std::isnan(value); })) {
    throw science::ClimatologyError(
        fmt::format("{} {}: the record holds no value in the baseline {}\u2013{}",
                    request.location_id, request.parameter, request.first_year, request.last_year));
  }
  science::ClimatologyOptions options;
  options.first_year = request.first_year;
  options.last_year = request.last_year;
  // kLog10 returns seas, thresh and the levels in log10 space, as they are stored.
  options.space =
      request.log10 ? science::ClimatologySpace::kLog10 : science::ClimatologySpace::kLinear;
  auto computed = science::ComputePercentileClimatology(series, options);

  storage::StoredClimatology stored;
  stored.location_id = request.location_id;
  stored.parameter = request.parameter;
  stored.source = request.source;
  stored.baseline_first_year = request.first_year;
  stored.baseline_last_year = request.last_year;
  stored.log10 = request.log10;
  stored.computed_ms = now_ms;
  stored.seas.assign(computed.seas.begin(), computed.seas.end());
  stored.thresh.assign(computed.thresh.begin(), computed.thresh.end());
  stored.percentiles = std::move(computed.levels);
  return stored;
}

}  // namespace ocean::jobs
