#include "core/lttb.hpp"

#include <gtest/gtest.h>
#include <cmath>

namespace ocean::core {
namespace {

TEST(Lttb, ShortSeriesKeptWhole) {
  const std::vector<EpochMs> t = {1, 2, 3};
  const std::vector<double> v = {1, 2, 3};
  EXPECT_EQ(LttbIndices(t, v, 10), (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_TRUE(LttbIndices({}, {}, 10).empty());
}

TEST(Lttb, KeepsEndsAndCountAndOrder) {
  std::vector<EpochMs> t;
  std::vector<double> v;
  for (int i = 0; i < 720; ++i) {
    t.push_back(i * 3'600'000LL);
    v.push_back(std::sin(i / 20.0));
  }
  const auto keep = LttbIndices(t, v, 100);
  ASSERT_EQ(keep.size(), 100u);
  EXPECT_EQ(keep.front(), 0u);
  EXPECT_EQ(keep.back(), 719u);
  for (std::size_t i = 1; i < keep.size(); ++i) EXPECT_LT(keep[i - 1], keep[i]);
}

TEST(Lttb, KeepsSpike) {
  std::vector<EpochMs> t;
  std::vector<double> v(1000, 1.0);
  for (int i = 0; i < 1000; ++i) t.push_back(i);
  v[537] = 50.0;
  const auto keep = LttbIndices(t, v, 20);
  EXPECT_NE(std::find(keep.begin(), keep.end(), 537u), keep.end());
}

}  // namespace
}  // namespace ocean::core
