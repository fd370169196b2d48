#include "sources/http_client.hpp"

#include "sources/curl_easy.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

namespace ocean::sources {
namespace {

constexpr long kMaxRedirects = 5;

// A counting semaphore whose count is set at run time (std::counting_semaphore's is not).
class HostSlots {
 public:
  explicit HostSlots(int count) : free_(count) {}
  void Acquire() {
    std::unique_lock lock(mutex_);
    released_.wait(lock, [this] { return free_ > 0; });
    --free_;
  }
  void Release() {
    {
      std::lock_guard lock(mutex_);
      ++free_;
    }
    released_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable released_;
  int free_;
};

class SlotGuard {
 public:
  explicit SlotGuard(HostSlots& slots) : slots_(slots) { slots_.Acquire(); }
  ~SlotGuard() { slots_.Release(); }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;

 private:
  HostSlots& slots_;
};

bool IsRetryableStatus(long status) { return status == 429 || status >= 500; }

bool IsRetryableTransport(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return true;
    default:
      return false;
  }
}

struct Attempt {
  HttpResponse response;
  bool retryable = false;
  std::optional<std::chrono::seconds> retry_after;
};

}  // namespace

std::string HttpResponse::Describe() const {
  if (!error.empty()) return error;
  return fmt::format("HTTP {}", status);
}

std::string CaBundlePath() {
  if (const char* configured = std::getenv("CURL_CA_BUNDLE"); configured && *configured) {
    return configured;
  }
  for (const char* path :
       {"/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt"}) {
    std::error_code error;
    if (std::filesystem::exists(path, error)) return path;
  }
  return {};
}

std::optional<std::string> UrlHost(const std::string& url) {
  CurlUrlPtr handle(curl_url());
  if (!handle) return std::nullopt;
  if (curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return std::nullopt;
  char* host_raw = nullptr;
  if (curl_url_get(handle.get(), CURLUPART_HOST, &host_raw, 0) != CURLUE_OK) return std::nullopt;
  const CurlStringPtr host(host_raw);
  std::string result(host.get());
  char* port_raw = nullptr;
  // The port only when the URL names one: two servers on one host share the host's limit
  // unless they differ by port (which, on loopback in tests, they do).
  if (curl_url_get(handle.get(), CURLUPART_PORT, &port_raw, 0) == CURLUE_OK) {
    const CurlStringPtr port(port_raw);
    result += ':';
    result += port.get();
  }
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

std::chrono::milliseconds BackoffDelay(int retry, std::chrono::milliseconds base,
                                       std::chrono::milliseconds max,
                                       std::optional<std::chrono::seconds> retry_after,
                                       double unit_random) {
  if (retry_after) {
    return std::min<std::chrono::milliseconds>(
        std::chrono::duration_cast<std::chrono::milliseconds>(*retry_after), max);
  }
  const int shift = std::clamp(retry - 1, 0, 30);
  const double ceiling =
      std::min(static_cast<double>(base.count()) * static_cast<double>(1LL << shift),
               static_cast<double>(max.count()));
  return std::chrono::milliseconds(
      static_cast<long long>(ceiling * std::clamp(unit_random, 0.0, 1.0)));
}

class HttpClient::Impl {
 public:
  explicit Impl(HttpClientOptions options) : options_(std::move(options)) {
    EnsureCurlGlobalInit();
    if (options_.user_agent.empty()) options_.user_agent = std::string(kDefaultUserAgent);
    if (!options_.sleep) {
      options_.sleep = [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); };
    }
    options_.max_attempts = std::max(1, options_.max_attempts);
    options_.max_per_host = std::max(1, options_.max_per_host);
  }

  const HttpClientOptions& options() const { return options_; }

  HttpResponse Perform(const std::string& url, const std::string* post_body,
                       const std::vector<std::string>& headers) {
    const auto host = UrlHost(url);
    if (!host) {
      HttpResponse response;
      response.error = fmt::format("invalid URL: {}", url);
      return response;
    }
    HostSlots& slots = SlotsFor(*host);
    HttpResponse last;
    for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
      Attempt result;
      {
        // Held only while the request is on the wire, not during backoff, so a host's
        // other requests proceed while this one waits.
        SlotGuard slot(slots);
        result = PerformOnce(url, post_body, headers);
      }
      result.response.attempts = attempt;
      last = std::move(result.response);
      if (!result.retryable || attempt == options_.max_attempts) break;
      const auto delay = BackoffDelay(attempt, options_.backoff_base, options_.backoff_max,
                                      result.retry_after, UnitRandom());
      spdlog::debug("{} {}: {} (attempt {}/{}), retrying in {} ms",
                    post_body == nullptr ? "GET" : "POST", url, last.Describe(), attempt,
                    options_.max_attempts, delay.count());
      options_.sleep(delay);
    }
    return last;
  }

 private:
  HostSlots& SlotsFor(const std::string& host) {
    std::lock_guard lock(slots_mutex_);
    auto& slots = slots_[host];
    if (!slots) slots = std::make_unique<HostSlots>(options_.max_per_host);
    return *slots;
  }

  double UnitRandom() {
    std::lock_guard lock(random_mutex_);
    return std::uniform_real_distribution<double>(0.0, 1.0)(random_);
  }

  Attempt PerformOnce(const std::string& url, const std::string* post_body,
                      const std::vector<std::string>& headers) {
    Attempt attempt;
    HttpResponse& response = attempt.response;
    CurlEasyPtr curl(curl_easy_init());
    if (!curl) {
      response.error = "curl_easy_init failed";
      return attempt;
    }
    CurlTransfer transfer(curl.get(),
                          {.url = url,
                           .headers = headers,
                           .post_body = post_body,
                           .ca_bundle = ca_bundle_,
                           .max_body_bytes = options_.max_body_bytes},
                          response.body);
    transfer.Set(CURLOPT_FOLLOWLOCATION, 1L, "FOLLOWLOCATION");
    transfer.Set(CURLOPT_MAXREDIRS, kMaxRedirects, "MAXREDIRS");
    transfer.Set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()),
                 "CONNECTTIMEOUT_MS");
    transfer.Set(CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()),
                 "TIMEOUT_MS");
    transfer.Set(CURLOPT_USERAGENT, options_.user_agent.c_str(), "USERAGENT");
    transfer.Set(CURLOPT_ACCEPT_ENCODING, "", "ACCEPT_ENCODING");  // every encoding curl decodes
    transfer.Set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_body_bytes),
                 "MAXFILESIZE_LARGE");
    if (!transfer.error().empty()) {
      response.error = transfer.error();
      return attempt;
    }

    const CURLcode code = transfer.Perform();
    if (code != CURLE_OK) {
      if (code == CURLE_OPERATION_TIMEDOUT) {
        response.error =
            fmt::format("timeout after {} ms ({})", options_.total_timeout.count(),
                        transfer.Detail()[0] != '\0' ? transfer.Detail() : "no detail");
      } else {
        response.error = transfer.error();
      }
      attempt.retryable = IsRetryableTransport(code);
      return attempt;
    }
    CURL* h = curl.get();
    long status = 0;
    if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK) {
      response.error = "curl_easy_getinfo(RESPONSE_CODE) failed";
      return attempt;
    }
    response.status = status;
    char* content_type = nullptr;
    if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK &&
        content_type != nullptr) {
      response.content_type = content_type;
    }
    attempt.retryable = IsRetryableStatus(status);
    if (attempt.retryable) {
      curl_off_t retry_after = 0;
      // Retry-After as seconds or an HTTP date; curl turns both into seconds (0: absent).
      if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0) {
        attempt.retry_after = std::chrono::seconds(retry_after);
      }
    }
    return attempt;
  }

  HttpClientOptions options_;
  const std::string ca_bundle_ = CaBundlePath();
  std::mutex slots_mutex_;
  std::map<std::string, std::unique_ptr<HostSlots>> slots_;
  std::mutex random_mutex_;
  std::mt19937_64 random_{std::random_device{}()};
};

HttpClient::HttpClient(HttpClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpClient::~HttpClient() = default;

HttpResponse HttpClient::Get(const std::string& url, const std::vector<std::string>& headers) {
  return impl_->Perform(url, nullptr, headers);
}

HttpResponse HttpClient::Post(const std::string& url, const std::string& body,
                              const std::vector<std::string>& headers) {
  return impl_->Perform(url, &body, headers);
}

const HttpClientOptions& HttpClient::options() const { return impl_->options(); }

}  // namespace ocean::sources
