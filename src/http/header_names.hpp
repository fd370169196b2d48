// Header names and fixed protocol strings of the HTTP layer, spelled once.
#pragma once

#include <string_view>

namespace ocean::http {

inline constexpr std::string_view kHeaderAccept = "Accept";
inline constexpr std::string_view kHeaderAcceptEncoding = "Accept-Encoding";
inline constexpr std::string_view kHeaderAllow = "Allow";
inline constexpr std::string_view kHeaderCacheControl = "Cache-Control";
inline constexpr std::string_view kHeaderContentEncoding = "Content-Encoding";
inline constexpr std::string_view kHeaderETag = "ETag";
inline constexpr std::string_view kHeaderHost = "Host";
inline constexpr std::string_view kHeaderIfNoneMatch = "If-None-Match";
inline constexpr std::string_view kHeaderOrigin = "Origin";
inline constexpr std::string_view kHeaderRequestId = "X-Request-ID";
inline constexpr std::string_view kHeaderVary = "Vary";
inline constexpr std::string_view kHeaderWwwAuthenticate = "WWW-Authenticate";

inline constexpr std::string_view kHeaderCorsAllowOrigin = "Access-Control-Allow-Origin";
inline constexpr std::string_view kHeaderCorsAllowMethods = "Access-Control-Allow-Methods";
inline constexpr std::string_view kHeaderCorsAllowHeaders = "Access-Control-Allow-Headers";
inline constexpr std::string_view kHeaderCorsExposeHeaders = "Access-Control-Expose-Headers";
inline constexpr std::string_view kHeaderCorsMaxAge = "Access-Control-Max-Age";
inline constexpr std::string_view kHeaderCorsRequestMethod = "Access-Control-Request-Method";

inline constexpr std::string_view kContentTypeJson = "application/json";
inline constexpr std::string_view kServerName = "oceandash";

}  // namespace ocean::http
