#include "http/router.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "core/api_error.hpp"
#include "core/json_escape.hpp"
#include "http/errors.hpp"

namespace ocean::http {
namespace {

constexpr std::string_view kApiPrefix = "/api/";
// The most bytes of a request path quoted in an error message.
constexpr std::size_t kQuotedPathMax = 256;

std::string QuotedPath(std::string_view path) {
  const auto kept = core::TruncateUtf8(path, kQuotedPathMax);
  return kept.size() == path.size() ? std::string(path) : std::string(kept) + "...";
}

// "/a/b/" → {"a", "b", ""}; the leading slash is implied, a trailing one yields an empty segment.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool IsApiPath(std::string_view path) {
  return path.starts_with(kApiPrefix) || path == kApiPrefix.substr(0, kApiPrefix.size() - 1);
}

// The route table answers HEAD wherever it answers GET.
bool MethodMatches(Method route_method, Method request_method) {
  return route_method == request_method ||
         (route_method == Method::kGet && request_method == Method::kHead);
}

Response InternalError(const std::string& request_id) {
  return ErrorResponse(core::ApiError(core::ErrorCode::kInternal,
                                      "internal server error (request id " + request_id + ")"));
}

}  // namespace

std::vector<Router::Segment> Router::ParsePattern(const std::string& pattern) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  std::vector<Segment> segments;
  for (std::string_view part : SplitPath(pattern)) {
    if (part.starts_with('{') || part.ends_with('}')) {
      if (part.size() < 3 || !part.starts_with('{') || !part.ends_with('}')) {
        throw std::invalid_argument("malformed route parameter in: " + pattern);
      }
      segments.push_back({std::string(part.substr(1, part.size() - 2)), true});
    } else {
      segments.push_back({std::string(part), false});
    }
  }
  return segments;
}

void Router::Add(Method method, std::string pattern, Handler handler, Admission admit) {
  if (!handler) throw std::invalid_argument("route without handler: " + pattern);
  const bool duplicate = std::any_of(routes_.begin(), routes_.end(), [&](const Route& route) {
    return route.method == method && route.pattern == pattern;
  });
  if (duplicate) throw std::invalid_argument("duplicate route: " + pattern);
  auto segments = ParsePattern(pattern);
  routes_.push_back(
      {method, std::move(pattern), std::move(segments), std::move(handler), std::move(admit)});
}

void Router::SetFallback(FallbackHandler fallback) { fallback_ = std::move(fallback); }

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> infos;
  infos.reserve(routes_.size());
  for (const auto& route : routes_) infos.push_back({route.method, route.pattern});
  return infos;
}

bool Router::Match(const Route& route, const std::vector<std::string_view>& path_segments,
                   PathParams* params) {
  if (route.segments.size() != path_segments.size()) return false;
  for (std::size_t i = 0; i < path_segments.size(); ++i) {
    const Segment& segment = route.segments[i];
    if (segment.is_param) {
      if (path_segments[i].empty()) return false;
    } else if (segment.text != path_segments[i]) {
      return false;
    }
  }
  if (params) {
    for (std::size_t i = 0; i < path_segments.size(); ++i) {
      if (route.segments[i].is_param) {
        params->insert_or_assign(route.segments[i].text, std::string(path_segments[i]));
      }
    }
  }
  return true;
}

const Router::Route* Router::Find(const Request& request, PathParams& params) const {
  const auto path_segments = SplitPath(request.path);
  std::vector<Method> allowed;
  for (const auto& route : routes_) {
    if (!Match(route, path_segments, nullptr)) continue;
    if (MethodMatches(route.method, request.method)) {
      Match(route, path_segments, &params);
      return &route;
    }
    allowed.push_back(route.method);
  }

  if (!allowed.empty()) {
    std::string allow;
    std::vector<Method> listed;
    auto append = [&](Method method) {
      if (std::find(listed.begin(), listed.end(), method) != listed.end()) return;
      listed.push_back(method);
      if (!allow.empty()) allow += ", ";
      allow += ToString(method);
    };
    for (Method method : allowed) {
      append(method);
      if (method == Method::kGet) append(Method::kHead);
    }
    core::ApiError error(
        core::ErrorCode::kMethodNotAllowed,
        std::string(ToString(request.method)) + " is not allowed on " + QuotedPath(request.path));
    error.allow = std::move(allow);
    throw error;
  }

  if (fallback_ && !IsApiPath(request.path) &&
      (request.method == Method::kGet || request.method == Method::kHead)) {
    return nullptr;
  }
  throw core::ApiError(core::ErrorCode::kNotFound, "no resource at " + QuotedPath(request.path));
}

Response Router::DispatchOrThrow(const Request& request) const {
  PathParams params;
  if (const Route* route = Find(request, params)) return route->handler(request, params);
  if (auto response = fallback_(request)) return std::move(*response);
  throw core::ApiError(core::ErrorCode::kNotFound, "no resource at " + QuotedPath(request.path));
}

std::optional<Response> Router::Admit(const Request& head) const {
  try {
    PathParams params;
    const Route* route = Find(head, params);
    if (route && route->admit) route->admit(head, params);
    return std::nullopt;
  } catch (const core::ApiError& error) {
    return ErrorResponse(error);
  } catch (const std::exception& error) {
    spdlog::error("request {} {} {}: admission threw: {}", head.request_id, ToString(head.method),
                  head.path, error.what());
  } catch (...) {
    spdlog::error("request {} {} {}: admission threw a non-standard exception", head.request_id,
                  ToString(head.method), head.path);
  }
  return InternalError(head.request_id);
}

Response Router::Dispatch(const Request& request) const {
  try {
    return DispatchOrThrow(request);
  } catch (const core::ApiError& error) {
    return ErrorResponse(error);
  } catch (const core::UnavailableError& error) {
    // Normally translated by the API layer; this is the safety net so a down dependency is
    // still a retryable 503 rather than a 500.
    spdlog::warn("request {}: dependency unavailable: {}", request.request_id, error.what());
    return ErrorResponse(core::ApiError(core::ErrorCode::kUnavailable,
                                        "a backing service is unavailable, retry later"));
  } catch (const std::exception& error) {
    spdlog::error("request {} {} {}: unhandled exception: {}", request.request_id,
                  ToString(request.method), request.path, error.what());
  } catch (...) {
    spdlog::error("request {} {} {}: unhandled non-standard exception", request.request_id,
                  ToString(request.method), request.path);
  }
  return InternalError(request.request_id);
}

}  // namespace ocean::http
