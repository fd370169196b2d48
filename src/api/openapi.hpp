// The OpenAPI 3 document (src/api/openapi.json), embedded at build time.
#pragma once

#include <string_view>

namespace ocean::api {

std::string_view OpenApiDocument();

}  // namespace ocean::api
