#include "core/time.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>

namespace ocean::core {
namespace {

bool IsLeap(long long year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned DaysInMonth(long long year, unsigned month) {
  static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

// Reads exactly `width` digits at `pos`; advances pos.
std::optional<int> Digits(std::string_view text, std::size_t& pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += width;
  return value;
}

bool Expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

void CivilFromDays(long long z, long long& year, unsigned& month, unsigned& day) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long y = static_cast<long long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = y + (month <= 2 ? 1 : 0);
}

}  // namespace

CivilDate CivilDateFromDays(long long days) {
  CivilDate date;
  CivilFromDays(days, date.year, date.month, date.day);
  return date;
}

long long DaysFromCivil(long long year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const long long era = (year >= 0 ? year : year - 399) / 400;
  const auto yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

std::optional<EpochMs> ParseTimestamp(std::string_view text) {
  std::size_t pos = 0;
  const auto year = Digits(text, pos, 4);
  if (!year || !Expect(text, pos, '-')) return std::nullopt;
  const auto month = Digits(text, pos, 2);
  if (!month || !Expect(text, pos, '-')) return std::nullopt;
  const auto day = Digits(text, pos, 2);
  if (!day || *month < 1 || *month > 12 || *day < 1 ||
      static_cast<unsigned>(*day) > DaysInMonth(*year, static_cast<unsigned>(*month))) {
    return std::nullopt;
  }
  const long long days =
      DaysFromCivil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  if (pos == text.size()) return days * kMsPerDay;  // date only: midnight UTC

  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
  ++pos;
  const auto hour = Digits(text, pos, 2);
  if (!hour || !Expect(text, pos, ':')) return std::nullopt;
  const auto minute = Digits(text, pos, 2);
  if (!minute || !Expect(text, pos, ':')) return std::nullopt;
  const auto second = Digits(text, pos, 2);
  if (!second || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;

  long long millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (std::size_t i = digits; i < 3; ++i) millis *= 10;
  }

  long long offset_minutes = 0;
  if (pos >= text.size()) return std::nullopt;  // RFC 3339 requires an offset
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    const auto off_h = Digits(text, pos, 2);
    if (!off_h || !Expect(text, pos, ':')) return std::nullopt;
    const auto off_m = Digits(text, pos, 2);
    if (!off_m || *off_h > 23 || *off_m > 59) return std::nullopt;
    offset_minutes = sign * (*off_h * 60LL + *off_m);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  const long long seconds =
      days * 86400LL + *hour * 3600LL + *minute * 60LL + *second - offset_minutes * 60LL;
  return seconds * 1000LL + millis;
}

std::size_t FormatTimestampTo(EpochMs ms, char (&buffer)[kMaxTimestampChars]) {
  long long days = ms / kMsPerDay;
  long long rem = ms % kMsPerDay;
  if (rem < 0) {
    rem += kMsPerDay;
    --days;
  }
  const long long secs = rem / 1000;
  const long long millis = rem % 1000;
  // Written digit by digit: this runs for every row of every page and series, and snprintf
  // was a measurable share of a 1,000-row page. Consecutive rows mostly share their day, so
  // each thread keeps the text of the last date it wrote (the calendar arithmetic was a
  // twentieth of the server's CPU for a page).
  constexpr std::size_t kDateChars = 10;  // YYYY-MM-DD
  thread_local long long last_days = std::numeric_limits<long long>::min();
  thread_local char last_date[kDateChars];
  if (days != last_days) {
    long long year = 0;
    unsigned month = 0;
    unsigned day = 0;
    CivilFromDays(days, year, month, day);
    if (year < 0 || year > 9999) {
      const auto written =
          fmt::format_to_n(buffer, kMaxTimestampChars, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                           year, month, day, secs / 3600, (secs / 60) % 60, secs % 60, millis);
      return std::min<std::size_t>(written.size, kMaxTimestampChars);
    }
    fmt::format_to(last_date, "{:04}-{:02}-{:02}", year, month, day);
    last_days = days;
  }
  char* p = std::copy_n(last_date, kDateChars, buffer);
  const auto put = [&p](long long value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
    p += width;
  };
  *p++ = 'T';
  put(secs / 3600, 2);
  *p++ = ':';
  put((secs / 60) % 60, 2);
  *p++ = ':';
  put(secs % 60, 2);
  if (millis != 0) {
    *p++ = '.';
    put(millis, 3);
  }
  *p++ = 'Z';
  return static_cast<std::size_t>(p - buffer);
}

std::string FormatTimestamp(EpochMs ms) {
  char buffer[kMaxTimestampChars];
  return std::string(buffer, FormatTimestampTo(ms, buffer));
}

}  // namespace ocean::core
