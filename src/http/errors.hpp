// The one mapping from core::ApiError to an HTTP status and the contract's JSON error body.
#pragma once

#include "core/api_error.hpp"
#include "http/message.hpp"

namespace ocean::http {

// {"error":{"code":"snake_case","message":"…","details":[{"index":i,"field":"…","message":"…"}]}}
// `details` is always present (possibly empty); `index` only when the detail has one.
// Adds `Allow` for 405 (from ApiError::allow) and `WWW-Authenticate: Bearer` for 401.
Response ErrorResponse(const core::ApiError& error);

}  // namespace ocean::http
