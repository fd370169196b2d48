#include "sources/erddap_axes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace ocean::sources {
namespace {

// Edge-described global axes overshoot their convention's ends by half a cell; half a degree
// covers that for any grid of up to a degree.
constexpr double kMinOvershootDegrees = 0.5;

std::string FormatNumber(double value) {
  std::string text = fmt::format("{:.6f}", value);
  while (text.ends_with('0')) text.pop_back();
  if (text.ends_with('.')) text.pop_back();
  if (text == "-0") text = "0";
  return text;
}

std::string Range(double first, double last) {
  return fmt::format("[({}):1:({})]", FormatNumber(first), FormatNumber(last));
}

// How far a site may lie past the end of an axis: the coast cell at the edge of a regional grid
// still covers it.
double OffAxisMargin(const ErddapAxis& axis) { return std::max(axis.spacing, 1e-9); }

// `value` moved by whole turns into [low, low + 360).
double WrapFrom(double value, double low) {
  double turns = std::fmod(value - low, 360.0);
  if (turns < 0.0) turns += 360.0;
  return low + turns;
}

// How far inside the axis `value` is: negative when outside.
double Inside(const ErddapAxis& axis, double value) {
  return std::min(value - axis.min, axis.max - value);
}

}  // namespace

std::optional<LongitudeConvention> LongitudeConventionOf(const ErddapAxis& axis) {
  const double overshoot = std::max(axis.spacing, kMinOvershootDegrees);
  if (axis.min < -180.0 - overshoot || axis.max > 360.0 + overshoot) return std::nullopt;
  const bool west_of_greenwich = axis.min < -overshoot;
  const bool east_of_antimeridian = axis.max > 180.0 + overshoot;
  if (west_of_greenwich && east_of_antimeridian) return std::nullopt;
  return east_of_antimeridian ? LongitudeConvention::k0To360 : LongitudeConvention::kPlusMinus180;
}

std::optional<double> LongitudeOnAxis(const ErddapAxis& axis, LongitudeConvention convention,
                                      double longitude) {
  if (!std::isfinite(longitude)) return std::nullopt;
  const double wrapped =
      WrapFrom(longitude, convention == LongitudeConvention::k0To360 ? 0.0 : -180.0);
  // The wrapped value first, so a tie (a site on the seam of an axis that overshoots both ends
  // equally) keeps the convention's own spelling.
  double best = wrapped;
  for (const double twin : {wrapped - 360.0, wrapped + 360.0}) {
    if (Inside(axis, twin) > Inside(axis, best)) best = twin;
  }
  if (Inside(axis, best) < -OffAxisMargin(axis)) return std::nullopt;
  return best;
}

std::optional<std::string> BoxBracket(const ErddapAxis& axis, double value, int cells) {
  if (Inside(axis, value) < -OffAxisMargin(axis)) return std::nullopt;
  // Clamped, never wrapped: near the antimeridian the box stops at the axis's end instead of
  // continuing on the other side (one query cannot ask for both ends of an axis), so a site
  // there is matched only against the cells on its own side of the seam.
  const double half = axis.spacing * cells;
  const double low = std::clamp(value - half, axis.min, axis.max);
  const double high = std::clamp(value + half, axis.min, axis.max);
  return axis.descending ? Range(high, low) : Range(low, high);
}

double LongitudePlusMinus180(double longitude) {
  double value = std::fmod(longitude, 360.0);
  if (value > 180.0) value -= 360.0;
  if (value < -180.0) value += 360.0;
  return value;
}

}  // namespace ocean::sources
