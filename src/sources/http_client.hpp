// HTTP for the upstream fetchers: libcurl behind RAII, with timeouts, bounded retries
// (exponential backoff with full jitter on timeouts, 429 and 5xx, honouring Retry-After), at
// most `max_per_host` requests in flight per host, and a descriptive User-Agent.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocean::sources {

inline constexpr std::string_view kDefaultUserAgent =
    "oceandash/0.1.0 (ocean data dashboard; https://github.com/ocean-dashboard/oceandash)";

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{60'000};  // one attempt, transfer included
  int max_attempts = 4;                             // first try + 3 retries
  std::chrono::milliseconds backoff_base{1'000};    // 1 s, 2 s, 4 s ... (full jitter)
  std::chrono::milliseconds backoff_max{30'000};    // also caps a server's Retry-After
  int max_per_host = 2;                             // ERDDAP allows 2 active requests per IP
  std::size_t max_body_bytes = 256 * 1024 * 1024;
  std::string user_agent;  // empty: kDefaultUserAgent
  // Injected for tests: how to wait between retries (default: sleep the thread).
  std::function<void(std::chrono::milliseconds)> sleep;
};

struct HttpResponse {
  long status = 0;  // 0 when no HTTP answer arrived (see `error`)
  std::string body;
  std::string content_type;
  std::string error;  // transport error ("timeout after 60 s", "could not resolve host")
  int attempts = 0;

  bool ok() const { return error.empty() && status >= 200 && status < 300; }
  // "HTTP 503" or the transport error: for error lines.
  std::string Describe() const;
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

  // As Get, for idempotent POSTs only (retries resend the body): the ingest endpoint upserts.
  HttpResponse Post(const std::string& url, const std::string& body,
                    const std::vector<std::string>& headers = {});

  const HttpClientOptions& options() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The CA bundle for TLS: CURL_CA_BUNDLE when set, else the first existing of the usual places
// (Amazon Linux and Fedora, then Debian and Ubuntu); empty keeps libcurl's built-in default. The
// Lambda zip runs Debian's libcurl on Amazon Linux, where its built-in path does not exist.
std::string CaBundlePath();

// The host[:port] of an absolute http(s) URL, lower-cased; nullopt when it does not parse.
std::optional<std::string> UrlHost(const std::string& url);

// The delay before retry number `retry` (1-based): a uniform draw from [0, min(max, base *
// 2^(retry-1))] ("full jitter"), unless the server sent Retry-After, which wins (capped by max).
// `unit_random` is in [0, 1).
std::chrono::milliseconds BackoffDelay(int retry, std::chrono::milliseconds base,
                                       std::chrono::milliseconds max,
                                       std::optional<std::chrono::seconds> retry_after,
                                       double unit_random);

}  // namespace ocean::sources
