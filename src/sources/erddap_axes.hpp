// ERDDAP griddap axes: which longitude convention a dataset uses, where a site falls on an axis,
// and the bracket of a small box of cells around it. Real datasets describe a global axis in
// either convention, sometimes by its cell edges, so an axis may overshoot -180, 180, 0 or 360
// by part of a cell (noaacwNPPVIIRSchlaDaily: -180.01875 to 180.01875, 9,602 values).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace ocean::sources {

struct ErddapAxis {
  std::string name;
  std::size_t size = 0;
  double min = 0.0;  // actual_range (ERDDAP gives min, max even for descending axes)
  double max = 0.0;
  double spacing = 0.0;     // |averageSpacing|; 0 for a single value
  bool descending = false;  // averageSpacing < 0: stored north to south (erdMH1chla8day)
};

enum class LongitudeConvention {
  kPlusMinus180,  // -180 .. 180 (also a regional axis inside 0 .. 180, where both agree)
  k0To360,        // 0 .. 360
};

// The convention of a longitude axis from its range. A minimum below 0 means -180..180 and a
// maximum above 180 means 0..360, each allowing an overshoot of a cell or half a degree
// (whichever is more) for axes described by their cell edges. nullopt for an axis that is
// neither (below -180 or above 360 beyond that, or below 0 and above 180 at once).
std::optional<LongitudeConvention> LongitudeConventionOf(const ErddapAxis& axis);

// The site's longitude as the axis spells it: wrapped into the axis's convention, or its twin
// 360° away when that lies further inside the axis (a site on the antimeridian, or just past an
// edge-described end). nullopt when neither is within a cell of the axis.
std::optional<double> LongitudeOnAxis(const ErddapAxis& axis, LongitudeConvention convention,
                                      double longitude);

// The bracket "[(a):1:(b)]" of ±`cells` cells around `value` on a latitude or longitude axis,
// clamped to the axis and in its storage order (ERDDAP answers 404 for a value more than half a
// cell past either end). nullopt when `value` is more than a cell off the axis.
std::optional<std::string> BoxBracket(const ErddapAxis& axis, double value, int cells);

// A cell's longitude reported in [-180, 180] whatever the axis's convention (180.01875 ->
// -179.98125, -180.01875 -> 179.98125, 238.125 -> -121.875).
double LongitudePlusMinus180(double longitude);

}  // namespace ocean::sources
