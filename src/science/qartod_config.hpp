// A QARTOD configuration in ioos_qc's own shape, and running all of its tests over one series:
//   {"qartod": {"gross_range_test": {"fail_span": [a, b], "suspect_span": [c, d]},
//               "spike_test": {"suspect_threshold": x, "fail_threshold": y, "method": "average"},
//               "rate_of_change_test": {"threshold": r, "fail_threshold": f},
//               "flat_line_test": {"tolerance": t, "suspect_threshold": s, "fail_threshold": f},
//               "climatology_test": {"config": [{"tspan": [..], "vspan": [..], "fspan": [..],
//                                                "period": "month"}, ...]},
//               "aggregate": {}}}
// Parameter names and defaults are ioos_qc's. Unlike ioos_qc, which logs and skips an unknown
// test and drops an unknown parameter, parsing refuses them: a typo must not pass silently.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "science/qartod.hpp"
#include "science/qartod_climatology.hpp"

namespace ocean::science {

struct GrossRangeConfig {
  Span fail_span;
  std::optional<Span> suspect_span;
};

struct SpikeConfig {
  std::optional<double> suspect_threshold;
  std::optional<double> fail_threshold;
  SpikeMethod method = SpikeMethod::kAverage;
};

struct RateOfChangeConfig {
  double threshold = 0;  // units per second
  std::optional<double> fail_threshold;
};

struct FlatLineConfig {
  double suspect_threshold = 0;  // seconds
  double fail_threshold = 0;     // seconds
  double tolerance = 0;
};

struct ClimatologyConfig {
  std::vector<ClimatologyMember> members;
};

using QartodTest = std::variant<GrossRangeConfig, SpikeConfig, RateOfChangeConfig, FlatLineConfig,
                                ClimatologyConfig>;

// The key ioos_qc names each test's result with, e.g. "gross_range_test".
std::string_view TestName(const QartodTest& test);
// The key of the aggregate flag in ioos_qc's results.
inline constexpr std::string_view kAggregateName = "aggregate";

struct QartodConfig {
  std::vector<QartodTest> tests;  // in the configuration's order
};

// Throws QcError naming the offending field ("qartod.spike_test.method: ...") for an unknown
// test or parameter, a wrong type, a missing required parameter, a span ioos_qc refuses, or a
// configuration with no test at all.
QartodConfig ParseQartodConfig(const boost::json::value& root);

struct TestFlags {
  std::string_view name;
  Flags flags;
};

struct QartodResult {
  std::vector<TestFlags> tests;  // one per configured test, in the configuration's order
  Flags aggregate;
};

// Runs every configured test over values[i] observed at times[i] (same length; NaN for a
// missing value) and aggregates their flags. Throws QcError for lengths that differ or an input
// a test refuses (see the tests in qartod.hpp).
QartodResult RunQartod(const QartodConfig& config, std::span<const double> values,
                       std::span<const core::EpochMs> times);

}  // namespace ocean::science
