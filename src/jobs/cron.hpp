// Five-field cron expressions ("minute hour day-of-month month day-of-week"), evaluated in UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/types.hpp"

namespace ocean::jobs {

// Supports `*`, lists `a,b`, ranges `a-b`, steps `*/n` and `a-b/n`, month names JAN-DEC and
// weekday names SUN-SAT (case-insensitive), and 7 as a second Sunday. Day-of-month and
// day-of-week follow Vixie cron: when both are restricted a day matches if EITHER matches; a
// field counts as unrestricted when it begins with `*` (so `*/2` does, as in Vixie and cronie).
class CronSchedule {
 public:
  // Throws std::invalid_argument naming the offending field. Also rejects expressions that can
  // never fire (`0 0 30 2 *`), so NextAfter always has an answer.
  static CronSchedule Parse(std::string_view expression);

  // The first matching minute strictly after `t` (minute resolution, seconds are zero).
  core::EpochMs NextAfter(core::EpochMs t) const;

  // The expression with its fields separated by single spaces, as written otherwise.
  std::string ToString() const;

 private:
  CronSchedule() = default;

  // Bit v set when value v matches. Day-of-week uses 0-6 (Sunday = 0) after parsing.
  std::uint64_t minutes_ = 0;
  std::uint64_t hours_ = 0;
  std::uint64_t days_of_month_ = 0;
  std::uint64_t months_ = 0;
  std::uint64_t days_of_week_ = 0;
  bool dom_restricted_ = false;
  bool dow_restricted_ = false;
  std::string text_;

  bool DayMatches(unsigned day_of_month, unsigned day_of_week) const;
  // Searches from `start_ms` (a minute boundary) for at most one Gregorian cycle.
  std::optional<core::EpochMs> FindFrom(core::EpochMs start_ms) const;
};

}  // namespace ocean::jobs
