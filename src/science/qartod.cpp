#include "science/qartod.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

namespace ocean::science {
namespace {

using core::EpochMs;
using core::QualityFlag;

bool IsMissing(double value) { return !std::isfinite(value); }

void RequireSameLength(std::span<const double> values, std::span<const EpochMs> times,
                       const char* test) {
  if (values.size() != times.size()) {
    throw QcError(fmt::format("{}: {} values but {} times", test, values.size(), times.size()));
  }
}

// numpy casts timedelta64[ns] to [s] by flooring, also for negative steps.
long long FloorDiv(long long a, long long b) {
  const long long q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Lower number, lower precedence: the order in which qartod_compare overwrites.
int Precedence(QualityFlag flag) {
  switch (flag) {
    case QualityFlag::kMissing:
      return 0;
    case QualityFlag::kNotEvaluated:
      return 1;
    case QualityFlag::kGood:
      return 2;
    case QualityFlag::kSuspect:
      return 3;
    case QualityFlag::kBad:
      return 4;
  }
  return 0;
}

// The spike statistic per point; nullopt where numpy masks it (a missing neighbour, or an
// intermediate that is not finite).
std::vector<std::optional<double>> SpikeAverage(std::span<const double> x) {
  std::vector<std::optional<double>> diff(x.size());
  for (std::size_t i = 1; i + 1 < x.size(); ++i) {
    if (IsMissing(x[i - 1]) || IsMissing(x[i + 1]) || IsMissing(x[i])) continue;
    const double sum = x[i - 1] + x[i + 1];
    // numpy's masked division masks where |a| * tiny >= |b|, and masked_invalid masks inf.
    if (std::abs(sum) * std::numeric_limits<double>::min() >= 2.0) continue;
    const double ref = sum / 2.0;
    if (!std::isfinite(ref)) continue;
    diff[i] = std::abs(x[i] - ref);
  }
  return diff;
}

std::vector<std::optional<double>> SpikeDifferential(std::span<const double> x) {
  std::vector<std::optional<double>> diff(x.size());
  for (std::size_t i = 1; i + 1 < x.size(); ++i) {
    if (IsMissing(x[i - 1]) || IsMissing(x[i]) || IsMissing(x[i + 1])) continue;
    const double before = x[i] - x[i - 1];
    const double after = x[i + 1] - x[i];
    // Only a reversal is a spike; a step that keeps going (or stops) scores zero.
    const double value = before * after >= 0 ? 0.0 : std::min(std::abs(before), std::abs(after));
    if (std::isfinite(value)) diff[i] = value;
  }
  return diff;
}

// The window size in samples for one flat-line threshold, as ioos_qc computes it:
// int(threshold) / median step in seconds, truncated.
long long FlatLineCount(double threshold, double step_seconds, const char* name) {
  const double count = std::trunc(std::trunc(threshold) / step_seconds);
  if (!std::isfinite(count) || count < 0) {
    throw QcError(fmt::format(
        "flat_line_test.{}: {} s over the median time step of {} s is not a usable window "
        "(ioos_qc fails here too: the times repeat or run backwards)",
        name, threshold, step_seconds));
  }
  // Any count past the series' length flags nothing; capping keeps the conversion defined.
  constexpr double kMaxCount = 1e15;
  return static_cast<long long>(std::min(count, kMaxCount));
}

// Points j >= count whose window x[j-count .. j] has a finite range below tolerance. Sliding
// minimum and maximum over the finite values, so long windows stay linear.
void FlagFlatWindows(std::span<const double> x, long long count, double tolerance, QualityFlag flag,
                     Flags& flags) {
  const auto n = static_cast<long long>(x.size());
  if (count >= n) return;
  std::deque<long long> lows;
  std::deque<long long> highs;
  for (long long j = 0; j < n; ++j) {
    if (!IsMissing(x[j])) {
      while (!lows.empty() && x[lows.back()] >= x[j]) lows.pop_back();
      lows.push_back(j);
      while (!highs.empty() && x[highs.back()] <= x[j]) highs.pop_back();
      highs.push_back(j);
    }
    const long long first = j - count;
    while (!lows.empty() && lows.front() < first) lows.pop_front();
    while (!highs.empty() && highs.front() < first) highs.pop_front();
    if (first < 0 || lows.empty()) continue;
    if (std::abs(x[highs.front()] - x[lows.front()]) < tolerance) flags[j] = flag;
  }
}

}  // namespace

Span SortedSpan(double a, double b) { return a <= b ? Span{a, b} : Span{b, a}; }

Flags GrossRangeTest(std::span<const double> values, Span fail_span,
                     std::optional<Span> suspect_span) {
  if (suspect_span && (suspect_span->min < fail_span.min || suspect_span->max > fail_span.max)) {
    throw QcError(
        fmt::format("gross_range_test.suspect_span: [{}, {}] must fall within "
                    "fail_span [{}, {}]",
                    suspect_span->min, suspect_span->max, fail_span.min, fail_span.max));
  }
  Flags flags(values.size(), QualityFlag::kGood);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (IsMissing(v)) flags[i] = QualityFlag::kMissing;
    // NaN fails every comparison and stays missing; ±inf compares as ioos_qc's masked arrays do.
    if (suspect_span && (v < suspect_span->min || v > suspect_span->max)) {
      flags[i] = QualityFlag::kSuspect;
    }
    if (v < fail_span.min || v > fail_span.max) flags[i] = QualityFlag::kBad;
  }
  return flags;
}

Flags SpikeTest(std::span<const double> values, std::optional<double> suspect_threshold,
                std::optional<double> fail_threshold, SpikeMethod method) {
  const auto diff =
      method == SpikeMethod::kAverage ? SpikeAverage(values) : SpikeDifferential(values);
  const bool use_suspect = suspect_threshold && *suspect_threshold != 0.0;
  const bool use_fail = fail_threshold && *fail_threshold != 0.0;
  Flags flags(values.size(), QualityFlag::kGood);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (IsMissing(values[i])) {
      flags[i] = QualityFlag::kMissing;
    } else if (i == 0 || i + 1 == values.size() || !diff[i]) {
      flags[i] = QualityFlag::kNotEvaluated;
    } else {
      if (use_suspect && *diff[i] > *suspect_threshold) flags[i] = QualityFlag::kSuspect;
      if (use_fail && *diff[i] > *fail_threshold) flags[i] = QualityFlag::kBad;
    }
  }
  return flags;
}

