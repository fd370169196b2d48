// Expected flags from ioos_qc's tests/test_qartod.py (QartodFlatLineTest) where it has the case.
#include <gtest/gtest.h>

#include "science/qartod.hpp"
#include "science/qartod_test_util.hpp"

namespace ocean::science {
namespace {

using testing::F;
using testing::kNaN;
using testing::Times;

constexpr core::EpochMs kQuarterHour = 15 * 60'000;
// QartodFlatLineTest.setUp: 3000 s and 4800 s at a 900 s step are windows of 3 and 5 samples.
constexpr double kSuspect = 3000;
constexpr double kFail = 4800;
constexpr double kTolerance = 0.01;

std::vector<core::EpochMs> Seconds(std::initializer_list<core::EpochMs> seconds) {
  std::vector<core::EpochMs> times;
  for (core::EpochMs s : seconds) times.push_back(s * 1000);
  return times;
}

// QartodFlatLineTest.test_flat_line.
TEST(FlatLineTest, WindowsCountedFromTheMedianStep) {
  std::vector<double> values = {1, 2, 2.0001, 2, 2.0001, 2,      2.0001,
                                2, 4, 5,      3, 3.0001, 3.0005, 3.00001};
  const auto times = Times(values.size(), kQuarterHour);
  const Flags expected = F({1, 1, 1, 1, 3, 3, 4, 4, 1, 1, 1, 1, 1, 3});
  EXPECT_EQ(FlatLineTest(values, times, kSuspect, kFail, kTolerance), expected);
  for (double& v : values) v = -v;
  EXPECT_EQ(FlatLineTest(values, times, kSuspect, kFail, kTolerance), expected);
  EXPECT_TRUE(FlatLineTest({}, {}, kSuspect, kFail, kTolerance).empty());
}

// QartodFlatLineTest.test_flat_line_starting_from_beginning.
TEST(FlatLineTest, FlatFromTheFirstPoint) {
  const std::vector<double> values = {2, 2.0001, 2, 2.0001, 2,      2.0001, 2,
                                      4, 5,      3, 3.0001, 3.0005, 3.00001};
  EXPECT_EQ(FlatLineTest(values, Times(values.size(), kQuarterHour), kSuspect, kFail, kTolerance),
            F({1, 1, 1, 3, 3, 4, 4, 1, 1, 1, 1, 1, 3}));
}

// QartodFlatLineTest.test_flat_line_short_timeseries: fewer than 3 points all pass.
TEST(FlatLineTest, ShortSeries) {
  const auto check = [](std::size_t n) {
    std::vector<core::EpochMs> times;
    for (std::size_t i = 0; i < n; ++i) times.push_back(static_cast<core::EpochMs>(i) * 1000);
    return FlatLineTest(std::vector<double>(n, 5.0), times, 3, 5, 0.1);
  };
  EXPECT_EQ(check(1), F({1}));
  EXPECT_EQ(check(2), F({1, 1}));
  EXPECT_EQ(check(3), F({1, 1, 1}));
  EXPECT_EQ(check(4), F({1, 1, 1, 3}));
  EXPECT_EQ(check(5), F({1, 1, 1, 3, 3}));
  EXPECT_EQ(check(6), F({1, 1, 1, 3, 3, 4}));
  // Before the missing-value pass: ioos_qc returns early, so a missing point passes too.
  EXPECT_EQ(FlatLineTest(std::vector<double>{kNaN, 5}, Seconds({0, 1}), 3, 5, 0.1), F({1, 1}));
}

// QartodFlatLineTest.test_flat_line_with_spike: the tolerance is strict, range 4 is not < 4.
TEST(FlatLineTest, SpikeInsideTheWindow) {
  const std::vector<double> values = {1, 1, 1, 1, 1, 6, 5, 4, 3, 2};
  EXPECT_EQ(FlatLineTest(values, Seconds({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), 3, 6, 4),
            F({1, 1, 1, 3, 3, 1, 1, 1, 3, 3}));
  EXPECT_EQ(FlatLineTest(values, Seconds({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), 3, 6, 3),
            F({1, 1, 1, 3, 3, 1, 1, 1, 1, 1}));
}

// QartodFlatLineTest.test_flat_line_missing_values: missing values are left out of a window.
TEST(FlatLineTest, MissingValues) {
  const std::vector<double> values = {1, kNaN, kNaN, 2, 2.0001, 2,    2.0001,
                                      2, 4,    kNaN, 3, kNaN,   kNaN, 3.00001};
  EXPECT_EQ(FlatLineTest(values, Times(values.size(), kQuarterHour), kSuspect, kFail, kTolerance),
            F({1, 9, 9, 1, 3, 3, 4, 4, 1, 9, 1, 9, 9, 3}));
}

// A threshold shorter than the step is a window of the point alone (count 0): every present
// value is flat within any positive tolerance.
TEST(FlatLineTest, WindowShorterThanTheStep) {
  const std::vector<double> values = {1, 1, 2, 2.001, kNaN};
  EXPECT_EQ(FlatLineTest(values, Times(values.size(), kQuarterHour), 600, 1200, kTolerance),
            F({3, 4, 3, 4, 9}));
  // Tolerance 0 (ioos_qc's default) flags nothing: no range is below zero.
  EXPECT_EQ(FlatLineTest(values, Times(values.size(), kQuarterHour), 600, 1200, 0),
            F({1, 1, 1, 1, 9}));
}

// An even number of steps: numpy's median is the mean of the middle two (1.5 s), floored to 1 s.
TEST(FlatLineTest, EvenMedianIsFlooredToWholeSeconds) {
  const std::vector<double> values(5, 5.0);
  EXPECT_EQ(FlatLineTest(values, Seconds({0, 1, 2, 4, 7}), 3, 5, 0.1), F({1, 1, 1, 3, 3}));
}

// The count is truncated: 3.9 s at a 1 s step is 3 samples, 5.99 s is 5.
TEST(FlatLineTest, ThresholdsAreTruncated) {
  const std::vector<double> values(6, 5.0);
  // 3.9 s -> 3 s -> 3 samples; 5.99 s -> 5 samples.
  EXPECT_EQ(FlatLineTest(values, Seconds({0, 1, 2, 3, 4, 5}), 3.9, 5.99, 0.1),
            F({1, 1, 1, 3, 3, 4}));
}

// Duplicate times making the median step zero: ioos_qc divides by zero and fails; so do we.
TEST(FlatLineTest, ZeroMedianStepIsRefused) {
  const std::vector<double> values(5, 5.0);
  EXPECT_THROW(FlatLineTest(values, std::vector<core::EpochMs>{0, 0, 0, 1000, 2000}, 3, 5, 0.1),
               QcError);
  // Times in reverse order: a negative step makes a negative window.
  EXPECT_THROW(FlatLineTest(values, Seconds({5, 4, 3, 2, 1}), 3, 5, 0.1), QcError);
}

// A few duplicate times leave the median step alone; the windows still count samples.
TEST(FlatLineTest, SomeDuplicateTimes) {
  const std::vector<double> values(6, 5.0);
  EXPECT_EQ(FlatLineTest(values, Seconds({0, 1, 1, 2, 3, 4}), 3, 5, 0.1), F({1, 1, 1, 3, 3, 4}));
}

}  // namespace
}  // namespace ocean::science
