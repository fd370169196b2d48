// IOOS QARTOD quality-control tests, computed as the reference implementation ioos_qc
// (`ioos_qc.qartod`) computes them. Pure functions over one series.
#pragma once

#include <span>
#include <vector>

#include "core/types.hpp"

namespace ocean::science {

using Flags = std::vector<core::QualityFlag>;

// ioos_qc's qartod_compare: per point, the flag of highest precedence among the tests
// (fail > suspect > pass > not evaluated > missing). Every vector must have the same length.
Flags AggregateFlags(std::span<const Flags> tests);

}  // namespace ocean::science
