#include "core/catalogue.hpp"

#include <array>

namespace ocean::core {
namespace {

// Ranges: SST from the freezing point of sea water (-2.5 °C with margin) to the warmest
// recorded surface waters (~36 °C) plus margin; chlorophyll to the 100 mg m-3 cap of the
// ocean-colour products; salinity up to hypersaline lagoons; currents and SSH well past the
// strongest western boundary currents and storm surges.
constexpr std::array<Parameter, 7> kParameters = {{
    {"sst", "Sea surface temperature", "°C", "sea_surface_temperature", -2.5, 40.0},
    {"chlorophyll_a", "Chlorophyll-a concentration", "mg m-3",
     "mass_concentration_of_chlorophyll_a_in_sea_water", 0.0, 100.0},
    {"salinity", "Sea surface salinity", "PSU", "sea_water_salinity", 0.0, 45.0},
    {"wave_height", "Significant wave height", "m", "sea_surface_wave_significant_height", 0.0,
     30.0},
    {"current_u", "Eastward surface current", "m s-1", "eastward_sea_water_velocity", -5.0, 5.0},
    {"current_v", "Northward surface current", "m s-1", "northward_sea_water_velocity", -5.0, 5.0},
    {"sea_surface_height", "Sea surface height above geoid", "m", "sea_surface_height_above_geoid",
     -5.0, 5.0},
}};

}  // namespace

std::span<const Parameter> Parameters() { return kParameters; }

const Parameter* FindParameter(std::string_view id) {
  for (const auto& parameter : kParameters) {
    if (parameter.id == id) return &parameter;
  }
  return nullptr;
}

}  // namespace ocean::core
