// Longitude axes as real ERDDAP servers report them: both conventions, described by cell
// centres or by cell edges (overshooting the ends by half a cell), ascending and descending,
// with sites on and next to Greenwich and the antimeridian.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <span>
#include <string>

#include "sources/erddap_axes.hpp"

namespace ocean::sources {
namespace {

ErddapAxis Longitude(double min, double max, std::size_t size, bool descending = false) {
  ErddapAxis axis;
  axis.name = "longitude";
  axis.size = size;
  axis.min = min;
  axis.max = max;
  axis.spacing = (max - min) / static_cast<double>(size - 1);
  axis.descending = descending;
  return axis;
}

// noaacwNPPVIIRSchlaDaily: edges of 0.0375° cells, half a cell past -180 and 180.
ErddapAxis ViirsEdges(bool descending = false) {
  return Longitude(-180.01875, 180.01874999999998, 9602, descending);
}
// A 0..360 axis described the same way: 0.025° cells, half a cell past 0 and 360.
ErddapAxis Edges0To360(bool descending = false) {
  return Longitude(-0.0125, 360.0125, 14402, descending);
}
// jplMURSST41: -179.99 .. 180.0, 0.01°.
ErddapAxis Mur() { return Longitude(-179.99, 180.0, 36000); }
// ncdcOisst21Agg: cell centres 0.125 .. 359.875, 0.25°.
ErddapAxis Oisst() { return Longitude(0.125, 359.875, 1440); }

// The bracket a site gets on `axis`, or "off" when it is not on the axis.
std::string Bracket(const ErddapAxis& axis, double site) {
  const auto convention = LongitudeConventionOf(axis);
  if (!convention) return "no convention";
  const auto value = LongitudeOnAxis(axis, *convention, site);
  if (!value) return "off";
  return BoxBracket(axis, *value, 2).value_or("off");
}

struct SiteBracket {
  double site;
  std::string_view bracket;  // as Bracket gives it
};

void ExpectBrackets(const ErddapAxis& axis, std::span<const SiteBracket> cases) {
  for (const auto& c : cases) EXPECT_EQ(Bracket(axis, c.site), c.bracket) << "site " << c.site;
}

TEST(LongitudeConvention, DecidedByTheRangeAllowingEdgeOvershoot) {
  EXPECT_EQ(LongitudeConventionOf(ViirsEdges()), LongitudeConvention::kPlusMinus180);
  EXPECT_EQ(LongitudeConventionOf(ViirsEdges(true)), LongitudeConvention::kPlusMinus180);
  EXPECT_EQ(LongitudeConventionOf(Mur()), LongitudeConvention::kPlusMinus180);
  EXPECT_EQ(LongitudeConventionOf(Edges0To360()), LongitudeConvention::k0To360);
  EXPECT_EQ(LongitudeConventionOf(Edges0To360(true)), LongitudeConvention::k0To360);
  EXPECT_EQ(LongitudeConventionOf(Oisst()), LongitudeConvention::k0To360);
  // Regional grids: the Californian coast in either convention, and one inside 0..180 where
  // both conventions agree.
  EXPECT_EQ(LongitudeConventionOf(Longitude(-130.0, -115.0, 1501)),
            LongitudeConvention::kPlusMinus180);
  EXPECT_EQ(LongitudeConventionOf(Longitude(230.0, 245.0, 1501)), LongitudeConvention::k0To360);
  EXPECT_EQ(LongitudeConventionOf(Longitude(120.0, 150.0, 121)),
            LongitudeConvention::kPlusMinus180);
  // A coarse 1° grid described by its edges overshoots by half a degree.
  EXPECT_EQ(LongitudeConventionOf(Longitude(-0.5, 360.5, 362)), LongitudeConvention::k0To360);
  EXPECT_EQ(LongitudeConventionOf(Longitude(-180.5, 180.5, 362)),
            LongitudeConvention::kPlusMinus180);
  // Neither: west of Greenwich and past the antimeridian at once, or beyond either end.
  EXPECT_EQ(LongitudeConventionOf(Longitude(-179.99, 359.99, 54000)), std::nullopt);
  EXPECT_EQ(LongitudeConventionOf(Longitude(-200.0, 0.0, 201)), std::nullopt);
  EXPECT_EQ(LongitudeConventionOf(Longitude(0.0, 400.0, 401)), std::nullopt);
}

TEST(LongitudeOnAxis, EdgeDescribedMinus180To180Ascending) {
  const SiteBracket sites[] = {
      {-122.03, "[(-122.105):1:(-121.955)]"},
      {-119.9, "[(-119.975):1:(-119.825)]"},
      // The box is clamped at the axis's ends, never past them (ERDDAP: 404).
      {-179.99, "[(-180.01875):1:(-179.915)]"},
      {-0.01, "[(-0.085):1:(0.065)]"},
      {0.0, "[(-0.075):1:(0.075)]"},
      {179.99, "[(179.915):1:(180.01875)]"},
      // On the antimeridian: -180 and 180 are both on the axis, equally far inside;
      // the convention's own spelling is kept.
      {180.0, "[(-180.01875):1:(-179.925)]"},
      {-180.0, "[(-180.01875):1:(-179.925)]"},
      // A site given in the other convention is wrapped into this one.
      {237.97, "[(-122.105):1:(-121.955)]"},
  };
  ExpectBrackets(ViirsEdges(), sites);
}

TEST(LongitudeOnAxis, EdgeDescribedMinus180To180Descending) {
  const SiteBracket sites[] = {
      {-119.9, "[(-119.825):1:(-119.975)]"}, {-179.99, "[(-179.915):1:(-180.01875)]"},
      {-0.01, "[(0.065):1:(-0.085)]"},       {0.0, "[(0.075):1:(-0.075)]"},
      {179.99, "[(180.01875):1:(179.915)]"}, {180.0, "[(-179.925):1:(-180.01875)]"},
  };
  ExpectBrackets(ViirsEdges(true), sites);
}

TEST(LongitudeOnAxis, EdgeDescribed0To360Ascending) {
  const SiteBracket sites[] = {
      {-122.03, "[(237.92):1:(238.02)]"},
      {-179.99, "[(179.96):1:(180.06)]"},
      // -0.01 is on the axis twice (-0.01 and 359.99); 359.99 is further inside.
      {-0.01, "[(359.94):1:(360.0125)]"},
      {0.0, "[(-0.0125):1:(0.05)]"},
      {179.99, "[(179.94):1:(180.04)]"},
      {180.0, "[(179.95):1:(180.05)]"},
      {-180.0, "[(179.95):1:(180.05)]"},
  };
  ExpectBrackets(Edges0To360(), sites);
}

TEST(LongitudeOnAxis, EdgeDescribed0To360Descending) {
  const SiteBracket sites[] = {
      {-122.03, "[(238.02):1:(237.92)]"},
      {-0.01, "[(360.0125):1:(359.94)]"},
      {0.0, "[(0.05):1:(-0.0125)]"},
      {-180.0, "[(180.05):1:(179.95)]"},
  };
  ExpectBrackets(Edges0To360(true), sites);
}

TEST(LongitudeOnAxis, CellCentreAxes) {
  // MUR ends at 180.0 and starts a cell east of -180: a site on the antimeridian uses 180.
  const SiteBracket mur_sites[] = {
      {-180.0, "[(179.98):1:(180)]"},
      {180.0, "[(179.98):1:(180)]"},
      {-179.99, "[(-179.99):1:(-179.97)]"},
      {-0.01, "[(-0.03):1:(0.01)]"},
  };
  ExpectBrackets(Mur(), mur_sites);
  // OISST's centres stop 0.125° short of 0 and 360: sites in that gap are within a cell, and
  // the box stays on the side they were wrapped to.
  const SiteBracket oisst_sites[] = {
      {-0.01, "[(359.49):1:(359.875)]"},
      {0.0, "[(0.125):1:(0.5)]"},
      {179.99, "[(179.49):1:(180.49)]"},
      {-179.99, "[(179.51):1:(180.51)]"},
  };
  ExpectBrackets(Oisst(), oisst_sites);
}

TEST(LongitudeOnAxis, SitesOffARegionalAxis) {
  const auto california = Longitude(-130.0, -115.0, 1501);
  const SiteBracket sites[] = {
      {-122.03, "[(-122.05):1:(-122.01)]"},
      {237.97, "[(-122.05):1:(-122.01)]"},
      {-114.995, "[(-115.015):1:(-115)]"},  // within a cell
      {-114.9, "off"},
      {0.0, "off"},
  };
  ExpectBrackets(california, sites);
  const auto convention = LongitudeConventionOf(california);
  ASSERT_TRUE(convention);
  EXPECT_EQ(LongitudeOnAxis(california, *convention, std::nan("")), std::nullopt);
}

TEST(LongitudePlusMinus180, ReportedCellsAreInMinus180To180) {
  EXPECT_DOUBLE_EQ(LongitudePlusMinus180(-180.01875), 179.98125);
  EXPECT_DOUBLE_EQ(LongitudePlusMinus180(180.01875), 180.01875 - 360.0);
  EXPECT_DOUBLE_EQ(LongitudePlusMinus180(238.125), 238.125 - 360.0);
  EXPECT_DOUBLE_EQ(LongitudePlusMinus180(360.0125), 360.0125 - 360.0);
  EXPECT_DOUBLE_EQ(LongitudePlusMinus180(-0.0125), -0.0125);
  EXPECT_DOUBLE_EQ(LongitudePlusMinus180(180.0), 180.0);
  EXPECT_DOUBLE_EQ(LongitudePlusMinus180(-180.0), -180.0);
}

}  // namespace
}  // namespace ocean::sources