Flags RateOfChangeTest(std::span<const double> values, std::span<const EpochMs> times,
                       double threshold, std::optional<double> fail_threshold) {
  RequireSameLength(values, times, "rate_of_change_test");
  Flags flags(values.size(), QualityFlag::kGood);
  for (std::size_t i = 0; i < values.size(); ++i) {
    double rate = 0.0;  // the first point has no previous one: a rate of zero
    if (i > 0) {
      const double change = values[i] - values[i - 1];
      const auto seconds = static_cast<double>(FloorDiv(times[i] - times[i - 1], 1000));
      const double quotient = change / seconds;
      // numpy's masked division keeps the numerator where it masks the quotient (a zero
      // step, a missing operand, an infinite result); ioos_qc then compares that number.
      const bool masked =
          std::isnan(change) || !std::isfinite(quotient) ||
          std::abs(change) * std::numeric_limits<double>::min() >= std::abs(seconds);
      rate = std::abs(masked ? change : quotient);
    }
    if (rate > threshold) flags[i] = QualityFlag::kSuspect;
    if (fail_threshold && rate > *fail_threshold) flags[i] = QualityFlag::kBad;
    if (IsMissing(values[i])) flags[i] = QualityFlag::kMissing;
  }
  return flags;
}

Flags FlatLineTest(std::span<const double> values, std::span<const EpochMs> times,
                   double suspect_threshold, double fail_threshold, double tolerance) {
  RequireSameLength(values, times, "flat_line_test");
  Flags flags(values.size(), QualityFlag::kGood);
  if (values.size() < 3) return flags;

  std::vector<EpochMs> steps(times.size() - 1);
  for (std::size_t i = 1; i < times.size(); ++i) steps[i - 1] = times[i] - times[i - 1];
  std::sort(steps.begin(), steps.end());
  const std::size_t mid = steps.size() / 2;
  // numpy's median of an even count is the mean of the middle two, then floored to seconds.
  const long long step_seconds = steps.size() % 2 == 1
                                     ? FloorDiv(steps[mid], 1000)
                                     : FloorDiv(steps[mid - 1] + steps[mid], 2000);
  const auto step = static_cast<double>(step_seconds);

  const long long suspect_count = FlatLineCount(suspect_threshold, step, "suspect_threshold");
  const long long fail_count = FlatLineCount(fail_threshold, step, "fail_threshold");
  FlagFlatWindows(values, suspect_count, tolerance, QualityFlag::kSuspect, flags);
  FlagFlatWindows(values, fail_count, tolerance, QualityFlag::kBad, flags);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (IsMissing(values[i])) flags[i] = QualityFlag::kMissing;
  }
  return flags;
}

Flags AggregateFlags(std::span<const Flags> tests) {
  if (tests.empty()) return {};
  const std::size_t size = tests.front().size();
  Flags result(size, QualityFlag::kMissing);
  for (const Flags& test : tests) {
    if (test.size() != size) throw QcError("aggregate: the tests' flag vectors differ in length");
    for (std::size_t i = 0; i < size; ++i) {
      if (Precedence(test[i]) > Precedence(result[i])) result[i] = test[i];
    }
  }
  return result;
}

}  // namespace ocean::science
