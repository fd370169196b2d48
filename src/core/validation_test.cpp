#include "core/validation.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/api_error.hpp"

namespace ocean::core {
namespace {

bool Known(std::string_view id) { return id == "monterey" || id == "kuroshio"; }

ApiError ErrorOf(std::string_view body) {
  try {
    ParseIngestBody(body, Known);
  } catch (const ApiError& e) {
    return e;
  }
  return ApiError(ErrorCode::kInternal, "no error");
}

TEST(Validation, ParsesAndDefaultsFlag) {
  const auto batch = ParseIngestBody(
      R"([{"location_id":"monterey","parameter":"sst","timestamp":"2026-11-26T06:00:00+09:00",
           "value":14.5,"source":"noaa"},
          {"location_id":"kuroshio","parameter":"chlorophyll_a","timestamp":"2026-11-26T00:00:00Z",
           "value":0.2,"quality_flag":"suspect","source":"cmems-bgc"}])",
      Known);
  const auto& rows = batch.rows;
  EXPECT_EQ(batch.received, 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].timestamp_ms, 1795640400000);
  EXPECT_EQ(rows[0].quality_flag, QualityFlag::kNotEvaluated);
  EXPECT_EQ(rows[1].quality_flag, QualityFlag::kSuspect);
  EXPECT_EQ(rows[1].source, "cmems-bgc");
}

TEST(Validation, EmptyArrayIsFine) { EXPECT_TRUE(ParseIngestBody("[]", Known).rows.empty()); }

TEST(Validation, MalformedBody) {
  EXPECT_EQ(ErrorOf("[{").code(), ErrorCode::kBadRequest);
  EXPECT_EQ(ErrorOf(R"({"a":1})").code(), ErrorCode::kBadRequest);
}

TEST(Validation, ReportsEveryBadField) {
  const auto error = ErrorOf(
      R"([{"location_id":"monterey","parameter":"sst","timestamp":"2026-11-26T06:00:00Z",
           "value":14.5,"source":"noaa"},
          {"location_id":"atlantis","parameter":"temp","timestamp":"yesterday",
           "value":"1","quality_flag":"great","source":"no spaces"},
          {"location_id":"monterey","parameter":"sst","timestamp":"2026-11-26T06:00:00Z",
           "value":99,"source":"noaa"},
          {"parameter":"sst","timestamp":"2026-11-26T06:00:00Z","value":1,"source":"noaa"},
          5])");
  EXPECT_EQ(error.code(), ErrorCode::kValidation);
  std::vector<std::pair<long long, std::string>> got;
  for (const auto& d : error.details()) got.emplace_back(*d.index, d.field);
  EXPECT_THAT(
      got, ::testing::ElementsAre(
               std::pair{1LL, std::string("location_id")}, std::pair{1LL, std::string("parameter")},
               std::pair{1LL, std::string("timestamp")}, std::pair{1LL, std::string("value")},
               std::pair{1LL, std::string("quality_flag")}, std::pair{1LL, std::string("source")},
               std::pair{2LL, std::string("value")}, std::pair{3LL, std::string("location_id")},
               std::pair{4LL, std::string("")}));
  EXPECT_THAT(error.details()[6].message, ::testing::HasSubstr("outside the valid range"));
}

TEST(Validation, OutOfRangeAcceptedOnlyWhenFlaggedBad) {
  const auto batch = ParseIngestBody(
      R"([{"location_id":"monterey","parameter":"sst","timestamp":"2026-11-26T06:00:00Z",
           "value":55,"quality_flag":"bad","source":"noaa"}])",
      Known);
  ASSERT_EQ(batch.rows.size(), 1u);
  EXPECT_EQ(batch.rows[0].quality_flag, QualityFlag::kBad);
}

TEST(Validation, NonFiniteRejected) {
  // JSON has no NaN literal; a huge exponent overflows to infinity in the parser.
  const auto error = ErrorOf(
      R"([{"location_id":"monterey","parameter":"sst","timestamp":"2026-11-26T06:00:00Z",
           "value":1e999,"source":"noaa"}])");
  EXPECT_TRUE(error.code() == ErrorCode::kValidation || error.code() == ErrorCode::kBadRequest);
}

TEST(Validation, DuplicateKeysKeepLast) {
  const auto batch = ParseIngestBody(
      R"([{"location_id":"monterey","parameter":"sst","timestamp":"2026-11-26T06:00:00Z",
           "value":1,"source":"noaa"},
          {"location_id":"monterey","parameter":"sst","timestamp":"2026-11-26T06:00:00Z",
           "value":2,"source":"noaa"},
          {"location_id":"monterey","parameter":"sst","timestamp":"2026-11-26T06:00:00Z",
           "value":3,"source":"other"}])",
      Known);
  EXPECT_EQ(batch.received, 3);
  const auto& rows = batch.rows;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].value, 2);
  EXPECT_EQ(rows[1].source, "other");
}

// Keys differ in any one of their four parts; repeats keep the first row's place and the
// last row's values. Names longer than a short string's inline buffer, so the key views
// point at heap text.
TEST(Validation, DeduplicateByKeyKeepsFirstPlaceAndLastValues) {
  const std::string place = "gulf-stream-off-cape-hatteras";
  const auto row = [&](std::string location, std::string parameter, EpochMs ts, std::string source,
                       double value) {
    return Observation{std::move(location), std::move(parameter), ts, value,
                       QualityFlag::kGood,  std::move(source)};
  };
  std::vector<Observation> rows = {
      row(place, "sea_surface_height", 1000, "copernicus-marine", 1),
      row(place + "x", "sea_surface_height", 1000, "copernicus-marine", 2),
      row(place, "sea_surface_height", 1000, "copernicus-marine", 3),
      row(place, "sst", 1000, "copernicus-marine", 4),
      row(place, "sea_surface_height", 2000, "copernicus-marine", 5),
      row(place, "sea_surface_height", 1000, "copernicus-marine-2", 6),
      row(place + "x", "sea_surface_height", 1000, "copernicus-marine", 7),
      row(place, "sea_surface_height", 1000, "copernicus-marine", 8),
  };
  DeduplicateByKey(rows);
  std::vector<double> values;
  for (const auto& r : rows) values.push_back(r.value);
  EXPECT_EQ(values, (std::vector<double>{8, 7, 4, 5, 6}));
  EXPECT_EQ(rows[0].location_id, place);
  EXPECT_EQ(rows[1].location_id, place + "x");

  std::vector<Observation> distinct = {row(place, "sst", 1, "a", 1), row(place, "sst", 2, "a", 2)};
  DeduplicateByKey(distinct);
  ASSERT_EQ(distinct.size(), 2u);
  EXPECT_EQ(distinct[1].value, 2);
}

}  // namespace
}  // namespace ocean::core
