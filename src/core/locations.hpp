// The locations file: a JSON array of {id, name, latitude, longitude, description,
// ndbc_station?}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"

namespace ocean::core {

// Parses and validates the file's text. Throws std::runtime_error naming the file, the entry
// (index and id when known) and the field, e.g.
// "config/locations.json: entry 3 (\"monterey\"): latitude: must be a number in [-90, 90]".
std::vector<Location> ParseLocations(std::string_view text, std::string_view file_name);

// Reads then parses; a missing or unreadable file is an error naming it.
std::vector<Location> LoadLocationsFile(const std::string& path);

bool IsValidLocationId(std::string_view id);

}  // namespace ocean::core
