// Transport-neutral request and response. The Beast session converts to and from these so that
// the router, the API handlers and their tests never include Beast.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocean::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view ToString(Method method);
Method ParseMethod(std::string_view text);

struct Header {
  std::string name;
  std::string value;
};

struct Request {
  Method method = Method::kGet;
  std::string target;  // raw request target: path and query, still percent-encoded
  std::string path;    // decoded path, without query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order, repeats kept
  std::vector<Header> headers;
  std::string body;
  std::string request_id;
  std::string scheme_host;  // "http://host:port" as the client addressed us, for absolute links

  // Case-insensitive header lookup; empty when absent.
  std::string_view HeaderValue(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<Header> headers;  // extra headers (ETag, Allow, WWW-Authenticate, ...)
  std::string body;
  // When set, the transport serves this file's bytes instead of `body` (static assets).
  std::string file_path;
};

}  // namespace ocean::http
