#include "core/locations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ocean::core {
namespace {

using ::testing::HasSubstr;

std::string ErrorOf(std::string_view text) {
  try {
    ParseLocations(text, "loc.json");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(Locations, Parses) {
  const auto locations = ParseLocations(
      R"([{"id":"monterey-bay","name":"Monterey Bay","latitude":36.8,"longitude":-122.0,
           "description":"Upwelling"},{"id":"x","name":"X","latitude":0,"longitude":180}])",
      "loc.json");
  ASSERT_EQ(locations.size(), 2u);
  EXPECT_EQ(locations[0].id, "monterey-bay");
  EXPECT_DOUBLE_EQ(locations[0].longitude, -122.0);
  EXPECT_EQ(locations[1].description, "");
}

TEST(Locations, ErrorsNameFileEntryAndField) {
  EXPECT_THAT(ErrorOf("{"), HasSubstr("loc.json: not valid JSON"));
  EXPECT_THAT(ErrorOf("{}"), HasSubstr("must be a JSON array"));
  EXPECT_THAT(ErrorOf("[]"), HasSubstr("has no locations"));
  EXPECT_EQ(ErrorOf(R"([{"id":"a","name":"A","latitude":91,"longitude":0}])"),
            "loc.json: entry 0 (\"a\"): latitude: must be a number in [-90, 90]");
  EXPECT_EQ(ErrorOf(R"([{"id":"a","name":"A","latitude":1,"longitude":0},
                        {"id":"b","name":"B","latitude":1}])"),
            "loc.json: entry 1 (\"b\"): longitude: missing");
  EXPECT_THAT(ErrorOf(R"([{"id":"A B","name":"A","latitude":1,"longitude":0}])"),
              HasSubstr("entry 0: id:"));
  EXPECT_THAT(ErrorOf(R"([{"id":"a","name":"A","latitude":1,"longitude":0},
                          {"id":"a","name":"A","latitude":1,"longitude":0}])"),
              HasSubstr("duplicate id"));
  EXPECT_THAT(ErrorOf(R"([{"id":"a","name":"","latitude":1,"longitude":0}])"), HasSubstr("name"));
  EXPECT_THAT(ErrorOf(R"([{"id":"a","name":"A","latitude":"1","longitude":0}])"),
              HasSubstr("latitude: must be a number"));
}

TEST(Locations, NdbcStationIsOptional) {
  const auto locations = ParseLocations(
      R"([{"id":"a","name":"A","latitude":1,"longitude":0,"ndbc_station":"46042"},
          {"id":"b","name":"B","latitude":1,"longitude":0}])",
      "loc.json");
  ASSERT_EQ(locations.size(), 2u);
  EXPECT_EQ(locations[0].ndbc_station, "46042");
  EXPECT_EQ(locations[1].ndbc_station, "");
  EXPECT_THAT(ErrorOf(R"([{"id":"a","name":"A","latitude":1,"longitude":0,"ndbc_station":""}])"),
              HasSubstr("entry 0 (\"a\"): ndbc_station: must be an NDBC station id"));
  EXPECT_THAT(ErrorOf(R"([{"id":"a","name":"A","latitude":1,"longitude":0,"ndbc_station":4}])"),
              HasSubstr("ndbc_station"));
  EXPECT_THAT(
      ErrorOf(R"([{"id":"a","name":"A","latitude":1,"longitude":0,"ndbc_station":"../x"}])"),
      HasSubstr("ndbc_station"));
}

}  // namespace
}  // namespace ocean::core
