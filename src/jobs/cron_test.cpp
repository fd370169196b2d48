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

TEST(CronTest, EverySixHours) {
  EXPECT_EQ(Next("0 */6 * * *", "2026-03-10T05:59:59Z"), "2026-03-10T06:00:00Z");
  // Strictly after: a time exactly on a slot moves to the next slot.
  EXPECT_EQ(Next("0 */6 * * *", "2026-03-10T06:00:00Z"), "2026-03-10T12:00:00Z");
  EXPECT_EQ(Next("0 */6 * * *", "2026-03-10T18:00:00Z"), "2026-03-11T00:00:00Z");
}

TEST(CronTest, Daily) {
  EXPECT_EQ(Next("30 3 * * *", "2026-03-10T03:29:00Z"), "2026-03-10T03:30:00Z");
  EXPECT_EQ(Next("30 3 * * *", "2026-03-10T03:30:00.001Z"), "2026-03-11T03:30:00Z");
}

TEST(CronTest, EveryFifteenMinutes) {
  EXPECT_EQ(Next("*/15 * * * *", "2026-03-10T10:07:00Z"), "2026-03-10T10:15:00Z");
  EXPECT_EQ(Next("*/15 * * * *", "2026-03-10T10:45:30Z"), "2026-03-10T11:00:00Z");
}

TEST(CronTest, MinuteResolution) {
  EXPECT_EQ(Next("* * * * *", "2026-03-10T10:00:00.500Z"), "2026-03-10T10:01:00Z");
  EXPECT_EQ(Next("* * * * *", "2026-03-10T10:00:59.999Z"), "2026-03-10T10:01:00Z");
}

TEST(CronTest, Lists) {
  EXPECT_EQ(Next("0 8,12,17 * * *", "2026-03-10T08:00:00Z"), "2026-03-10T12:00:00Z");
  EXPECT_EQ(Next("0 8,12,17 * * *", "2026-03-10T17:00:00Z"), "2026-03-11T08:00:00Z");
  EXPECT_EQ(Next("5,50 * * * *", "2026-03-10T10:06:00Z"), "2026-03-10T10:50:00Z");
}

TEST(CronTest, RangesAndRangeSteps) {
  // 2026-03-13 is a Friday.
  EXPECT_EQ(Next("0 9-17 * * MON-FRI", "2026-03-13T16:30:00Z"), "2026-03-13T17:00:00Z");
  EXPECT_EQ(Next("0 9-17 * * MON-FRI", "2026-03-13T17:00:00Z"), "2026-03-16T09:00:00Z");
  EXPECT_EQ(Next("0-30/10 * * * *", "2026-03-10T10:00:00Z"), "2026-03-10T10:10:00Z");
  EXPECT_EQ(Next("0-30/10 * * * *", "2026-03-10T10:30:00Z"), "2026-03-10T11:00:00Z");
}

TEST(CronTest, NamesAreCaseInsensitiveAndSevenIsSunday) {
  // 2026-03-15 is a Sunday.
  EXPECT_EQ(Next("0 12 * * 7", "2026-03-10T00:00:00Z"), "2026-03-15T12:00:00Z");
  EXPECT_EQ(Next("0 12 * * sun", "2026-03-10T00:00:00Z"), "2026-03-15T12:00:00Z");
  EXPECT_EQ(Next("0 12 * * 5-7", "2026-03-13T12:00:00Z"), "2026-03-14T12:00:00Z");
  EXPECT_EQ(Next("0 12 * * 5-7", "2026-03-14T12:00:00Z"), "2026-03-15T12:00:00Z");
  EXPECT_EQ(Next("0 0 1 jan,Jul *", "2026-03-10T00:00:00Z"), "2026-07-01T00:00:00Z");
  EXPECT_EQ(Next("0 0 1 JAN,JUL *", "2026-07-01T00:00:00Z"), "2027-01-01T00:00:00Z");
}

TEST(CronTest, DayOfMonthOrDayOfWeekWhenBothRestricted) {
  // The 13th, or any Friday: Friday the 6th comes first.
  EXPECT_EQ(Next("0 0 13 * FRI", "2026-03-01T00:00:00Z"), "2026-03-06T00:00:00Z");
  EXPECT_EQ(Next("0 0 13 * FRI", "2026-03-06T00:00:00Z"), "2026-03-13T00:00:00Z");
  EXPECT_EQ(Next("0 0 13 * FRI", "2026-03-27T00:00:00Z"), "2026-04-03T00:00:00Z");
  EXPECT_EQ(Next("0 0 13,14 * FRI", "2026-03-13T00:00:00Z"), "2026-03-14T00:00:00Z");
}

TEST(CronTest, StarredDayFieldMeansTheOtherAlone) {
  EXPECT_EQ(Next("0 0 13 * *", "2026-03-01T00:00:00Z"), "2026-03-13T00:00:00Z");
  EXPECT_EQ(Next("0 0 * * FRI", "2026-03-07T00:00:00Z"), "2026-03-13T00:00:00Z");
  // Vixie cron: a field beginning with '*' is unrestricted for this rule, so this is AND:
  // an odd day of the month (*/2 starts at 1) that is also a Friday.
  EXPECT_EQ(Next("0 0 */2 * FRI", "2026-03-01T00:00:00Z"), "2026-03-13T00:00:00Z");
}

