// The route table: every endpoint of the API, in one place.
#pragma once

#include "api/api.hpp"
#include "http/router.hpp"

namespace ocean::api {

void RegisterRoutes(http::Router& router, Api& api);

}  // namespace ocean::api
