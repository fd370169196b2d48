#include "science/climatology.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/time.hpp"

namespace ocean::science {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// numpy's pairwise summation adds blocks of up to this many values with eight accumulators.
constexpr std::size_t kPairwiseBlock = 128;
constexpr std::size_t kPairwiseLanes = 8;

// Cumulative days before each month on the leap-year calendar.
constexpr std::array<int, 12> kLeapMonthStart = {0,   31,  60,  91,  121, 152,
                                                 182, 213, 244, 274, 305, 335};

void Validate(const DailySeries& record, const ClimatologyOptions& options) {
  if (record.values.empty()) throw ClimatologyError("record: no days");
  if (!(options.percentile >= 0 && options.percentile <= 100)) {
    throw ClimatologyError("percentile: must be between 0 and 100");
  }
  if (options.window_half_width < 0) throw ClimatologyError("window_half_width: must be >= 0");
  if (options.smooth && (options.smooth_width < 1 || options.smooth_width % 2 == 0)) {
    throw ClimatologyError("smooth_width: must be a positive odd number of days");
  }
}

double Transform(double value, ClimatologySpace space) {
  if (space == ClimatologySpace::kLinear) return value;
  // A non-positive concentration has no logarithm: it counts as missing.
  return value > 0 ? std::log10(value) : kNaN;
}

double BackTransform(double value, ClimatologySpace space) {
  return space == ClimatologySpace::kLinear ? value : std::pow(10.0, value);
}

// np.nanmean: NaNs count as zeros in numpy's sum and are left out of the count.
double NanMean(std::vector<double>& values) {
  std::size_t count = 0;
  for (double& v : values) {
    if (std::isnan(v)) {
      v = 0;
    } else {
      ++count;
    }
  }
  if (count == 0) return kNaN;
  return PairwiseSum(values) / static_cast<double>(count);
}

// numpy "linear" percentile of values already sorted, with no NaN; NaN when empty.
double PercentileOfSorted(std::span<const double> sorted, double percentile) {
  const std::size_t n = sorted.size();
  if (n == 0) return kNaN;
  // The virtual index (n - 1) * q, and the interpolation written from the nearer neighbour so
  // that a weight of exactly 0 or 1 returns that order statistic.
  const double q = percentile / 100.0;
  const double virtual_index = static_cast<double>(n - 1) * q;
  if (virtual_index >= static_cast<double>(n - 1)) return sorted[n - 1];
  if (virtual_index < 0) return sorted[0];
  const double below = std::floor(virtual_index);
  const double gamma = virtual_index - below;
  const auto i = static_cast<std::size_t>(below);
  const double a = sorted[i];
  const double b = sorted[i + 1];
  const double diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

}  // namespace

int LeapDayOfYear(unsigned month, unsigned day) {
  return kLeapMonthStart.at(month - 1) + static_cast<int>(day);
}

double PairwiseSum(std::span<const double> values) {
  const std::size_t n = values.size();
  if (n < kPairwiseLanes) {
    double sum = 0;
    for (double v : values) sum += v;
    return sum;
  }
  if (n <= kPairwiseBlock) {
    std::array<double, kPairwiseLanes> lane{};
    std::copy_n(values.begin(), kPairwiseLanes, lane.begin());
    std::size_t i = kPairwiseLanes;
    for (; i < n - n % kPairwiseLanes; i += kPairwiseLanes) {
      for (std::size_t j = 0; j < kPairwiseLanes; ++j) lane[j] += values[i + j];
    }
    double sum =
        ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
    for (; i < n; ++i) sum += values[i];
    return sum;
  }
  std::size_t half = n / 2;
  half -= half % kPairwiseLanes;
  return PairwiseSum(values.first(half)) + PairwiseSum(values.subspan(half));
}

double NanPercentile(std::span<double> values, double percentile) {
  const auto end =
      std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); });
  const auto n = static_cast<std::size_t>(end - values.begin());
  std::sort(values.begin(), end);
  return PercentileOfSorted(values.first(n), percentile);
}