TEST(CronTest, February29WaitsForALeapYear) {
  EXPECT_EQ(Next("0 0 29 2 *", "2026-03-01T00:00:00Z"), "2028-02-29T00:00:00Z");
  EXPECT_EQ(Next("0 0 29 2 *", "2028-02-29T00:00:00Z"), "2032-02-29T00:00:00Z");
  // 2100 is not a leap year.
  EXPECT_EQ(Next("0 0 29 2 *", "2096-03-01T00:00:00Z"), "2104-02-29T00:00:00Z");
}

TEST(CronTest, MonthAndYearRollovers) {
  EXPECT_EQ(Next("0 0 31 * *", "2026-03-31T00:00:00Z"), "2026-05-31T00:00:00Z");
  EXPECT_EQ(Next("0 0 1 * *", "2026-12-15T00:00:00Z"), "2027-01-01T00:00:00Z");
  EXPECT_EQ(Next("* * * * *", "2026-12-31T23:59:30Z"), "2027-01-01T00:00:00Z");
  EXPECT_EQ(Next("59 23 * * *", "2026-02-28T23:59:00Z"), "2026-03-01T23:59:00Z");
  EXPECT_EQ(Next("0 0 30 * *", "2026-01-30T00:00:00Z"), "2026-03-30T00:00:00Z");
}

TEST(CronTest, BeforeTheEpoch) {
  EXPECT_EQ(Next("0 0 * * *", "1969-12-31T12:00:00Z"), "1970-01-01T00:00:00Z");
}

TEST(CronTest, ToStringNormalizesSpacing) {
  EXPECT_EQ(CronSchedule::Parse("  0\t*/6  * * *  ").ToString(), "0 */6 * * *");
  EXPECT_EQ(CronSchedule::Parse("30 3 * * MON-FRI").ToString(), "30 3 * * MON-FRI");
}

TEST(CronTest, RejectsWrongFieldCount) {
  EXPECT_THAT(ParseError(""), HasSubstr("expected 5 fields"));
  EXPECT_THAT(ParseError("0 * * *"), HasSubstr("got 4"));
  EXPECT_THAT(ParseError("0 * * * * *"), HasSubstr("got 6"));
}

TEST(CronTest, RejectsOutOfRangeValues) {
  EXPECT_THAT(ParseError("60 * * * *"), HasSubstr("minute field: value 60 out of range 0-59"));
  EXPECT_THAT(ParseError("* 24 * * *"), HasSubstr("hour field"));
  EXPECT_THAT(ParseError("0 0 0 * *"), HasSubstr("day-of-month field"));
  EXPECT_THAT(ParseError("0 0 32 * *"), HasSubstr("day-of-month field"));
  EXPECT_THAT(ParseError("0 0 * 13 *"), HasSubstr("month field"));
  EXPECT_THAT(ParseError("0 0 * * 8"), HasSubstr("day-of-week field"));
  EXPECT_THAT(ParseError("0 0 * * -1"), HasSubstr("day-of-week field: missing value"));
}

TEST(CronTest, RejectsBadSteps) {
  EXPECT_THAT(ParseError("*/0 * * * *"), HasSubstr("minute field: bad step \"0\""));
  EXPECT_THAT(ParseError("*/x * * * *"), HasSubstr("bad step \"x\""));
  EXPECT_THAT(ParseError("*/ * * * *"), HasSubstr("bad step"));
  EXPECT_THAT(ParseError("0 */25 * * *"), HasSubstr("hour field: bad step"));
  EXPECT_THAT(ParseError("5/10 * * * *"), HasSubstr("needs '*' or a range"));
  EXPECT_THAT(ParseError("*/5/2 * * * *"), HasSubstr("bad step"));
}

TEST(CronTest, RejectsBadNamesAndSyntax) {
  EXPECT_THAT(ParseError("0 0 * FOO *"), HasSubstr("month field: unknown name \"FOO\""));
  EXPECT_THAT(ParseError("0 0 * * FUNDAY"), HasSubstr("day-of-week field: unknown name"));
  EXPECT_THAT(ParseError("0 0 * * JAN"), HasSubstr("day-of-week field"));
  EXPECT_THAT(ParseError("MON * * * *"), HasSubstr("minute field: expected a number"));
  EXPECT_THAT(ParseError("0 0 * * MON-"), HasSubstr("missing value"));
  EXPECT_THAT(ParseError("1,,2 * * * *"), HasSubstr("empty list element"));
  EXPECT_THAT(ParseError("10-5 * * * *"), HasSubstr("runs backwards"));
  EXPECT_THAT(ParseError("99999999999 * * * *"), HasSubstr("minute field"));
}

TEST(CronTest, RejectsDaysThatNeverOccur) {
  EXPECT_THAT(ParseError("0 0 30 2 *"), HasSubstr("never run"));
  EXPECT_THAT(ParseError("0 0 31 APR,JUN *"), HasSubstr("day-of-month field"));
  // Either-or with a weekday always has a day.
  EXPECT_EQ(ParseError("0 0 30 2 MON"), "");
}

}  // namespace
}  // namespace ocean::jobs
