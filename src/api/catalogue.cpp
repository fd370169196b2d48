#include "api/catalogue.hpp"

#include "api/api.hpp"
#include "api/openapi.hpp"
#include "api/response.hpp"
#include "core/catalogue.hpp"
#include "core/json_writer.hpp"

namespace ocean::api {

std::string RenderParameters() {
  core::JsonWriter w(2048);
  w.BeginArray();
  for (const auto& p : core::Parameters()) {
    w.BeginObject()
        .Key("id")
        .String(p.id)
        .Key("name")
        .String(p.name)
        .Key("unit")
        .String(p.unit)
        .Key("standard_name")
        .String(p.standard_name)
        .Key("valid_min")
        .Number(p.valid_min)
        .Key("valid_max")
        .Number(p.valid_max)
        .EndObject();
  }
  w.EndArray();
  return w.Take();
}

http::Response Api::ListParameters(const http::Request& request) {
  return Cached(request, [] { return JsonResponse(RenderParameters()); });
}

http::Response Api::OpenApi(const http::Request& request) {
  return Cached(request, [] { return JsonResponse(std::string(OpenApiDocument())); });
}

}  // namespace ocean::api
