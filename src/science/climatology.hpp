// Daily climatology (seasonal mean and percentile threshold per day of year) as Hobday et al.
// (2016) define it and Eric Oliver's marineHeatWaves `detect` computes it: day of year on a
// 366-day calendar, values pooled across the baseline years within +-5 days, the 90th
// percentile with linear interpolation between order statistics, a 31-day periodic moving
// average. Pure functions: the caller brings the record (a long stored one for a site, or the
// series being analysed) and keeps the per-day-of-year result where it likes.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

namespace ocean::science {

// Day of year on a leap-year calendar: Feb 29 is day 60 and Mar 1 is day 61 in every year, so
// a non-leap year simply has no day 60.
inline constexpr int kClimatologyYearDays = 366;
inline constexpr int kFeb29DayOfYear = 60;
int LeapDayOfYear(unsigned month, unsigned day);

// A continuous daily record: values[i] is the value on day first_day + i (days since
// 1970-01-01). NaN marks a missing day; the record itself must have no holes, because the
// +-window and the event rules count days by position.
struct DailySeries {
  long long first_day = 0;
  std::vector<double> values;
};

enum class ClimatologySpace {
  kLinear,  // SST and most variables
  kLog10,   // chlorophyll: statistics of log10(value), reported back-transformed (10^x)
};

struct ClimatologyOptions {
  // Baseline years (inclusive). Unset: the first / last year of the record. The pooling window
  // may still reach up to window_half_width days outside the baseline, as marineHeatWaves does.
  std::optional<int> first_year;
  std::optional<int> last_year;
  double percentile = 90;     // threshold percentile, 0-100
  int window_half_width = 5;  // days each side of the day of year (11-day window)
  bool smooth = true;         // periodic moving average of seas and thresh
  int smooth_width = 31;      // days in that moving average (odd)
  ClimatologySpace space = ClimatologySpace::kLinear;
};

// What a site keeps: one seasonal mean and one threshold per day of year (index 0 is Jan 1,
// index 59 is Feb 29). NaN where the record holds no value for that day of year.
struct DayOfYearClimatology {
  std::array<double, kClimatologyYearDays> seas{};
  std::array<double, kClimatologyYearDays> thresh{};
};

// seas and thresh for each day of a series (same length as the series).
struct DailyClimatology {
  std::vector<double> seas;
  std::vector<double> thresh;
};

// Thrown when the options cannot apply to the record (a baseline year with no data, a record
// that is empty, a window that is not positive). The message names the option.
class ClimatologyError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

DayOfYearClimatology ComputeClimatology(const DailySeries& record,
                                        const ClimatologyOptions& options);

// The 99 percentile levels of every day of year (1st to 99th), with seas and thresh, all in the
// climatology's working space: log10(value) for kLog10, NOT back-transformed, so a log10 value
// compares with them directly. Same pooling window, Feb 29 rule and smoothing as
// ComputeClimatology; with options.percentile == 90 (the default) level 90 equals thresh bit for
// bit, and for kLinear seas and thresh equal ComputeClimatology's bit for bit.
inline constexpr int kPercentileLevels = 99;
struct PercentileClimatology {
  std::array<double, kClimatologyYearDays> seas{};
  std::array<double, kClimatologyYearDays> thresh{};
  // Day-major: levels[d * 99 + (p - 1)] is the p-th percentile of day of year index d. NaN for a
  // day of year the record never covers.
  std::vector<double> levels;
};

PercentileClimatology ComputePercentileClimatology(const DailySeries& record,
                                                   const ClimatologyOptions& options);

// The percentile (1-99) of `value` within one day's 99 levels (ascending, in the same space as
// `value`): linear between the two levels around it; a value equal to one or more levels gets
// the middle of them. Clamped: 1 means "at or below the 1st percentile", 99 "at or above the
// 99th". NaN when the value or any level is NaN. Throws ClimatologyError unless 99 levels.
double ClimatologyPercentile(std::span<const double> levels, double value);

// The per-day-of-year climatology laid out along the days first_day .. first_day + count - 1.
DailyClimatology ExpandClimatology(const DayOfYearClimatology& climatology, long long first_day,
                                   std::size_t count);

// numpy's default percentile (method "linear") of the non-NaN values; NaN if there are none.
// The values are reordered.
double NanPercentile(std::span<double> values, double percentile);

// numpy's sum of doubles (pairwise summation in blocks of eight), so that means and sums come
// out bit for bit as in the reference code.
double PairwiseSum(std::span<const double> values);

// The periodic moving average marineHeatWaves applies to seas and thresh (`runavg`): the
// series is treated as repeating, each point the mean of the `width` points centred on it.
std::vector<double> PeriodicRunningMean(std::span<const double> values, int width);

}  // namespace ocean::science
