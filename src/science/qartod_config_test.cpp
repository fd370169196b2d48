#include "science/qartod_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "science/qartod_test_util.hpp"

namespace ocean::science {
namespace {

using testing::F;
using ::testing::HasSubstr;
using testing::kNaN;
using testing::Times;

QartodConfig Parse(const char* text) { return ParseQartodConfig(boost::json::parse(text)); }

// The message of the QcError that parsing `text` throws.
std::string ParseError(const char* text) {
  try {
    Parse(text);
  } catch (const QcError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ParseQartodConfig, EveryTestInOrder) {
  const QartodConfig config = Parse(R"({"qartod": {
      "spike_test": {"suspect_threshold": 1, "fail_threshold": 2, "method": "differential"},
      "gross_range_test": {"suspect_span": [20, 10], "fail_span": [0, 30]},
      "rate_of_change_test": {"threshold": 0.5},
      "flat_line_test": {"tolerance": 0.01, "suspect_threshold": 3600, "fail_threshold": 7200},
      "climatology_test": {"config": [
          {"tspan": [0, 3], "vspan": [10, 20], "period": "month", "fspan": null},
          {"tspan": ["2021-07", "2021-09-01T00:00:00"], "vspan": [3, 5], "fspan": [0, 8]}]},
      "aggregate": {}}})");
  ASSERT_EQ(config.tests.size(), 5U);
  EXPECT_EQ(TestName(config.tests[0]), "spike_test");
  const auto& spike = std::get<SpikeConfig>(config.tests[0]);
  EXPECT_EQ(spike.method, SpikeMethod::kDifferential);
  EXPECT_EQ(spike.fail_threshold, 2.0);
  const auto& gross = std::get<GrossRangeConfig>(config.tests[1]);
  EXPECT_EQ(gross.suspect_span->min, 10);
  EXPECT_EQ(std::get<RateOfChangeConfig>(config.tests[2]).fail_threshold, std::nullopt);
  EXPECT_EQ(std::get<FlatLineConfig>(config.tests[3]).fail_threshold, 7200);
  const auto& climatology = std::get<ClimatologyConfig>(config.tests[4]);
  ASSERT_EQ(climatology.members.size(), 2U);
  EXPECT_EQ(climatology.members[0].period, ClimatologyPeriod::kMonth);
  EXPECT_EQ(climatology.members[0].fspan, std::nullopt);
  EXPECT_EQ(climatology.members[1].period, std::nullopt);
  EXPECT_EQ(climatology.members[1].tspan.min, 1'625'097'600'000.0);  // 2021-07-01
  EXPECT_EQ(climatology.members[1].tspan.max, 1'630'454'400'000.0);  // 2021-09-01
}

TEST(ParseQartodConfig, DefaultsAsIoosQc) {
  const QartodConfig config = Parse(R"({"qartod": {"spike_test": null,
      "flat_line_test": {"suspect_threshold": 1, "fail_threshold": 2}}})");
  const auto& spike = std::get<SpikeConfig>(config.tests[0]);
  EXPECT_EQ(spike.method, SpikeMethod::kAverage);
  EXPECT_EQ(spike.suspect_threshold, std::nullopt);
  EXPECT_EQ(std::get<FlatLineConfig>(config.tests[1]).tolerance, 0.0);
}

