#include "science/qartod.hpp"

#include <stdexcept>

namespace ocean::science {
namespace {

using core::QualityFlag;

// Lower index, lower precedence: the order in which ioos_qc's qartod_compare overwrites.
int Precedence(QualityFlag flag) {
  switch (flag) {
    case QualityFlag::kMissing:
      return 0;
    case QualityFlag::kNotEvaluated:
      return 1;
    case QualityFlag::kGood:
      return 2;
    case QualityFlag::kSuspect:
      return 3;
    case QualityFlag::kBad:
      return 4;
  }
  return 0;
}

}  // namespace

Flags AggregateFlags(std::span<const Flags> tests) {
  if (tests.empty()) return {};
  const std::size_t size = tests.front().size();
  Flags result(size, QualityFlag::kMissing);
  for (const Flags& test : tests) {
    if (test.size() != size) throw std::invalid_argument("aggregate: flag vectors differ in length");
    for (std::size_t i = 0; i < size; ++i) {
      if (Precedence(test[i]) > Precedence(result[i])) result[i] = test[i];
    }
  }
  return result;
}

}  // namespace ocean::science
