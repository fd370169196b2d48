#include "http/cors.hpp"

#include <algorithm>

#include "http/header_names.hpp"

namespace ocean::http {
namespace {

constexpr std::string_view kAllowedMethods = "GET, HEAD, POST, OPTIONS";
constexpr std::string_view kAllowedHeaders = "Authorization, Content-Type, If-None-Match";
constexpr std::string_view kExposedHeaders = "X-Request-ID, ETag";
// Browsers cap this anyway (Chromium at 2 h); 10 min keeps config changes visible quickly.
constexpr std::string_view kPreflightMaxAgeSeconds = "600";

}  // namespace

CorsPolicy::CorsPolicy(std::vector<std::string> allowed_origins)
    : allowed_origins_(std::move(allowed_origins)),
      allow_any_(std::find(allowed_origins_.begin(), allowed_origins_.end(), "*") !=
                 allowed_origins_.end()) {}

bool CorsPolicy::Allows(std::string_view origin) const {
  if (origin.empty()) return false;
  return allow_any_ || std::find(allowed_origins_.begin(), allowed_origins_.end(), origin) !=
                           allowed_origins_.end();
}

std::vector<Header> CorsPolicy::ResponseHeaders(std::string_view origin) const {
  std::vector<Header> headers;
  if (origin.empty() || allowed_origins_.empty()) return headers;
  headers.push_back({std::string(kHeaderVary), "Origin"});
  if (Allows(origin)) {
    headers.push_back({std::string(kHeaderCorsAllowOrigin), std::string(origin)});
    headers.push_back({std::string(kHeaderCorsExposeHeaders), std::string(kExposedHeaders)});
  }
  return headers;
}

std::optional<Response> CorsPolicy::Preflight(const Request& request) const {
  if (request.method != Method::kOptions) return std::nullopt;
  if (request.HeaderValue(kHeaderCorsRequestMethod).empty()) return std::nullopt;
  const std::string_view origin = request.HeaderValue(kHeaderOrigin);
  if (!Allows(origin)) return std::nullopt;

  Response response;
  response.status = 204;
  response.content_type.clear();
  response.headers = ResponseHeaders(origin);
  response.headers.push_back({std::string(kHeaderCorsAllowMethods), std::string(kAllowedMethods)});
  response.headers.push_back({std::string(kHeaderCorsAllowHeaders), std::string(kAllowedHeaders)});
  response.headers.push_back(
      {std::string(kHeaderCorsMaxAge), std::string(kPreflightMaxAgeSeconds)});
  return response;
}

}  // namespace ocean::http
