#include "jobs/cron.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "core/time.hpp"

namespace ocean::jobs {
namespace {

using ::testing::HasSubstr;

core::EpochMs At(std::string_view text) {
  const auto ms = core::ParseTimestamp(text);
  if (!ms) throw std::invalid_argument("bad test timestamp");
  return *ms;
}

std::string Next(std::string_view expression, std::string_view after) {
  return core::FormatTimestamp(CronSchedule::Parse(expression).NextAfter(At(after)));
}

// The message Parse throws, or "" when it accepts the expression.
std::string ParseError(std::string_view expression) {
  try {
    CronSchedule::Parse(expression);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

struct NextCase {
  std::string_view expression;
  std::string_view after;
  std::string_view expected;  // the first run strictly after `after`
};

constexpr NextCase kNextCases[] = {
    // Every six hours.
    {"0 */6 * * *", "2026-03-10T05:59:59Z", "2026-03-10T06:00:00Z"},
    // Strictly after: a time exactly on a slot moves to the next slot.
    {"0 */6 * * *", "2026-03-10T06:00:00Z", "2026-03-10T12:00:00Z"},
    {"0 */6 * * *", "2026-03-10T18:00:00Z", "2026-03-11T00:00:00Z"},
    // Daily.
    {"30 3 * * *", "2026-03-10T03:29:00Z", "2026-03-10T03:30:00Z"},
    {"30 3 * * *", "2026-03-10T03:30:00.001Z", "2026-03-11T03:30:00Z"},
    // Every fifteen minutes.
    {"*/15 * * * *", "2026-03-10T10:07:00Z", "2026-03-10T10:15:00Z"},
    {"*/15 * * * *", "2026-03-10T10:45:30Z", "2026-03-10T11:00:00Z"},
    // Minute resolution.
    {"* * * * *", "2026-03-10T10:00:00.500Z", "2026-03-10T10:01:00Z"},
    {"* * * * *", "2026-03-10T10:00:59.999Z", "2026-03-10T10:01:00Z"},
    // Lists.
    {"0 8,12,17 * * *", "2026-03-10T08:00:00Z", "2026-03-10T12:00:00Z"},
    {"0 8,12,17 * * *", "2026-03-10T17:00:00Z", "2026-03-11T08:00:00Z"},
    {"5,50 * * * *", "2026-03-10T10:06:00Z", "2026-03-10T10:50:00Z"},
    // Ranges and range steps (2026-03-13 is a Friday).
    {"0 9-17 * * MON-FRI", "2026-03-13T16:30:00Z", "2026-03-13T17:00:00Z"},
    {"0 9-17 * * MON-FRI", "2026-03-13T17:00:00Z", "2026-03-16T09:00:00Z"},
    {"0-30/10 * * * *", "2026-03-10T10:00:00Z", "2026-03-10T10:10:00Z"},
    {"0-30/10 * * * *", "2026-03-10T10:30:00Z", "2026-03-10T11:00:00Z"},
    // Names are case-insensitive, and 7 is Sunday (2026-03-15 is a Sunday).
    {"0 12 * * 7", "2026-03-10T00:00:00Z", "2026-03-15T12:00:00Z"},
    {"0 12 * * sun", "2026-03-10T00:00:00Z", "2026-03-15T12:00:00Z"},
    {"0 12 * * 5-7", "2026-03-13T12:00:00Z", "2026-03-14T12:00:00Z"},
    {"0 12 * * 5-7", "2026-03-14T12:00:00Z", "2026-03-15T12:00:00Z"},
    {"0 0 1 jan,Jul *", "2026-03-10T00:00:00Z", "2026-07-01T00:00:00Z"},
    {"0 0 1 JAN,JUL *", "2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z"},
    // Day of month or day of week when both are restricted: the 13th, or any Friday (Friday
    // the 6th comes first).
    {"0 0 13 * FRI", "2026-03-01T00:00:00Z", "2026-03-06T00:00:00Z"},
    {"0 0 13 * FRI", "2026-03-06T00:00:00Z", "2026-03-13T00:00:00Z"},
    {"0 0 13 * FRI", "2026-03-27T00:00:00Z", "2026-04-03T00:00:00Z"},
    {"0 0 13,14 * FRI", "2026-03-13T00:00:00Z", "2026-03-14T00:00:00Z"},
    // A starred day field leaves the other alone.
    {"0 0 13 * *", "2026-03-01T00:00:00Z", "2026-03-13T00:00:00Z"},
    {"0 0 * * FRI", "2026-03-07T00:00:00Z", "2026-03-13T00:00:00Z"},
    // Vixie cron: a field beginning with '*' is unrestricted for this rule, so this is AND:
    // an odd day of the month (*/2 starts at 1) that is also a Friday.
    {"0 0 */2 * FRI", "2026-03-01T00:00:00Z", "2026-03-13T00:00:00Z"},
    // February 29 waits for a leap year.
    {"0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z"},
    {"0 0 29 2 *", "2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"},
    // 2100 is not a leap year.
    {"0 0 29 2 *", "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z"},
    // Month and year rollovers.
    {"0 0 31 * *", "2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z"},
    {"0 0 1 * *", "2026-12-15T00:00:00Z", "2027-01-01T00:00:00Z"},
    {"* * * * *", "2026-12-31T23:59:30Z", "2027-01-01T00:00:00Z"},
    {"59 23 * * *", "2026-02-28T23:59:00Z", "2026-03-01T23:59:00Z"},
    {"0 0 30 * *", "2026-01-30T00:00:00Z", "2026-03-30T00:00:00Z"},
    // Before the epoch.
    {"0 0 * * *", "1969-12-31T12:00:00Z", "1970-01-01T00:00:00Z"},
};

TEST(CronTest, NextAfter) {
  for (const auto& c : kNextCases) {
    EXPECT_EQ(Next(c.expression, c.after), c.expected) << c.expression << " after " << c.after;
  }
}

TEST(CronTest, ToStringNormalizesSpacing) {
  EXPECT_EQ(CronSchedule::Parse("  0\t*/6  * * *  ").ToString(), "0 */6 * * *");
  EXPECT_EQ(CronSchedule::Parse("30 3 * * MON-FRI").ToString(), "30 3 * * MON-FRI");
}

struct RejectCase {
  std::string_view expression;
  std::string_view message_part;  // of the message Parse throws
};

constexpr RejectCase kRejectCases[] = {
    // Wrong field count.
    {"", "expected 5 fields"},
    {"0 * * *", "got 4"},
    {"0 * * * * *", "got 6"},
    // Out-of-range values.
    {"60 * * * *", "minute field: value 60 out of range 0-59"},
    {"* 24 * * *", "hour field"},
    {"0 0 0 * *", "day-of-month field"},
    {"0 0 32 * *", "day-of-month field"},
    {"0 0 * 13 *", "month field"},
    {"0 0 * * 8", "day-of-week field"},
    {"0 0 * * -1", "day-of-week field: missing value"},
    // Bad steps.
    {"*/0 * * * *", "minute field: bad step \"0\""},
    {"*/x * * * *", "bad step \"x\""},
    {"*/ * * * *", "bad step"},
    {"0 */25 * * *", "hour field: bad step"},
    {"5/10 * * * *", "needs '*' or a range"},
    {"*/5/2 * * * *", "bad step"},
    // Bad names and syntax.
    {"0 0 * FOO *", "month field: unknown name \"FOO\""},
    {"0 0 * * FUNDAY", "day-of-week field: unknown name"},
    {"0 0 * * JAN", "day-of-week field"},
    {"MON * * * *", "minute field: expected a number"},
    {"0 0 * * MON-", "missing value"},
    {"1,,2 * * * *", "empty list element"},
    {"10-5 * * * *", "runs backwards"},
    {"99999999999 * * * *", "minute field"},
};

TEST(CronTest, RejectsBadExpressions) {
  for (const auto& c : kRejectCases) {
    EXPECT_THAT(ParseError(c.expression), HasSubstr(std::string(c.message_part))) << c.expression;
  }
}

TEST(CronTest, RejectsDaysThatNeverOccur) {
  EXPECT_THAT(ParseError("0 0 30 2 *"), HasSubstr("never run"));
  EXPECT_THAT(ParseError("0 0 31 APR,JUN *"), HasSubstr("day-of-month field"));
  // Either-or with a weekday always has a day.
  EXPECT_EQ(ParseError("0 0 30 2 MON"), "");
}

}  // namespace
}  // namespace ocean::jobs
