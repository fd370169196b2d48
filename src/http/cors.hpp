// CORS for the dashboard when it is served from another origin than the API.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace ocean::http {

class CorsPolicy {
 public:
  // Exact origins such as "https://dashboard.example.com"; "*" allows every origin.
  explicit CorsPolicy(std::vector<std::string> allowed_origins);

  bool Allows(std::string_view origin) const;

  // Headers for an ordinary response to a request carrying `origin` (may be empty): the
  // allowed origin echoed back, and Vary: Origin whenever the answer depends on it.
  std::vector<Header> ResponseHeaders(std::string_view origin) const;

  // A 204 answer when `request` is a preflight (OPTIONS + Access-Control-Request-Method) from
  // an allowed origin; nullopt otherwise, and the request goes to the router as usual.
  std::optional<Response> Preflight(const Request& request) const;

 private:
  std::vector<std::string> allowed_origins_;
  bool allow_any_ = false;
};

}  // namespace ocean::http
