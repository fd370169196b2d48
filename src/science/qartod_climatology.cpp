#include "science/qartod_climatology.hpp"

#include <fmt/format.h>

#include <cmath>
#include <utility>

#include "core/time.hpp"

namespace ocean::science {
namespace {

using core::EpochMs;
using core::QualityFlag;

constexpr EpochMs kMsPerSecond = 1000;

long long FloorDiv(long long a, long long b) {
  const long long q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

bool IsLeap(long long year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// Monday 0 - Sunday 6; 1970-01-01 was a Thursday.
long long DayOfWeek(long long days) { return ((days + 3) % 7 + 7) % 7; }

long long DayOfYear(long long days) {
  const core::CivilDate date = core::CivilDateFromDays(days);
  return days - core::DaysFromCivil(date.year, 1, 1) + 1;
}

// ISO 8601: the week holding the year's first Thursday is week 1; a day belongs to the week
// (and week-year) of its week's Thursday.
long long IsoWeek(long long days) {
  const long long thursday = days - DayOfWeek(days) + 3;
  return (DayOfYear(thursday) - 1) / 7 + 1;
}

long long DaysInMonth(const core::CivilDate& date) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return date.month == 2 && IsLeap(date.year) ? 29 : kDays[date.month - 1];
}

}  // namespace

std::optional<ClimatologyPeriod> ParseClimatologyPeriod(std::string_view name) {
  static constexpr std::pair<std::string_view, ClimatologyPeriod> kNames[] = {
      {"year", ClimatologyPeriod::kYear},
      {"quarter", ClimatologyPeriod::kQuarter},
      {"month", ClimatologyPeriod::kMonth},
      {"week", ClimatologyPeriod::kWeekOfYear},
      {"weekofyear", ClimatologyPeriod::kWeekOfYear},
      {"dayofyear", ClimatologyPeriod::kDayOfYear},
      {"day_of_year", ClimatologyPeriod::kDayOfYear},
      {"day", ClimatologyPeriod::kDay},
      {"dayofweek", ClimatologyPeriod::kDayOfWeek},
      {"day_of_week", ClimatologyPeriod::kDayOfWeek},
      {"weekday", ClimatologyPeriod::kDayOfWeek},
      {"hour", ClimatologyPeriod::kHour},
      {"minute", ClimatologyPeriod::kMinute},
      {"second", ClimatologyPeriod::kSecond},
      {"microsecond", ClimatologyPeriod::kMicrosecond},
      {"days_in_month", ClimatologyPeriod::kDaysInMonth},
      {"daysinmonth", ClimatologyPeriod::kDaysInMonth},
  };
  for (const auto& [text, period] : kNames) {
    if (text == name) return period;
  }
  return std::nullopt;
}

long long PeriodValue(ClimatologyPeriod period, EpochMs time) {
  const long long days = FloorDiv(time, core::kMsPerDay);
  const long long ms_of_day = time - days * core::kMsPerDay;
  const core::CivilDate date = core::CivilDateFromDays(days);
  switch (period) {
    case ClimatologyPeriod::kYear:
      return date.year;
    case ClimatologyPeriod::kQuarter:
      return (date.month - 1) / 3 + 1;
    case ClimatologyPeriod::kMonth:
      return date.month;
    case ClimatologyPeriod::kWeekOfYear:
      return IsoWeek(days);
    case ClimatologyPeriod::kDayOfYear:
      return DayOfYear(days);
    case ClimatologyPeriod::kDay:
      return date.day;
    case ClimatologyPeriod::kDayOfWeek:
      return DayOfWeek(days);
    case ClimatologyPeriod::kHour:
      return ms_of_day / (3600 * kMsPerSecond);
    case ClimatologyPeriod::kMinute:
      return ms_of_day / (60 * kMsPerSecond) % 60;
    case ClimatologyPeriod::kSecond:
      return ms_of_day / kMsPerSecond % 60;
    case ClimatologyPeriod::kMicrosecond:
      return ms_of_day % kMsPerSecond * 1000;
    case ClimatologyPeriod::kDaysInMonth:
      return DaysInMonth(date);
  }
  return 0;
}

Flags ClimatologyTest(std::span<const ClimatologyMember> members, std::span<const double> values,
                      std::span<const EpochMs> times) {
  if (values.size() != times.size()) {
    throw QcError(
        fmt::format("climatology_test: {} values but {} times", values.size(), times.size()));
  }
  Flags flags(values.size(), QualityFlag::kNotEvaluated);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) flags[i] = QualityFlag::kMissing;
  }
  for (const ClimatologyMember& member : members) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const double v = values[i];
      // ioos_qc leaves out NaN only (its depth filter is ~isnan); ±inf is judged as a number.
      if (std::isnan(v)) continue;
      const double t = member.period ? static_cast<double>(PeriodValue(*member.period, times[i]))
                                     : static_cast<double>(times[i]);
      if (t < member.tspan.min || t > member.tspan.max) continue;
      const bool fail = member.fspan && (v < member.fspan->min || v > member.fspan->max);
      const bool suspect = v < member.vspan.min || v > member.vspan.max;
      flags[i] = fail ? QualityFlag::kBad : suspect ? QualityFlag::kSuspect : QualityFlag::kGood;
    }
  }
  return flags;
}

}  // namespace ocean::science
