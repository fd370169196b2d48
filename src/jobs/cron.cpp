#include "jobs/cron.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <chrono>
#include <span>
#include <stdexcept>
#include <vector>

#include "core/time.hpp"

namespace ocean::jobs {
namespace {

constexpr core::EpochMs kMsPerMinute = 60'000;
// The Gregorian calendar, weekdays included, repeats every 400 years, so a search that covers
// one cycle either finds a match or proves there is none.
constexpr long long kGregorianCycleDays = 146'097;

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kWeekdayNames = {"SUN", "MON", "TUE", "WED",
                                                           "THU", "FRI", "SAT"};

struct FieldSpec {
  std::string_view name;
  int min = 0;
  int max = 0;
  std::span<const std::string_view> names;  // names[i] stands for min_named + i
  int min_named = 0;
};

constexpr FieldSpec kMinuteField{"minute", 0, 59, {}, 0};
constexpr FieldSpec kHourField{"hour", 0, 23, {}, 0};
constexpr FieldSpec kDayOfMonthField{"day-of-month", 1, 31, {}, 0};
constexpr FieldSpec kMonthField{"month", 1, 12, kMonthNames, 1};
constexpr FieldSpec kDayOfWeekField{"day-of-week", 0, 7, kWeekdayNames, 0};

class FieldParser {
 public:
  FieldParser(std::string_view expression, const FieldSpec& field)
      : expression_(expression), field_(field) {}

  std::uint64_t Parse(std::string_view text) const {
    std::uint64_t mask = 0;
    std::size_t begin = 0;
    while (true) {
      const std::size_t comma = text.find(',', begin);
      const std::string_view element = text.substr(begin, comma - begin);
      mask |= ParseElement(element);
      if (comma == std::string_view::npos) break;
      begin = comma + 1;
    }
    return mask;
  }

 private:
  [[noreturn]] void Fail(std::string_view problem) const {
    throw std::invalid_argument(fmt::format("invalid cron expression \"{}\": {} field: {}",
                                            expression_, field_.name, problem));
  }

  std::uint64_t ParseElement(std::string_view element) const {
    if (element.empty()) Fail("empty list element");
    const std::size_t slash = element.find('/');
    const std::string_view base = element.substr(0, slash);
    int low = field_.min;
    int high = field_.max;
    if (base != "*") {
      const std::size_t dash = base.find('-');
      if (dash != std::string_view::npos) {
        low = ParseValue(base.substr(0, dash));
        high = ParseValue(base.substr(dash + 1));
        if (low > high) Fail(fmt::format("range \"{}\" runs backwards", base));
      } else {
        low = high = ParseValue(base);
        // Vixie cron rejects "5/10" too; its meaning ("from 5 on"?) is not obvious to readers.
        if (slash != std::string_view::npos) {
          Fail(fmt::format("step in \"{}\" needs '*' or a range before it", element));
        }
      }
    }
    int step = 1;
    if (slash != std::string_view::npos) step = ParseStep(element.substr(slash + 1));
    std::uint64_t mask = 0;
    for (int value = low; value <= high; value += step) mask |= std::uint64_t{1} << value;
    return mask;
  }

  int ParseStep(std::string_view text) const {
    const int span = field_.max - field_.min + 1;
    const auto step = ParseNumber(text);
    if (!step || *step < 1 || *step > span) {
      Fail(fmt::format("bad step \"{}\" (expected a number from 1 to {})", text, span));
    }
    return *step;
  }

  int ParseValue(std::string_view token) const {
    if (token.empty()) Fail("missing value");
    int value = 0;
    if (const auto number = ParseNumber(token)) {
      value = *number;
    } else if (const auto named = ParseName(token)) {
      value = *named;
    } else if (field_.names.empty()) {
      Fail(fmt::format("expected a number, got \"{}\"", token));
    } else {
      Fail(fmt::format("unknown name \"{}\" (expected a number or {}-{})", token,
                       field_.names.front(), field_.names.back()));
    }
    if (value < field_.min || value > field_.max) {
      Fail(fmt::format("value {} out of range {}-{}", value, field_.min, field_.max));
    }
    return value;
  }

  static std::optional<int> ParseNumber(std::string_view token) {
    int value = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (token.empty() || ec != std::errc{} || end != token.data() + token.size()) {
      return std::nullopt;
    }
    return value;
  }

  std::optional<int> ParseName(std::string_view token) const {
    for (std::size_t i = 0; i < field_.names.size(); ++i) {
      const std::string_view name = field_.names[i];
      if (token.size() != name.size()) continue;
      bool equal = true;
      for (std::size_t j = 0; j < name.size() && equal; ++j) {
        const char c = token[j];
        equal = (c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c) == name[j];
      }
      if (equal) return field_.min_named + static_cast<int>(i);
    }
    return std::nullopt;
  }

