// Units as upstreams spell them. ERDDAP passes on whatever the data provider wrote (degree_C,
// degrees_C, Celsius, deg C, K, kelvin, mg m-3, mg m^-3, mg/m^3, mg.m-3, m, meters, ...), so a
// dataset's units are read into one canonical form before they are compared with a catalogue
// parameter's unit and, when they measure the same quantity on another scale, converted.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ocean::sources {

// value in the target unit = value * scale + offset.
struct UnitConversion {
  double scale = 1.0;
  double offset = 0.0;

  double Apply(double value) const { return value * scale + offset; }
  bool IsIdentity() const { return scale == 1.0 && offset == 0.0; }
};

// The catalogue's spelling of a known unit ("degree_C" -> "°C", "mg/m^3" -> "mg m-3",
// "kelvin" -> "K"), or nullopt for a spelling we do not know.
std::optional<std::string> CanonicalUnit(std::string_view spelling);

// How values in `from` become values in `to` (any known spellings of each); nullopt when either
// is unknown or the two measure different quantities (kelvin and metres).
std::optional<UnitConversion> ConversionBetween(std::string_view from, std::string_view to);

// The same unit, however spelled; unknown spellings are the same only when identical.
bool SameUnit(std::string_view a, std::string_view b);

}  // namespace ocean::sources
