#include "core/locations.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <cmath>
#include <set>
#include <stdexcept>

#include "core/config_file.hpp"

namespace ocean::core {
namespace {

namespace json = boost::json;

[[noreturn]] void Fail(std::string_view file, std::size_t index, std::string_view id,
                       std::string_view field, std::string_view why) {
  const std::string entry =
      id.empty() ? fmt::format("entry {}", index) : fmt::format("entry {} (\"{}\")", index, id);
  throw std::runtime_error(fmt::format("{}: {}: {}: {}", file, entry, field, why));
}

double Coordinate(const json::object& object, std::string_view file, std::size_t index,
                  std::string_view id, std::string_view field, double limit) {
  const auto* value = object.if_contains(field);
  if (value == nullptr) Fail(file, index, id, field, "missing");
  if (!value->is_number()) Fail(file, index, id, field, "must be a number");
  const double number = value->to_number<double>();
  if (!std::isfinite(number) || number < -limit || number > limit) {
    Fail(file, index, id, field, fmt::format("must be a number in [-{}, {}]", limit, limit));
  }
  return number;
}

bool IsValidNdbcStation(std::string_view id) {
  if (id.empty() || id.size() > 16) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool IsValidLocationId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::vector<Location> ParseLocations(std::string_view text, std::string_view file_name) {
  const json::array array = ParseConfigArray(text, file_name, "locations");
  std::vector<Location> locations;
  std::set<std::string, std::less<>> seen;
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_object()) Fail(file_name, i, "", "entry", "must be an object");
    const auto& object = array[i].get_object();
    Location location;
    const auto* id = object.if_contains("id");
    if (id == nullptr) Fail(file_name, i, "", "id", "missing");
    if (!id->is_string() || !IsValidLocationId(id->get_string())) {
      Fail(file_name, i, "", "id", "must be 1-64 characters of a-z, 0-9, '_' or '-'");
    }
    location.id = std::string(id->get_string());
    if (!seen.insert(location.id).second) Fail(file_name, i, location.id, "id", "duplicate id");

    const auto* name = object.if_contains("name");
    if (name == nullptr) Fail(file_name, i, location.id, "name", "missing");
    if (!name->is_string() || name->get_string().empty() || name->get_string().size() > 200) {
      Fail(file_name, i, location.id, "name", "must be a non-empty string of at most 200 bytes");
    }
    location.name = std::string(name->get_string());
    location.latitude = Coordinate(object, file_name, i, location.id, "latitude", 90.0);
    location.longitude = Coordinate(object, file_name, i, location.id, "longitude", 180.0);
    if (const auto* description = object.if_contains("description")) {
      if (!description->is_string()) {
        Fail(file_name, i, location.id, "description", "must be a string");
      }
      location.description = std::string(description->get_string());
    }
    if (const auto* station = object.if_contains("ndbc_station")) {
      if (!station->is_string() || !IsValidNdbcStation(station->get_string())) {
        Fail(file_name, i, location.id, "ndbc_station",
             "must be an NDBC station id: 1-16 letters or digits, e.g. \"46042\"");
      }
      location.ndbc_station = std::string(station->get_string());
    }
    locations.push_back(std::move(location));
  }
  if (locations.empty()) throw std::runtime_error(fmt::format("{}: has no locations", file_name));
  return locations;
}

std::vector<Location> LoadLocationsFile(const std::string& path) {
  return ParseLocations(ReadConfigFile(path, "locations"), path);
}

}  // namespace ocean::core
