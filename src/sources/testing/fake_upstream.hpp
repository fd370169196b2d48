// A scriptable fake upstream for tests: the project's own HTTP server on 127.0.0.1 (port 0)
// answering by path with recorded payloads from tests/fixtures, with scripted failures
// (N answers of 429/503, a delay longer than the client's timeout, an HTML page) in front.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "http/loopback_server.hpp"
#include "http/message.hpp"

namespace ocean::sources::testing {

struct FakeResponse {
  int status = 200;
  std::string content_type = "application/json;charset=UTF-8";
  std::string body;
  std::chrono::milliseconds delay{0};  // before answering
  std::vector<http::Header> headers;
};

// The bytes of tests/fixtures/<relative>; throws when missing.
std::string ReadFixture(std::string_view relative);

// Content types as ERDDAP and NDBC send them.
inline constexpr std::string_view kJsonType = "application/json;charset=UTF-8";
inline constexpr std::string_view kErrorType = "text/plain;charset=UTF-8";
inline constexpr std::string_view kHtmlType = "text/html";
inline constexpr std::string_view kTextType = "text/plain";

struct RecordedRequest {
  std::string method;
  std::string target;  // raw, still percent-encoded
  std::string path;
  std::string user_agent;
  std::string authorization;
  std::string content_type;
  std::string body;
};

class FakeUpstream {
 public:
  FakeUpstream();
  ~FakeUpstream();
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  std::string BaseUrl() const;  // "http://127.0.0.1:PORT"

  // Answers requests for `path` whose raw target contains `target_contains` (later routes win).
  void Serve(std::string path, FakeResponse response, std::string target_contains = "");
  // The next `count` requests for `path` get `response`, before the routes.
  void FailNext(const std::string& path, int count, const FakeResponse& response);

  int RequestCount(std::string_view path) const;
  std::vector<RecordedRequest> Requests() const;  // in arrival order

 private:
  http::Response Handle(http::Request& request);

  struct Route {
    std::string path;
    std::string target_contains;
    FakeResponse response;
  };
  mutable std::mutex mutex_;
  std::vector<Route> routes_;
  std::map<std::string, std::deque<FakeResponse>, std::less<>> failures_;
  std::vector<RecordedRequest> requests_;
  http::LoopbackServer server_;  // last: it calls Handle until it is destroyed, first
};

}  // namespace ocean::sources::testing
