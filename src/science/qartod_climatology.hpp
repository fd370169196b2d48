// The QARTOD climatology test as ioos_qc's ClimatologyConfig applies it: a list of members, each
// a time span (absolute, or in a calendar period such as month or dayofyear) with the values
// expected then. Depth (zspan) is not supported: our series carry no depth.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "science/qartod.hpp"

namespace ocean::science {

// The pandas Timestamp attributes ioos_qc can compare a member's tspan with, evaluated in UTC.
enum class ClimatologyPeriod {
  kYear,
  kQuarter,     // 1-4
  kMonth,       // 1-12
  kWeekOfYear,  // ISO 8601 week, 1-53 ("week" and "weekofyear")
  kDayOfYear,   // 1-366 ("dayofyear", "day_of_year")
  kDay,         // day of the month, 1-31
  kDayOfWeek,   // Monday 0 - Sunday 6 ("dayofweek", "day_of_week", "weekday")
  kHour,
  kMinute,
  kSecond,
  kMicrosecond,  // within the second; our times have millisecond precision
  kDaysInMonth,  // 28-31 ("days_in_month", "daysinmonth")
};
// nullopt for a name ioos_qc does not accept or we do not support (e.g. "season").
std::optional<ClimatologyPeriod> ParseClimatologyPeriod(std::string_view name);
// The period's value at a UTC instant, as pandas computes it.
long long PeriodValue(ClimatologyPeriod period, core::EpochMs time);

struct ClimatologyMember {
  std::optional<ClimatologyPeriod> period;  // absent: tspan is absolute time
  Span tspan;                               // period units; epoch milliseconds without a period
  Span vspan;                               // outside: suspect
  std::optional<Span> fspan;                // outside: fail
};

// Every point starts not evaluated (missing if its value is); each member, in order, flags the
// points whose time lies in its tspan (bounds included): fail outside fspan, suspect outside
// vspan, pass otherwise. A later member overwrites an earlier one.
Flags ClimatologyTest(std::span<const ClimatologyMember> members, std::span<const double> values,
                      std::span<const core::EpochMs> times);

}  // namespace ocean::science