std::vector<double> PeriodicRunningMean(std::span<const double> values, int width) {
  const auto n = static_cast<long long>(values.size());
  std::vector<double> out(values.size(), kNaN);
  if (n == 0 || width < 1) return out;
  const double weight = 1.0 / width;
  const long long half = width / 2;
  for (long long i = 0; i < n; ++i) {
    double sum = 0;
    for (long long k = -half; k <= half; ++k) {
      // The reference repeats the year three times and keeps the middle copy, so a window
      // wider than the year still wraps only once each side; ((i + k) mod n) gives the same.
      const long long j = ((i + k) % n + n) % n;
      sum += values[static_cast<std::size_t>(j)] * weight;
    }
    out[static_cast<std::size_t>(i)] = sum;
  }
  return out;
}

namespace {

// seas, thresh and (when asked) the 99 levels per day, all in the climatology's working space
// (log10 for kLog10). The one computation behind ComputeClimatology and
// ComputePercentileClimatology, so that a level and the threshold at the same percentile are
// the same operations on the same numbers.
PercentileClimatology ComputeInSpace(const DailySeries& record, const ClimatologyOptions& options,
                                     bool with_levels) {
  Validate(record, options);
  const std::size_t count = record.values.size();
  std::vector<double> values(count);
  std::vector<long long> year(count);
  std::vector<int> day_of_year(count);
  for (std::size_t i = 0; i < count; ++i) {
    const core::CivilDate date =
        core::CivilDateFromDays(record.first_day + static_cast<long long>(i));
    year[i] = date.year;
    day_of_year[i] = LeapDayOfYear(date.month, date.day);
    values[i] = Transform(record.values[i], options.space);
  }

  const long long first_year = options.first_year.value_or(year.front());
  const long long last_year = options.last_year.value_or(year.back());
  const auto start = std::find(year.begin(), year.end(), first_year);
  const auto last = std::find(year.rbegin(), year.rend(), last_year);
  if (start == year.end()) {
    throw ClimatologyError("climatology period: the record has no day in " +
                           std::to_string(first_year));
  }
  if (last == year.rend()) {
    throw ClimatologyError("climatology period: the record has no day in " +
                           std::to_string(last_year));
  }
  const auto clim_start = static_cast<std::size_t>(start - year.begin());
  const auto clim_end = count - 1 - static_cast<std::size_t>(last - year.rbegin());
  if (clim_start > clim_end) {
    throw ClimatologyError("climatology period: the first year is after the last");
  }

  // Positions of each day of year within the baseline, in time order.
  std::array<std::vector<std::size_t>, kClimatologyYearDays> positions;
  for (std::size_t i = clim_start; i <= clim_end; ++i) {
    positions.at(static_cast<std::size_t>(day_of_year[i] - 1)).push_back(i);
  }

  PercentileClimatology out;
  out.seas.fill(kNaN);
  out.thresh.fill(kNaN);
  constexpr std::size_t kLevels = kPercentileLevels;
  if (with_levels) out.levels.assign(kClimatologyYearDays * kLevels, kNaN);
  const int half = options.window_half_width;
  std::vector<double> pooled;
  for (int d = 1; d <= kClimatologyYearDays; ++d) {
    // Feb 29 takes the mean of its neighbours below; its values still enter their windows.
    if (d == kFeb29DayOfYear) continue;
    const auto& centres = positions.at(static_cast<std::size_t>(d - 1));
    if (centres.empty()) continue;
    // Pooled by offset first, then by year, as the reference builds its index list: the order
    // does not change the percentile but it does change the rounding of the mean. The window
    // counts positions in the record, so it may reach past the baseline, never past the record.
    pooled.clear();
    for (int w = -half; w <= half; ++w) {
      for (std::size_t centre : centres) {
        const long long j = static_cast<long long>(centre) + w;
        if (j < 0 || j >= static_cast<long long>(count)) continue;
        pooled.push_back(values[static_cast<std::size_t>(j)]);
      }
    }
    const auto index = static_cast<std::size_t>(d - 1);
    std::vector<double> scratch = pooled;
    out.thresh.at(index) = NanPercentile(scratch, options.percentile);
    if (with_levels) {
      // NanPercentile left scratch's non-NaN values sorted at its front.
      const auto n = static_cast<std::size_t>(
          std::count_if(pooled.begin(), pooled.end(), [](double v) { return !std::isnan(v); }));
      const std::span<const double> sorted(scratch.data(), n);
      for (std::size_t p = 1; p <= kLevels; ++p) {
        out.levels[index * kLevels + p - 1] = PercentileOfSorted(sorted, static_cast<double>(p));
      }
    }
    out.seas.at(index) = NanMean(pooled);
  }
  constexpr auto kFeb29 = static_cast<std::size_t>(kFeb29DayOfYear - 1);
  out.thresh.at(kFeb29) = 0.5 * out.thresh.at(kFeb29 - 1) + 0.5 * out.thresh.at(kFeb29 + 1);
  out.seas.at(kFeb29) = 0.5 * out.seas.at(kFeb29 - 1) + 0.5 * out.seas.at(kFeb29 + 1);
  if (with_levels) {
    for (std::size_t p = 0; p < kLevels; ++p) {
      out.levels[kFeb29 * kLevels + p] = 0.5 * out.levels[(kFeb29 - 1) * kLevels + p] +
                                         0.5 * out.levels[(kFeb29 + 1) * kLevels + p];
    }
  }

  if (options.smooth) {
    const std::vector<double> thresh = PeriodicRunningMean(out.thresh, options.smooth_width);
    const std::vector<double> seas = PeriodicRunningMean(out.seas, options.smooth_width);
    std::copy(thresh.begin(), thresh.end(), out.thresh.begin());
    std::copy(seas.begin(), seas.end(), out.seas.begin());
    if (with_levels) {
      std::vector<double> level(kClimatologyYearDays);
      for (std::size_t p = 0; p < kLevels; ++p) {
        for (std::size_t d = 0; d < level.size(); ++d) level[d] = out.levels[d * kLevels + p];
        const std::vector<double> smoothed = PeriodicRunningMean(level, options.smooth_width);
        for (std::size_t d = 0; d < level.size(); ++d) out.levels[d * kLevels + p] = smoothed[d];
      }
    }
  }
  return out;
}

}  // namespace

