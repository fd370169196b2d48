#include "api/locations.hpp"

#include <fmt/format.h>

#include "api/api.hpp"
#include "api/response.hpp"
#include "core/api_error.hpp"
#include "core/json_escape.hpp"
#include "core/observation_json.hpp"

namespace ocean::api {
namespace {

void WriteLocation(core::JsonWriter& w, const core::Location& l) {
  w.Key("id")
      .String(l.id)
      .Key("name")
      .String(l.name)
      .Key("latitude")
      .Number(l.latitude)
      .Key("longitude")
      .Number(l.longitude)
      .Key("description")
      .String(l.description);
}

}  // namespace

std::string RenderLocations(std::span<const core::Location> locations) {
  core::JsonWriter w(4096);
  w.BeginArray();
  for (const auto& location : locations) {
    w.BeginObject();
    WriteLocation(w, location);
    w.EndObject();
  }
  w.EndArray();
  return w.Take();
}

std::string RenderLocationDetail(const core::Location& location,
                                 std::span<const core::Observation> latest,
                                 std::span<const storage::SourceCell> cells) {
  core::JsonWriter w(4096);
  w.BeginObject();
  WriteLocation(w, location);
  w.Key("latest").BeginArray();
  for (const auto& observation : latest) core::WriteObservation(w, observation);
  w.EndArray();
  w.Key("cells").BeginArray();
  for (const auto& cell : cells) {
    w.BeginObject()
        .Key("source")
        .String(cell.source_id)
        .Key("parameter")
        .String(cell.parameter)
        .Key("latitude")
        .Number(cell.cell_latitude)
        .Key("longitude")
        .Number(cell.cell_longitude)
        .EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

http::Response Api::ListLocations(const http::Request& request) {
  return Cached(request, [&] { return JsonResponse(RenderLocations(store_.ListLocations())); });
}

http::Response Api::GetLocation(const http::Request& request, std::string_view id) {
  if (!request.query.empty()) {
    throw core::ApiError(core::ErrorCode::kValidation, "this endpoint takes no query parameters");
  }
  return Cached(request, [&] {
    const auto location = store_.GetLocation(id);
    if (!location) {
      // The id is the client's decoded path segment: quoted whole characters only.
      throw core::ApiError(core::ErrorCode::kNotFound,
                           fmt::format("no location \"{}\"", core::TruncateUtf8(id, kQuotedMax)));
    }
    const std::string ids[] = {location->id};
    return JsonResponse(RenderLocationDetail(*location, store_.LatestObservations(ids),
                                             store_.ListSourceCells(location->id)));
  });
}

}  // namespace ocean::api
