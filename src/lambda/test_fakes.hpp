// Test doubles for the Lambda runtime's tests, on loopback: a fake Secrets Manager that checks
// Signature Version 4 the way AWS does (recomputed with OpenSSL, independently of libcurl's
// signer), a fake Lambda Runtime API, and a fake backend for the handlers' calls.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/loopback_server.hpp"

namespace ocean::lambda::testing {

// The Authorization header a request should carry, recomputed from the received request (path
// "/", no query) with the secret key, as AWS does on its side. Empty when it cannot tell.
std::string ExpectedAuthorization(const http::Request& request, std::string_view secret_key);

// Refuses (403 InvalidSignatureException) a request whose signature it cannot recompute;
// answers GetSecretValue in the service's JSON 1.1 shape.
class FakeSecretsManager {
 public:
  explicit FakeSecretsManager(std::string secret_key) : secret_key_(std::move(secret_key)) {}
  std::string Url() const { return server_.BaseUrl(); }
  int Calls();
  void Put(std::string id, std::string secret_string);

 private:
  http::Response Handle(http::Request& request);

  std::string secret_key_;
  std::mutex mutex_;
  int calls_ = 0;
  std::map<std::string, std::string> secrets_;
  http::LoopbackServer server_{[this](http::Request& request) { return Handle(request); }};
};

struct FakeEvent {
  std::string request_id;
  std::int64_t deadline_ms = 0;
  std::string payload = "{}";
};

// What the runtime posted: a response, an invocation error or an init error.
struct Posted {
  std::string kind;  // "response", "error", "init_error"
  std::string request_id;
  std::string error_type;  // Lambda-Runtime-Function-Error-Type
  std::string body;
  std::chrono::steady_clock::time_point handed_out;  // when `next` gave out its event
  std::chrono::steady_clock::time_point at;          // when the post arrived
};

// The Runtime API 2018-06-01: `next` hands out the queued events in order (503 when none is
// left, which a test avoids by bounding the loop), posts are recorded and answered 202.
class FakeRuntimeApi {
 public:
  explicit FakeRuntimeApi(std::deque<FakeEvent> events) : events_(std::move(events)) {}
  std::string Host() const;  // "127.0.0.1:PORT", as AWS_LAMBDA_RUNTIME_API gives it
  std::vector<Posted> Posts();
  int NextCalls();
  // When the first `next` call arrived; nullopt before.
  std::optional<std::chrono::steady_clock::time_point> FirstNext();

 private:
  http::Response Handle(http::Request& request);

  std::mutex mutex_;
  std::deque<FakeEvent> events_;
  std::vector<Posted> posts_;
  std::map<std::string, std::chrono::steady_clock::time_point> handed_out_;
  std::optional<std::chrono::steady_clock::time_point> first_next_;
  int next_calls_ = 0;
  http::LoopbackServer server_{[this](http::Request& request) { return Handle(request); }};
};

// Records every request; answers each path with a fixed response (200 "{}" by default).
class FakeBackend {
 public:
  std::string Url() const { return server_.BaseUrl(); }
  void Answer(std::string path, int status, std::string body);
  std::vector<http::Request> Requests();

 private:
  http::Response Handle(http::Request& request);

  std::mutex mutex_;
  std::map<std::string, std::pair<int, std::string>> answers_;
  std::vector<http::Request> requests_;
  http::LoopbackServer server_{[this](http::Request& request) { return Handle(request); }};
};

}  // namespace ocean::lambda::testing
