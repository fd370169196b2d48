// The parts of Api every resource shares: the known-location set, the bearer key and the
// response cache. Each resource's handlers live in its own file (locations.cpp, ...).
#include "api/api.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "api/response.hpp"
#include "core/api_error.hpp"

namespace ocean::api {
namespace {

constexpr std::string_view kBearerPrefix = "Bearer ";

}  // namespace

Api::Api(storage::Store& store, cache::Cache& cache, ApiOptions options)
    : store_(store),
      cache_(cache),
      writes_(store, &cache, options.review),
      options_(std::move(options)) {
  if (!options_.now) {
    options_.now = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  ReloadLocations();
}

void Api::ReloadLocations() {
  std::set<std::string, std::less<>> ids;
  for (const auto& location : store_.ListLocations()) ids.insert(location.id);
  std::lock_guard lock(locations_mutex_);
  location_ids_ = std::move(ids);
}

bool Api::LocationExists(std::string_view id) {
  {
    std::lock_guard lock(locations_mutex_);
    if (location_ids_.contains(id)) return true;
  }
  // Another process (a second server, a fetcher) may have added it since start-up.
  if (store_.GetLocation(id)) {
    std::lock_guard lock(locations_mutex_);
    location_ids_.emplace(id);
    return true;
  }
  return false;
}

void Api::Authorize(const http::Request& request) const {
  using core::ApiError;
  using core::ErrorCode;
  if (options_.api_key.empty()) {
    throw ApiError(ErrorCode::kWritesDisabled,
                   "writes are disabled: no API key is configured on the server "
                   "(set OCEAN_API_KEY or OCEAN_API_KEY_FILE)");
  }
  const auto header = request.HeaderValue("Authorization");
  if (header.empty()) {
    throw ApiError(ErrorCode::kUnauthorized, "missing Authorization: Bearer <key> header");
  }
  if (header.size() < kBearerPrefix.size() ||
      !std::equal(kBearerPrefix.begin(), kBearerPrefix.end(), header.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    throw ApiError(ErrorCode::kUnauthorized, "Authorization must use the Bearer scheme");
  }
  if (!KeysEqual(header.substr(kBearerPrefix.size()), options_.api_key)) {
    throw ApiError(ErrorCode::kUnauthorized, "invalid API key");
  }
}

http::Response Api::Cached(const http::Request& request,
                           const std::function<http::Response()>& compute,
                           std::string_view key_suffix) {
  std::string key = CacheKey(request);
  key += key_suffix;
  auto cached = cache_.Get(key);
  if (!cached) {
    http::Response fresh = compute();
    if (fresh.status != 200) return fresh;
    if (!fresh.headers.empty()) {
      // Headers beyond ETag (a CSV page's Link) are not kept by the cache: answer uncached.
      fresh.headers.push_back({"ETag", MakeEtag(fresh.body)});
      fresh.headers.push_back({"Cache-Control", "no-cache"});
      return fresh;
    }
    cached = cache::CachedResponse{MakeEtag(fresh.body), fresh.content_type, std::move(fresh.body)};
    cache_.Put(key, *cached);
  }
  http::Response response;
  response.headers.push_back({"ETag", cached->etag});
  // Clients and proxies may keep a copy but must revalidate: data changes every ingest.
  response.headers.push_back({"Cache-Control", "no-cache"});
  if (EtagMatches(request.HeaderValue("If-None-Match"), cached->etag)) {
    response.status = 304;
    response.content_type = cached->content_type;
    return response;
  }
  response.content_type = std::move(cached->content_type);
  response.body = std::move(cached->body);
  return response;
}

}  // namespace ocean::api