DayOfYearClimatology ComputeClimatology(const DailySeries& record,
                                        const ClimatologyOptions& options) {
  const PercentileClimatology in_space = ComputeInSpace(record, options, /*with_levels=*/false);
  DayOfYearClimatology out;
  for (std::size_t d = 0; d < out.seas.size(); ++d) {
    out.thresh.at(d) = BackTransform(in_space.thresh.at(d), options.space);
    out.seas.at(d) = BackTransform(in_space.seas.at(d), options.space);
  }
  return out;
}

PercentileClimatology ComputePercentileClimatology(const DailySeries& record,
                                                   const ClimatologyOptions& options) {
  return ComputeInSpace(record, options, /*with_levels=*/true);
}

double ClimatologyPercentile(std::span<const double> levels, double value) {
  if (levels.size() != kPercentileLevels) {
    throw ClimatologyError("levels: " + std::to_string(levels.size()) + " given, " +
                           std::to_string(kPercentileLevels) + " expected");
  }
  if (std::isnan(value)) return kNaN;
  if (std::any_of(levels.begin(), levels.end(), [](double v) { return std::isnan(v); })) {
    return kNaN;  // a day of year the record never covered
  }
  const auto low = std::lower_bound(levels.begin(), levels.end(), value);
  const auto high = std::upper_bound(levels.begin(), levels.end(), value);
  // Level k (1-based) sits at index k - 1.
  const auto first = static_cast<double>(low - levels.begin()) + 1;
  double percentile = 0;
  if (low != high) {
    // The value equals one or more levels: the middle of them.
    percentile = (first + static_cast<double>(high - levels.begin())) / 2;
  } else if (low == levels.begin()) {
    percentile = 1;
  } else if (low == levels.end()) {
    percentile = kPercentileLevels;
  } else {
    const double below = *(low - 1);
    percentile = (first - 1) + (value - below) / (*low - below);
  }
  return std::clamp(percentile, 1.0, static_cast<double>(kPercentileLevels));
}

DailyClimatology ExpandClimatology(const DayOfYearClimatology& climatology, long long first_day,
                                   std::size_t count) {
  DailyClimatology out;
  out.seas.resize(count);
  out.thresh.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const core::CivilDate date = core::CivilDateFromDays(first_day + static_cast<long long>(i));
    const auto index = static_cast<std::size_t>(LeapDayOfYear(date.month, date.day) - 1);
    out.seas[i] = climatology.seas.at(index);
    out.thresh[i] = climatology.thresh.at(index);
  }
  return out;
}

}  // namespace ocean::science
