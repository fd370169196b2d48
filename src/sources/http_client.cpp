#include "sources/http_client.hpp"

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

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};
using CurlEasyPtr = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistDeleter>;
using CurlUrlPtr = std::unique_ptr<CURLU, CurlUrlDeleter>;
using CurlStringPtr = std::unique_ptr<char, CurlStringDeleter>;

constexpr long kMaxRedirects = 5;
constexpr const char* kAllowedProtocols = "http,https";

// curl_global_init is not thread-safe and must run once before any handle exists.
void EnsureCurlGlobalInit() {
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) {
    throw std::runtime_error(fmt::format("curl_global_init: {}", curl_easy_strerror(code)));
  }
}

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

struct BodySink {
  std::string* body;
  std::size_t max_bytes;
  bool too_large = false;
};

std::size_t WriteBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const std::size_t bytes = size * count;
  if (sink->body->size() + bytes > sink->max_bytes) {
    sink->too_large = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  sink->body->append(data, bytes);
  return bytes;
}

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
    CurlSlistPtr header_list;
    for (const auto& header : headers) {
      curl_slist* appended = curl_slist_append(header_list.get(), header.c_str());
      if (appended == nullptr) {
        response.error = "curl_slist_append failed";
        return attempt;
      }
      (void)header_list.release();  // `appended` now owns the whole list
      header_list.reset(appended);
    }
    BodySink sink{&response.body, options_.max_body_bytes};
    char error_buffer[CURL_ERROR_SIZE] = {};

    CURL* h = curl.get();
    CURLcode code = CURLE_OK;
    // Every setopt is checked: the first failure names the option and stops the attempt.
    const auto set = [&](CURLoption option, auto value, const char* name) {
      if (code != CURLE_OK) return;
      code = curl_easy_setopt(h, option, value);
      if (code != CURLE_OK) {
        response.error = fmt::format("curl_easy_setopt({}): {}", name, curl_easy_strerror(code));
      }
    };
    set(CURLOPT_URL, url.c_str(), "URL");
    set(CURLOPT_NOSIGNAL, 1L, "NOSIGNAL");  // required with timeouts in threads
    set(CURLOPT_ERRORBUFFER, static_cast<char*>(error_buffer), "ERRORBUFFER");
    set(CURLOPT_PROTOCOLS_STR, kAllowedProtocols, "PROTOCOLS_STR");
    set(CURLOPT_REDIR_PROTOCOLS_STR, kAllowedProtocols, "REDIR_PROTOCOLS_STR");
    set(CURLOPT_FOLLOWLOCATION, 1L, "FOLLOWLOCATION");
    set(CURLOPT_MAXREDIRS, kMaxRedirects, "MAXREDIRS");
    set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()),
        "CONNECTTIMEOUT_MS");
    set(CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()), "TIMEOUT_MS");
    set(CURLOPT_USERAGENT, options_.user_agent.c_str(), "USERAGENT");
    if (!ca_bundle_.empty()) set(CURLOPT_CAINFO, ca_bundle_.c_str(), "CAINFO");
    set(CURLOPT_ACCEPT_ENCODING, "", "ACCEPT_ENCODING");  // every encoding curl can decode
    set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_body_bytes),
        "MAXFILESIZE_LARGE");
    set(CURLOPT_WRITEFUNCTION, &WriteBody, "WRITEFUNCTION");
    set(CURLOPT_WRITEDATA, static_cast<void*>(&sink), "WRITEDATA");
    if (header_list) set(CURLOPT_HTTPHEADER, header_list.get(), "HTTPHEADER");
    if (post_body != nullptr) {
      set(CURLOPT_POST, 1L, "POST");
      set(CURLOPT_POSTFIELDS, post_body->c_str(), "POSTFIELDS");
      set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post_body->size()),
          "POSTFIELDSIZE_LARGE");
    }
    if (code != CURLE_OK) return attempt;

    code = curl_easy_perform(h);
    if (code != CURLE_OK) {
      response.body.clear();
      if (sink.too_large || code == CURLE_FILESIZE_EXCEEDED) {
        response.error = fmt::format("response body larger than {} bytes", options_.max_body_bytes);
      } else if (code == CURLE_OPERATION_TIMEDOUT) {
        response.error = fmt::format("timeout after {} ms ({})", options_.total_timeout.count(),
                                     error_buffer[0] != '\0' ? error_buffer : "no detail");
      } else {
        response.error = fmt::format("{}{}{}", curl_easy_strerror(code),
                                     error_buffer[0] != '\0' ? ": " : "", error_buffer);
      }
      attempt.retryable = IsRetryableTransport(code);
      return attempt;
    }
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
