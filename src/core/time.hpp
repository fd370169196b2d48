// RFC 3339 timestamps <-> epoch milliseconds. Pure functions; no locale, no time zone database.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/types.hpp"

namespace ocean::core {

// Accepts "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)" ('t'/'z'/' ' accepted as RFC 3339
// allows). Fractions beyond milliseconds are truncated toward the earlier instant. Rejects
// impossible dates (2026-02-30), hours > 23 and leap seconds (":60" is rare and no source
// emits it). Also accepts a plain date "YYYY-MM-DD" as midnight UTC, which users type in URLs.
std::optional<EpochMs> ParseTimestamp(std::string_view text);

// Always UTC with 'Z'; milliseconds shown only when non-zero: "2026-11-26T06:00:00Z",
// "2026-11-26T06:00:00.250Z".
std::string FormatTimestamp(EpochMs ms);
// The same text into `buffer`, without allocating; returns its length. Years outside 0-9999
// (a sign and up to 12 digits) still fit.
inline constexpr std::size_t kMaxTimestampChars = 40;
std::size_t FormatTimestampTo(EpochMs ms, char (&buffer)[kMaxTimestampChars]);

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
long long DaysFromCivil(long long year, unsigned month, unsigned day);

struct CivilDate {
  long long year = 1970;
  unsigned month = 1;  // 1-12
  unsigned day = 1;    // 1-31
};
// The inverse of DaysFromCivil.
CivilDate CivilDateFromDays(long long days);

constexpr EpochMs kMsPerDay = 86'400'000;

}  // namespace ocean::core
