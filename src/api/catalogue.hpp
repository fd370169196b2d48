// GET /api/parameters/ and /api/openapi.json: what the API measures and how it is called.
#pragma once

#include <string>

namespace ocean::api {

// The parameter catalogue (core/catalogue.hpp) as the contract's JSON array.
std::string RenderParameters();

}  // namespace ocean::api
