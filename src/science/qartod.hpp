// IOOS QARTOD quality-control tests, computed as the reference implementation ioos_qc
// (`ioos_qc.qartod`) computes them: the same arithmetic, the same strict thresholds, the same
// flags for missing values and for points a test cannot judge. Pure functions over one series.
//
// A value is missing when it is NaN (JSON null) or infinite, as numpy's masked_invalid decides.
// Where ioos_qc compares the raw number of a masked value (gross range, rate of change), these
// functions do too, so an infinite value behaves as it does there. Times are UTC epoch
// milliseconds in the order given: like ioos_qc, nothing is sorted or de-duplicated.
#pragma once

#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "core/types.hpp"

namespace ocean::science {

using Flags = std::vector<core::QualityFlag>;

// An input ioos_qc itself refuses with an exception (its ValueError). The message names the
// parameter, e.g. "flat_line_test.suspect_threshold: ...".
class QcError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A closed range; ioos_qc sorts every span it is given, so {5, 1} is [1, 5].
struct Span {
  double min = 0;
  double max = 0;
};
Span SortedSpan(double a, double b);

// Outside fail_span: fail; else outside suspect_span: suspect; else pass. Bounds are inside.
// Throws QcError when suspect_span does not lie within fail_span.
Flags GrossRangeTest(std::span<const double> values, Span fail_span,
                     std::optional<Span> suspect_span);

enum class SpikeMethod {
  kAverage,       // |x[n] - (x[n-1] + x[n+1]) / 2|
  kDifferential,  // the smaller step into and out of x[n], when the two go opposite ways
};
// Suspect above suspect_threshold, fail above fail_threshold (strictly). A threshold that is
// absent or zero is not applied (ioos_qc tests it for truth). The first and last points, and a
// point next to a missing value, are not evaluated.
Flags SpikeTest(std::span<const double> values, std::optional<double> suspect_threshold,
                std::optional<double> fail_threshold, SpikeMethod method);

// |x[n] - x[n-1]| per second of (t[n] - t[n-1]), the time step floored to whole seconds;
// suspect above threshold, fail above fail_threshold. The first point passes. Where the step is
// zero seconds (duplicate or sub-second times), numpy's masked division leaves the difference
// undivided, and ioos_qc compares that with the threshold: so do we.
Flags RateOfChangeTest(std::span<const double> values, std::span<const core::EpochMs> times,
                       double threshold, std::optional<double> fail_threshold);

// A point is flagged when the values in the window ending at it, the point and the `count`
// before it, span less than `tolerance` (missing values ignored). count is each threshold in
// seconds (truncated to an integer) over the median time step (floored to whole seconds),
// truncated. Fewer than 3 points: all pass, even missing ones. Throws QcError when the median
// step or a threshold makes a negative or infinite count (ioos_qc fails there).
Flags FlatLineTest(std::span<const double> values, std::span<const core::EpochMs> times,
                   double suspect_threshold, double fail_threshold, double tolerance);

// ioos_qc's qartod_compare: per point, the flag of highest precedence among the tests
// (fail > suspect > pass > not evaluated > missing). Every vector must have the same length.
Flags AggregateFlags(std::span<const Flags> tests);

}  // namespace ocean::science
