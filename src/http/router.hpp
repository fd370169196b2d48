// The one route table of the service. It also produces 404, 405-with-Allow and the catch-all
// 500, so handlers only ever throw core::ApiError for expected failures.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace ocean::http {

// {name} → decoded path segment. Transparent comparator so `params.find("id")` needs no copy.
using PathParams = std::map<std::string, std::string, std::less<>>;

using Handler = std::function<Response(const Request&, const PathParams&)>;

// Decides from a request's head (its body not yet read) whether the route takes it: throws
// core::ApiError to refuse (401, 415, ...). Must not block: it runs on the network thread.
using Admission = std::function<void(const Request& head, const PathParams&)>;

// Answers GET and HEAD of paths no route matches (outside /api/); nullopt falls through to
// 404. It never needs a request body.
using FallbackHandler = std::function<std::optional<Response>(const Request&)>;

struct RouteInfo {
  Method method;
  std::string pattern;

  bool operator==(const RouteInfo&) const = default;
};

class Router {
 public:
  // `pattern` is a path such as "/api/locations/{id}/": literal segments match exactly,
  // `{name}` matches one non-empty segment. A trailing slash is significant. Registering GET
  // also answers HEAD (the transport drops the body). `admit`, when set, vets a request's head
  // before its body is read (see Admit). Throws std::invalid_argument on a malformed pattern or
  // a duplicate (method, pattern): that is a programming error at startup.
  void Add(Method method, std::string pattern, Handler handler, Admission admit = {});

  // Serves non-/api/ paths that no route matches (static files of the web export).
  void SetFallback(FallbackHandler fallback);

  // Never throws: core::ApiError becomes its error response, anything else a logged 500 that
  // quotes the request id.
  Response Dispatch(const Request& request) const;

  // For the transport, between a request's header and its body: the response Dispatch would
  // give without looking at the body (404, 405, or what the route's admission refuses), or
  // nullopt when the body is worth reading. Never throws.
  std::optional<Response> Admit(const Request& head) const;

  // Registered routes in registration order, for comparing with the OpenAPI document.
  std::vector<RouteInfo> Routes() const;

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter name
    bool is_param = false;
  };
  struct Route {
    Method method;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;
    Admission admit;
  };

  static std::vector<Segment> ParsePattern(const std::string& pattern);
  static bool Match(const Route& route, const std::vector<std::string_view>& path_segments,
                    PathParams* params);
  // The route answering the request, or nullptr when the fallback may (a GET or HEAD outside
  // /api/); throws the 404 or 405 otherwise.
  const Route* Find(const Request& request, PathParams& params) const;
  Response DispatchOrThrow(const Request& request) const;

  std::vector<Route> routes_;
  FallbackHandler fallback_;
};

}  // namespace ocean::http
