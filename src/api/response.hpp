// What every resource's handler shares: the JSON response, content negotiation, CSV fields,
// the cache key of a request, ETags and the bearer-key comparison.
#pragma once

#include <string>
#include <string_view>

#include "core/types.hpp"
#include "http/message.hpp"

namespace ocean::api {

inline constexpr std::string_view kJson = "application/json";
inline constexpr std::string_view kCsv = "text/csv; charset=utf-8";
// The most bytes of a client's text quoted in an error message.
inline constexpr std::size_t kQuotedMax = 64;

http::Response JsonResponse(std::string body, int status = 200);

// Request wants CSV: format=csv wins; otherwise an Accept header naming text/csv before JSON.
bool WantsCsv(const http::Request& request, bool format_csv);

// Appends `field` to a CSV line, quoted when it holds a comma, quote or line break.
void AppendCsvField(std::string& out, std::string_view field);

// A window that ends "now" moves with the clock: its cached answer is keyed by the minute, so
// it is at most a minute behind even when no write invalidates it.
std::string RelativeWindowKey(const http::Request& request, core::EpochMs now_ms);
// The same for answers that always move with the clock (a source's next run).
std::string MinuteKey(core::EpochMs now_ms);

// The cache key: the path, the query as sent (order matters to nobody but is stable for a
// given client), and the negotiated representation.
std::string CacheKey(const http::Request& request);

// Strong ETag of a body: a quoted 64-bit hash and the length.
std::string MakeEtag(std::string_view body);
// True when an If-None-Match header value matches `etag` (lists, W/ prefixes and * allowed).
bool EtagMatches(std::string_view if_none_match, std::string_view etag);
// Constant-time comparison of a presented bearer key with the configured one.
bool KeysEqual(std::string_view presented, std::string_view expected);

}  // namespace ocean::api
