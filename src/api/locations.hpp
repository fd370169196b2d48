// GET /api/locations/ and /api/locations/{id}/: pure renderers of the stored rows.
#pragma once

#include <span>
#include <string>

#include "core/types.hpp"
#include "storage/store.hpp"

namespace ocean::api {

// [{"id", "name", "latitude", "longitude", "description"}, ...]
std::string RenderLocations(std::span<const core::Location> locations);
// One location, its latest observation per parameter and source, and the grid cell each
// source used for it.
std::string RenderLocationDetail(const core::Location& location,
                                 std::span<const core::Observation> latest,
                                 std::span<const storage::SourceCell> cells);

}  // namespace ocean::api