  std::string_view expression_;
  const FieldSpec& field_;
};

std::vector<std::string_view> SplitFields(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
    const std::size_t begin = pos;
    while (pos < text.size() && text[pos] != ' ' && text[pos] != '\t') ++pos;
    if (pos > begin) fields.push_back(text.substr(begin, pos - begin));
  }
  return fields;
}

long long FloorDiv(long long a, long long b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

bool Has(std::uint64_t mask, unsigned value) { return ((mask >> value) & 1U) != 0; }

}  // namespace

CronSchedule CronSchedule::Parse(std::string_view expression) {
  const std::vector<std::string_view> fields = SplitFields(expression);
  if (fields.size() != 5) {
    throw std::invalid_argument(fmt::format(
        "invalid cron expression \"{}\": expected 5 fields (minute hour day-of-month month "
        "day-of-week), got {}",
        expression, fields.size()));
  }
  CronSchedule schedule;
  schedule.minutes_ = FieldParser(expression, kMinuteField).Parse(fields[0]);
  schedule.hours_ = FieldParser(expression, kHourField).Parse(fields[1]);
  schedule.days_of_month_ = FieldParser(expression, kDayOfMonthField).Parse(fields[2]);
  schedule.months_ = FieldParser(expression, kMonthField).Parse(fields[3]);
  schedule.days_of_week_ = FieldParser(expression, kDayOfWeekField).Parse(fields[4]);
  // 7 is Sunday's second spelling; fold it so the weekday lookup needs only 0-6.
  if (Has(schedule.days_of_week_, 7)) {
    schedule.days_of_week_ = (schedule.days_of_week_ & ~(std::uint64_t{1} << 7)) | 1U;
  }
  schedule.dom_restricted_ = fields[2].front() != '*';
  schedule.dow_restricted_ = fields[4].front() != '*';
  schedule.text_ =
      fmt::format("{} {} {} {} {}", fields[0], fields[1], fields[2], fields[3], fields[4]);

  // Only a day-of-month that no selected month has ("30 2", "31 4,6") can make this fail.
  if (!schedule.FindFrom(core::DaysFromCivil(2000, 1, 1) * core::kMsPerDay)) {
    throw std::invalid_argument(fmt::format(
        "invalid cron expression \"{}\": day-of-month field: no such day in the selected "
        "month(s), so it would never run",
        expression));
  }
  return schedule;
}

core::EpochMs CronSchedule::NextAfter(core::EpochMs t) const {
  const core::EpochMs start = (FloorDiv(t, kMsPerMinute) + 1) * kMsPerMinute;
  if (const auto next = FindFrom(start)) return *next;
  // Parse proved a match exists within every 400-year cycle.
  throw std::logic_error("cron schedule \"" + text_ + "\" has no next run");
}

std::string CronSchedule::ToString() const { return text_; }

bool CronSchedule::DayMatches(unsigned day_of_month, unsigned day_of_week) const {
  const bool dom = Has(days_of_month_, day_of_month);
  const bool dow = Has(days_of_week_, day_of_week);
  return dom_restricted_ && dow_restricted_ ? dom || dow : dom && dow;
}

std::optional<core::EpochMs> CronSchedule::FindFrom(core::EpochMs start_ms) const {
  long long day = FloorDiv(start_ms, core::kMsPerDay);
  auto minute_of_day = static_cast<int>((start_ms - day * core::kMsPerDay) / kMsPerMinute);
  const long long end_day = day + kGregorianCycleDays + 1;
  while (day <= end_day) {
    const std::chrono::sys_days date{std::chrono::days{day}};
    const std::chrono::year_month_day ymd{date};
    if (!Has(months_, static_cast<unsigned>(ymd.month()))) {
      const std::chrono::year_month_day next_month =
          std::chrono::year_month_day{ymd.year(), ymd.month(), std::chrono::day{1}} +
          std::chrono::months{1};
      day = std::chrono::sys_days{next_month}.time_since_epoch().count();
      minute_of_day = 0;
      continue;
    }
    if (DayMatches(static_cast<unsigned>(ymd.day()), std::chrono::weekday{date}.c_encoding())) {
      for (int hour = minute_of_day / 60; hour < 24; ++hour) {
        if (!Has(hours_, static_cast<unsigned>(hour))) continue;
        const int first_minute = hour == minute_of_day / 60 ? minute_of_day % 60 : 0;
        for (int minute = first_minute; minute < 60; ++minute) {
          if (Has(minutes_, static_cast<unsigned>(minute))) {
            return day * core::kMsPerDay + (hour * 60LL + minute) * kMsPerMinute;
          }
        }
      }
    }
    ++day;
    minute_of_day = 0;
  }
  return std::nullopt;
}

}  // namespace ocean::jobs
