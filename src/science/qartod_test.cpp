#include "science/qartod.hpp"

#include <gtest/gtest.h>

namespace ocean::science {
namespace {

using core::QualityFlag;

TEST(AggregateFlags, HighestPrecedenceWins) {
  const std::vector<Flags> tests = {
      {QualityFlag::kGood, QualityFlag::kMissing, QualityFlag::kNotEvaluated},
      {QualityFlag::kSuspect, QualityFlag::kMissing, QualityFlag::kMissing},
  };
  EXPECT_EQ(AggregateFlags(tests),
            (Flags{QualityFlag::kSuspect, QualityFlag::kMissing, QualityFlag::kNotEvaluated}));
}

}  // namespace
}  // namespace ocean::science