TEST(ParseQartodConfig, RefusalsNameTheField) {
  EXPECT_THAT(ParseError(R"({"qartod": {"location_test": {}}})"),
              HasSubstr("qartod.location_test: unknown or unsupported test"));
  EXPECT_THAT(ParseError(R"({"qartod": {"spike_test": {"threshold": 1}}})"),
              HasSubstr("qartod.spike_test.threshold: unknown parameter"));
  EXPECT_THAT(ParseError(R"({"qartod": {"spike_test": {"method": "median"}}})"),
              HasSubstr("qartod.spike_test.method: unknown method"));
  EXPECT_THAT(ParseError(R"({"qartod": {"rate_of_change_test": {}}})"),
              HasSubstr("qartod.rate_of_change_test.threshold: required"));
  EXPECT_THAT(ParseError(R"({"qartod": {"rate_of_change_test": {"threshold": "1"}}})"),
              HasSubstr("qartod.rate_of_change_test.threshold: expected a number"));
  EXPECT_THAT(ParseError(R"({"qartod": {"gross_range_test": {"fail_span": [1]}}})"),
              HasSubstr("qartod.gross_range_test.fail_span: expected [min, max]"));
  EXPECT_THAT(ParseError(R"({"qartod": {"gross_range_test": {"fail_span": [1, null]}}})"),
              HasSubstr("qartod.gross_range_test.fail_span[1]: expected a number"));
  EXPECT_THAT(
      ParseError(
          R"({"qartod": {"gross_range_test": {"fail_span": [1, 1], "suspect_span": [2, 2]}}})"),
      HasSubstr("qartod.gross_range_test.suspect_span: must fall within fail_span"));
  EXPECT_THAT(ParseError(R"({"qartod": {"aggregate": {"x": 1}, "spike_test": {}}})"),
              HasSubstr("qartod.aggregate.x: takes no parameters"));
  EXPECT_THAT(ParseError(R"({"qartod": {"aggregate": {}}})"), HasSubstr("no test configured"));
  EXPECT_THAT(ParseError(R"({"streams": {}})"), HasSubstr("config.streams: unknown parameter"));
  EXPECT_THAT(ParseError(R"([1])"), HasSubstr("config: expected an object"));
}

TEST(ParseQartodConfig, ClimatologyRefusals) {
  EXPECT_THAT(ParseError(R"({"qartod": {"climatology_test": {"config": [
                  {"tspan": [0, 3], "vspan": [1, 2], "period": "season"}]}}})"),
              HasSubstr("qartod.climatology_test.config[0].period: \"season\" is not supported"));
  EXPECT_THAT(ParseError(R"({"qartod": {"climatology_test": {"config": [
                  {"tspan": [0, 3], "vspan": [1, 2], "zspan": [0, 10], "period": "month"}]}}})"),
              HasSubstr("config[0].zspan: depth ranges are not supported"));
  EXPECT_THAT(ParseError(R"({"qartod": {"climatology_test": {"config": [
                  {"tspan": [0, 3], "vspan": [1, 2]}]}}})"),
              HasSubstr("config[0].tspan[0]: without a period, tspan holds dates"));
  EXPECT_THAT(ParseError(R"({"qartod": {"climatology_test": {"config": [
                  {"tspan": ["2021-13", "2022"], "vspan": [1, 2]}]}}})"),
              HasSubstr("config[0].tspan[0]: not a date"));
  EXPECT_THAT(ParseError(R"({"qartod": {"climatology_test": {"config": [
                  {"tspan": ["2021-01-01T00:00:00Z", "2022"], "vspan": [1, 2]}]}}})"),
              HasSubstr("config[0].tspan[0]: give the time without a zone"));
  EXPECT_THAT(ParseError(R"({"qartod": {"climatology_test": {"config": [
                  {"tspan": [1, 2], "period": "month"}]}}})"),
              HasSubstr("config[0].vspan: required"));
  EXPECT_THAT(ParseError(R"({"qartod": {"climatology_test": {"config": [
                  {"tspan": [1, 2], "vspan": [1, 2], "period": "month", "depth": 1}]}}})"),
              HasSubstr("config[0].depth: unknown parameter"));
}

TEST(RunQartod, PerTestAndAggregateFlags) {
  const QartodConfig config = Parse(R"({"qartod": {
      "gross_range_test": {"suspect_span": [0, 10], "fail_span": [-5, 20]},
      "spike_test": {"suspect_threshold": 3, "fail_threshold": 6}}})");
  const std::vector<double> values = {1, 2, 12, 2, kNaN, 30};
  const QartodResult result = RunQartod(config, values, Times(values.size(), 60'000));
  ASSERT_EQ(result.tests.size(), 2U);
  EXPECT_EQ(result.tests[0].name, "gross_range_test");
  EXPECT_EQ(result.tests[0].flags, F({1, 1, 3, 1, 9, 4}));
  EXPECT_EQ(result.tests[1].name, "spike_test");
  EXPECT_EQ(result.tests[1].flags, F({2, 3, 4, 2, 9, 2}));
  EXPECT_EQ(result.aggregate, F({1, 3, 4, 1, 9, 4}));
}

TEST(RunQartod, LengthsMustMatch) {
  const QartodConfig config = Parse(R"({"qartod": {"spike_test": {}}})");
  EXPECT_THROW(RunQartod(config, std::vector<double>{1, 2}, Times(3, 1000)), QcError);
}

}  // namespace
}  // namespace ocean::science
