// HTTP GET for the upstream fetchers: libcurl behind RAII, with timeouts, bounded retries
// (exponential backoff with jitter on timeouts, 429 and 5xx, honouring Retry-After), at most
// `max_per_host` requests in flight per host, and a descriptive User-Agent.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ocean::sources {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{60'000};  // one attempt, transfer included
  int max_attempts = 4;                              // first try + 3 retries
  std::chrono::milliseconds backoff_base{1'000};     // 1 s, 2 s, 4 s ... (+ jitter)
  std::chrono::milliseconds backoff_max{30'000};
  int max_per_host = 2;  // ERDDAP allows 2 active requests per IP
  std::size_t max_body_bytes = 256 * 1024 * 1024;
  std::string user_agent;  // default: "oceandash/<version> (ocean data dashboard; +<repo url>)"
  // Injected for tests: how to wait between retries.
  std::function<void(std::chrono::milliseconds)> sleep;
};

struct HttpResponse {
  long status = 0;         // 0 when no HTTP answer arrived (see `error`)
  std::string body;
  std::string content_type;
  std::string error;       // transport error ("timeout after 60 s", "could not resolve host")
  int attempts = 0;

  bool ok() const { return error.empty() && status >= 200 && status < 300; }
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Thread-safe. Retries as described above; returns the last answer when attempts run out.
  // Never throws for network or HTTP failures.
  HttpResponse Get(const std::string& url, const std::vector<std::string>& headers = {});

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocean::sources
