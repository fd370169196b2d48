// Units as ERDDAP datasets spell them, checked and converted per server against the catalogue
// parameter's unit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "sources/erddap.hpp"
#include "sources/units.hpp"

namespace ocean::sources {
namespace {

using ::testing::HasSubstr;

TEST(Units, SpellingsAreNormalised) {
  for (const auto* spelling : {"degree_C", "degrees_C", "Celsius", "deg C", "degC", "°C",
                               "degree_Celsius", "degrees Celsius", "DEGREE_C"}) {
    EXPECT_EQ(CanonicalUnit(spelling), "°C") << spelling;
  }
  for (const auto* spelling : {"K", "kelvin", "Kelvin", "degree_K", "degrees_K", "°K"}) {
    EXPECT_EQ(CanonicalUnit(spelling), "K") << spelling;
  }
  for (const auto* spelling : {"mg m-3", "mg m^-3", "mg/m^3", "mg/m3", "mg.m-3", "mg m**-3",
                               "mg·m-3", " mg  m-3 ", "milligram m-3"}) {
    EXPECT_EQ(CanonicalUnit(spelling), "mg m-3") << spelling;
  }
  for (const auto* spelling : {"m", "meters", "metres", "meter"}) {
    EXPECT_EQ(CanonicalUnit(spelling), "m") << spelling;
  }
  for (const auto* spelling : {"m s-1", "m/s", "m s^-1", "m.s-1", "meters second-1"}) {
    EXPECT_EQ(CanonicalUnit(spelling), "m s-1") << spelling;
  }
  for (const auto* spelling : {"PSU", "psu", "1e-3", "0.001", "PSS-78"}) {
    EXPECT_EQ(CanonicalUnit(spelling), "PSU") << spelling;
  }
  EXPECT_EQ(CanonicalUnit("µg/L"), "µg L-1");
  EXPECT_EQ(CanonicalUnit("ug L-1"), "µg L-1");
  for (const auto* unknown : {"", "furlongs", "mg", "m-3", "mg/m/s", "degrees_north", "1"}) {
    EXPECT_EQ(CanonicalUnit(unknown), std::nullopt) << unknown;
  }
}

TEST(Units, Conversions) {
  const auto kelvin = ConversionBetween("kelvin", "°C");
  ASSERT_TRUE(kelvin);
  EXPECT_NEAR(kelvin->Apply(287.54), 14.39, 1e-9);
  EXPECT_NEAR(kelvin->Apply(273.15), 0.0, 1e-12);
  EXPECT_NEAR(ConversionBetween("°C", "K")->Apply(0.0), 273.15, 1e-12);
  EXPECT_NEAR(ConversionBetween("degree_F", "°C")->Apply(212.0), 100.0, 1e-9);
  EXPECT_TRUE(ConversionBetween("mg m^-3", "mg m-3")->IsIdentity());
  EXPECT_TRUE(ConversionBetween("mg/m^3", "mg m-3")->IsIdentity());
  EXPECT_TRUE(ConversionBetween("ug/L", "mg m-3")->IsIdentity());
  EXPECT_DOUBLE_EQ(ConversionBetween("kg m-3", "mg m-3")->Apply(2e-6), 2.0);
  EXPECT_DOUBLE_EQ(ConversionBetween("cm", "m")->Apply(150.0), 1.5);
  EXPECT_DOUBLE_EQ(ConversionBetween("cm/s", "m s-1")->Apply(25.0), 0.25);
  EXPECT_TRUE(ConversionBetween("degree_C", "°C")->IsIdentity());
  // Different quantities, or an unknown unit: nothing to convert.
  EXPECT_EQ(ConversionBetween("kelvin", "mg m-3"), std::nullopt);
  EXPECT_EQ(ConversionBetween("m", "m s-1"), std::nullopt);
  EXPECT_EQ(ConversionBetween("furlongs", "m"), std::nullopt);
  EXPECT_TRUE(SameUnit("mg m^-3", "mg/m^3"));
  EXPECT_TRUE(SameUnit("weird", " weird"));
  EXPECT_FALSE(SameUnit("kelvin", "degree_C"));
  EXPECT_FALSE(SameUnit("weird", "odd"));
}

SourceConfig Source(std::string parameter) {
  SourceConfig source;
  source.id = "noaa";
  source.parameter = std::move(parameter);
  return source;
}

ServerConfig Server(std::string dataset, std::string variable, std::string units = "") {
  return {"https://example.org/erddap",
          std::move(dataset),
          std::move(variable),
          1.0,
          0.0,
          std::move(units)};
}

TEST(ErddapUnits, EachServersOwnUnitsAreConvertedToTheParameters) {
  const auto sst = Source("sst");
  const auto mur = ErddapUnitConversion(sst, Server("jplMURSST41", "analysed_sst"), "degree_C");
  ASSERT_TRUE(mur.value) << mur.error;
  EXPECT_TRUE(mur.value->IsIdentity());
  const auto blended =
      ErddapUnitConversion(sst, Server("noaacwBLENDEDsstDNDaily", "analysed_sst"), "kelvin");
  ASSERT_TRUE(blended.value) << blended.error;
  EXPECT_NEAR(blended.value->Apply(290.0), 16.85, 1e-9);
  const auto chl = ErddapUnitConversion(Source("chlorophyll_a"),
                                        Server("noaacwNPPVIIRSchlaDaily", "chlor_a"), "mg m^-3");
  ASSERT_TRUE(chl.value) << chl.error;
  EXPECT_TRUE(chl.value->IsIdentity());
  // The configured units are a spelling of the dataset's: not a mismatch.
  EXPECT_TRUE(
      ErddapUnitConversion(sst, Server("jplMURSST41", "analysed_sst", "Celsius"), "degree_C")
          .value);
  // A dataset without a units attribute: the server's configured units say what it is in.
  const auto configured = ErddapUnitConversion(sst, Server("ghrsst", "analysed_sst", "K"), "");
  ASSERT_TRUE(configured.value) << configured.error;
  EXPECT_NEAR(configured.value->Apply(273.15), 0.0, 1e-12);
}

TEST(ErddapUnits, RefusalsNameTheSourceDatasetAndUnit) {
  const auto sst = Source("sst");
  EXPECT_EQ(ErddapUnitConversion(sst, Server("odd", "analysed_sst"), "furlongs").error,
            "source noaa, dataset odd: analysed_sst is in \"furlongs\", which cannot be "
            "converted to sst's °C");
  EXPECT_THAT(ErddapUnitConversion(sst, Server("chl", "chlor_a"), "mg m-3").error,
              HasSubstr("dataset chl: chlor_a is in \"mg m-3\", which cannot be converted"));
  EXPECT_THAT(ErddapUnitConversion(sst, Server("mur", "analysed_sst", "kelvin"), "degree_C").error,
              HasSubstr("analysed_sst is in \"degree_C\", configured for \"kelvin\""));
  EXPECT_THAT(ErddapUnitConversion(sst, Server("bare", "analysed_sst"), "").error,
              HasSubstr("dataset bare: analysed_sst has no units attribute"));
  // A kelvin dataset whose server still subtracts 273.15 itself would be converted twice.
  auto manual = Server("blended", "analysed_sst");
  manual.offset = -273.15;
  EXPECT_THAT(ErddapUnitConversion(sst, manual, "kelvin").error,
              HasSubstr("would convert it twice"));
  EXPECT_THAT(ErddapUnitConversion(Source("nope"), Server("d", "v"), "K").error,
              HasSubstr("\"nope\" is not a catalogue parameter"));
}

}  // namespace
}  // namespace ocean::sources
