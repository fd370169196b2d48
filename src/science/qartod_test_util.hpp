// Helpers shared by the QARTOD unit tests: flags written as ioos_qc's tests write them.
#pragma once

#include <initializer_list>
#include <limits>
#include <vector>

#include "science/qartod.hpp"

namespace ocean::science::testing {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

inline Flags F(std::initializer_list<int> values) {
  Flags flags;
  for (int v : values) flags.push_back(static_cast<core::QualityFlag>(v));
  return flags;
}

// `count` times from `start` (epoch ms) every `step_ms`.
inline std::vector<core::EpochMs> Times(std::size_t count, core::EpochMs step_ms,
                                        core::EpochMs start = 1'420'070'400'000) {
  std::vector<core::EpochMs> times;
  for (std::size_t i = 0; i < count; ++i) {
    times.push_back(start + static_cast<core::EpochMs>(i) * step_ms);
  }
  return times;
}

}  // namespace ocean::science::testing
