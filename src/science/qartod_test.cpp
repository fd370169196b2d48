// Expected flags come from ioos_qc's tests/test_qartod.py where a case exists there (the test
// named in each comment); the other cases follow its code for an edge it does not test.
#include "science/qartod.hpp"

#include <gtest/gtest.h>

#include "science/qartod_test_util.hpp"

namespace ocean::science {
namespace {

using testing::F;
using testing::kNaN;
using testing::Times;

constexpr core::EpochMs kMinute = 60'000;

// QartodGrossRangeTest.test_gross_range_check: the bounds themselves are inside.
TEST(GrossRangeTest, BoundsAreInside) {
  const std::vector<double> values = {5, 10, 15, 20, 25, 30, 35, 40, 45, 51};
  EXPECT_EQ(GrossRangeTest(values, SortedSpan(10, 50), SortedSpan(20, 40)),
            F({4, 3, 3, 1, 1, 1, 1, 1, 3, 4}));
}

// QartodGrossRangeTest.test_gross_range_check_masked.
TEST(GrossRangeTest, MissingValues) {
  const std::vector<double> values = {kNaN, 10, 15, 20, 25, 30, 35, 40, kNaN, 51, kNaN};
  EXPECT_EQ(GrossRangeTest(values, SortedSpan(10, 50), SortedSpan(20, 40)),
            F({9, 3, 3, 1, 1, 1, 1, 1, 9, 4, 9}));
}

TEST(GrossRangeTest, SpansAreSortedAndSuspectIsOptional) {
  const std::vector<double> values = {0, 1, 5, 6};
  EXPECT_EQ(GrossRangeTest(values, SortedSpan(5, 1), std::nullopt), F({4, 1, 1, 4}));
}

// QartodGrossRangeTest.test_gross_range_bad_input: "Suspect Span ... must fall within".
TEST(GrossRangeTest, SuspectOutsideFailIsRefused) {
  const std::vector<double> values = {5};
  EXPECT_THROW(GrossRangeTest(values, SortedSpan(1, 1), SortedSpan(2, 2)), QcError);
}

// QartodSpikeTest.test_spike and test_spike_negative_vals.
TEST(SpikeTest, AverageMethod) {
  const std::vector<double> values = {10, 12, 999.99, 13, 15, 40, 9, 9};
  EXPECT_EQ(SpikeTest(values, 25, 50, SpikeMethod::kAverage), F({2, 4, 4, 4, 1, 3, 1, 2}));
  std::vector<double> negative;
  for (double v : values) negative.push_back(-v);
  EXPECT_EQ(SpikeTest(negative, 25, 50, SpikeMethod::kAverage), F({2, 4, 4, 4, 1, 3, 1, 2}));
}

// QartodSpikeTest.test_spike_initial_final_values.
TEST(SpikeTest, FirstAndLastAreNotEvaluated) {
  const std::vector<double> values = {-100, -99, -99, -98};
  EXPECT_EQ(SpikeTest(values, 25, 50, SpikeMethod::kAverage), F({2, 1, 1, 2}));
  EXPECT_EQ(SpikeTest(std::vector<double>{7}, 25, 50, SpikeMethod::kAverage), F({2}));
  EXPECT_EQ(SpikeTest(std::vector<double>{kNaN, 7}, 25, 50, SpikeMethod::kAverage), F({9, 2}));
  EXPECT_TRUE(SpikeTest(std::vector<double>{}, 25, 50, SpikeMethod::kAverage).empty());
}

// QartodSpikeTest.test_spike_masked: a missing neighbour leaves a point not evaluated.
TEST(SpikeTest, MissingNeighbours) {
  const std::vector<double> values = {10, 12,   999.99, 13, 15,     40, 9,
                                      9,  kNaN, 10,     10, 999.99, 10, kNaN};
  EXPECT_EQ(SpikeTest(values, 25, 50, SpikeMethod::kAverage),
            F({2, 4, 4, 4, 1, 3, 1, 2, 9, 2, 4, 4, 2, 9}));
}

// QartodSpikeTest.test_spike_realdata.
TEST(SpikeTest, RealData) {
  const std::vector<double> values = {
      -0.189,  -0.0792, -0.0122, 0.0457,  0.0671,  0.0213,  -0.0488, -0.1463, -0.2438, -0.3261,
      -0.3871, -0.4054, -0.3932, -0.3383, -0.2804, -0.2347, -0.2134, -0.2347, -0.2926, -0.3597,
      -0.442,  -0.509,  0,       -0.5944, -0.57,   -0.4267, -0.2926, -0.1585, -0.0945, -0.0762};
  Flags expected(values.size(), core::QualityFlag::kGood);
  expected.front() = expected.back() = core::QualityFlag::kNotEvaluated;
  expected[22] = core::QualityFlag::kSuspect;
  EXPECT_EQ(SpikeTest(values, 0.5, 1, SpikeMethod::kAverage), expected);
}

// QartodSpikeTest.test_spike_methods.
TEST(SpikeTest, AverageAndDifferentialMethods) {
  const std::vector<double> values = {3, 4.99, 5, 6, 8, 6, 6,    6.75, 6,
                                      6, 5.3,  6, 6, 9, 5, kNaN, 4,    4};
  EXPECT_EQ(SpikeTest(values, 0.5, 1, SpikeMethod::kAverage),
            F({2, 3, 1, 1, 4, 3, 1, 3, 1, 1, 3, 1, 4, 4, 2, 9, 2, 2}));
  EXPECT_EQ(SpikeTest(values, 0.5, 1, SpikeMethod::kDifferential),
            F({2, 1, 1, 1, 4, 1, 1, 3, 1, 1, 3, 1, 1, 4, 2, 9, 2, 2}));
  std::vector<double> present = values;
  present[15] = 5;
  EXPECT_EQ(SpikeTest(present, 0.5, 1, SpikeMethod::kDifferential),
            F({2, 1, 1, 1, 4, 1, 1, 3, 1, 1, 3, 1, 1, 4, 1, 1, 1, 2}));
}

// QartodSpikeTest.test_spike_test_inputs: either threshold alone; zero means not applied.
TEST(SpikeTest, OneThresholdAlone) {
  const std::vector<double> values = {3, 4.99, 5, 6, 8, 6, 6,    6.75, 6,
                                      6, 5.3,  6, 6, 9, 5, kNaN, 4,    4};
  EXPECT_EQ(SpikeTest(values, 0.5, std::nullopt, SpikeMethod::kAverage),
            F({2, 3, 1, 1, 3, 3, 1, 3, 1, 1, 3, 1, 3, 3, 2, 9, 2, 2}));
  EXPECT_EQ(SpikeTest(values, std::nullopt, 1, SpikeMethod::kAverage),
            F({2, 1, 1, 1, 4, 1, 1, 1, 1, 1, 1, 1, 4, 4, 2, 9, 2, 2}));
  EXPECT_EQ(SpikeTest(values, 0.0, 0.0, SpikeMethod::kAverage),
            F({2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 9, 2, 2}));
}

TEST(SpikeTest, ThresholdsAreStrict) {
  // |4 - (2 + 2) / 2| = 2 exactly: not above a threshold of 2.
  const std::vector<double> values = {2, 4, 2};
  EXPECT_EQ(SpikeTest(values, 2, 3, SpikeMethod::kAverage), F({2, 1, 2}));
  EXPECT_EQ(SpikeTest(values, 1.999, 3, SpikeMethod::kAverage), F({2, 3, 2}));
  EXPECT_EQ(SpikeTest(values, 2, 3, SpikeMethod::kDifferential), F({2, 1, 2}));
  EXPECT_EQ(SpikeTest(values, 1, 1.999, SpikeMethod::kDifferential), F({2, 4, 2}));
}

// QartodRateOfChangeTest.test_rate_of_change and test_rate_of_change_fail_flag.
TEST(RateOfChangeTest, PerSecondAgainstThePreviousPoint) {
  const std::vector<double> values = {2, 10, 2.1, 3,  4,  5,  7,  10, 0, 2, 2.2, 2,
                                      1, 2,  3,   90, 91, 92, 93, 1,  2, 3, 4,   5};
  const auto times = Times(values.size(), 15 * kMinute);
  const double threshold = 5.0 / 15 / 60;
  EXPECT_EQ(RateOfChangeTest(values, times, threshold, std::nullopt),
            F({1, 3, 3, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 3, 1, 1, 1, 1}));
  EXPECT_EQ(RateOfChangeTest(values, times, threshold, 10.0 / 15 / 60),
            F({1, 3, 3, 1, 1, 1, 1, 1, 4, 1, 1, 1, 1, 1, 1, 4, 1, 1, 1, 4, 1, 1, 1, 1}));
}

// QartodRateOfChangeTest.test_rate_of_change_missing_values and _negative_values.
TEST(RateOfChangeTest, MissingAndNegativeValues) {
  const double threshold = 5.0 / 15 / 60;
  const std::vector<double> missing = {2, 10, 2, 3, kNaN, kNaN, 7, 10};
  EXPECT_EQ(RateOfChangeTest(missing, Times(8, 15 * kMinute), threshold, std::nullopt),
            F({1, 3, 3, 1, 9, 9, 1, 1}));
  const std::vector<double> negative = {-2, -10, -2, -3};
  EXPECT_EQ(RateOfChangeTest(negative, Times(4, 15 * kMinute), threshold, std::nullopt),
            F({1, 3, 3, 1}));
}

TEST(RateOfChangeTest, ThresholdIsStrict) {
  // 1 unit in 10 s is 0.1 per second exactly.
  const std::vector<double> values = {0, 1, 2};
  EXPECT_EQ(RateOfChangeTest(values, Times(3, 10'000), 0.1, std::nullopt), F({1, 1, 1}));
  EXPECT_EQ(RateOfChangeTest(values, Times(3, 10'000), 0.09, 0.1), F({1, 3, 3}));
}

// Duplicate (and sub-second) steps: numpy's masked division keeps the undivided difference,
// which ioos_qc then compares with the threshold.
TEST(RateOfChangeTest, DuplicateTimesCompareTheUndividedDifference) {
  const std::vector<double> values = {1, 1.5, 3, 3};
  const std::vector<core::EpochMs> times = {0, 0, 500, 500};
  EXPECT_EQ(RateOfChangeTest(values, times, 1, 2), F({1, 1, 3, 1}));
}

// Unsorted times: the step is negative and floored to whole seconds, the rate its magnitude.
TEST(RateOfChangeTest, UnsortedTimesUseTheFlooredNegativeStep) {
  const std::vector<double> values = {0, 3};
  // -1.5 s floors to -2 s: a rate of 1.5 per second.
  EXPECT_EQ(RateOfChangeTest(values, std::vector<core::EpochMs>{10'000, 8'500}, 1.49, std::nullopt),
            F({1, 3}));
  EXPECT_EQ(RateOfChangeTest(values, std::vector<core::EpochMs>{10'000, 8'500}, 1.5, std::nullopt),
            F({1, 1}));
}

TEST(RateOfChangeTest, LengthsMustMatch) {
  EXPECT_THROW(
      RateOfChangeTest(std::vector<double>{1, 2}, std::vector<core::EpochMs>{0}, 1, std::nullopt),
      QcError);
}

TEST(AggregateFlags, HighestPrecedenceWins) {
  const std::vector<Flags> tests = {F({1, 9, 2, 1, 3, 9}), F({3, 9, 9, 2, 4, 2})};
  EXPECT_EQ(AggregateFlags(tests), F({3, 9, 2, 1, 4, 2}));
  EXPECT_EQ(AggregateFlags(std::vector<Flags>{F({9, 2, 1})}), F({9, 2, 1}));
  EXPECT_THROW(AggregateFlags(std::vector<Flags>{F({1}), F({1, 1})}), QcError);
}

}  // namespace
}  // namespace ocean::science
