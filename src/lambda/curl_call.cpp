#include "lambda/curl_call.hpp"

#include "sources/http_client.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace ocean::lambda {
namespace {

constexpr std::size_t kDescribeBodyBytes = 200;

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistDeleter>;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::size_t WriteBody(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// Collects "Name: value" lines; a new status line (after a 100 Continue) starts over.
std::size_t WriteHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto& headers = *static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    headers.clear();
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * count;
}

}  // namespace

struct CurlSession::Handle {
  std::unique_ptr<CURL, CurlEasyDeleter> curl{curl_easy_init()};
  std::string ca_bundle = sources::CaBundlePath();
};

std::string_view CallResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

std::string CallResponse::Describe() const {
  if (!error.empty()) return error;
  std::string start = body.substr(0, kDescribeBodyBytes);
  std::replace(start.begin(), start.end(), '\n', ' ');
  return start.empty() ? fmt::format("HTTP {}", status) : fmt::format("HTTP {}: {}", status, start);
}

CurlSession::CurlSession() : handle_(std::make_unique<Handle>()) {
  if (!handle_->curl) throw std::runtime_error("curl_easy_init failed");
}

CurlSession::~CurlSession() = default;

CallResponse CurlSession::Perform(const CallRequest& request) {
  CallResponse response;
  CURL* h = handle_->curl.get();
  curl_easy_reset(h);  // keeps the connection cache, drops the last call's options

  CurlSlistPtr header_list;
  for (const auto& header : request.headers) {
    curl_slist* appended = curl_slist_append(header_list.get(), header.c_str());
    if (appended == nullptr) {
      response.error = "curl_slist_append failed";
      return response;
    }
    (void)header_list.release();  // `appended` now owns the whole list
    header_list.reset(appended);
  }
  std::string user_password;
  std::string provider;
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURLcode code = CURLE_OK;
  const auto set = [&](CURLoption option, auto value, const char* name) {
    if (code != CURLE_OK) return;
    code = curl_easy_setopt(h, option, value);
    if (code != CURLE_OK) {
      response.error = fmt::format("curl_easy_setopt({}): {}", name, curl_easy_strerror(code));
    }
  };
  set(CURLOPT_URL, request.url.c_str(), "URL");
  set(CURLOPT_NOSIGNAL, 1L, "NOSIGNAL");
  set(CURLOPT_ERRORBUFFER, static_cast<char*>(error_buffer), "ERRORBUFFER");
  set(CURLOPT_PROTOCOLS_STR, "http,https", "PROTOCOLS_STR");
  set(CURLOPT_TIMEOUT_MS, request.timeout_ms, "TIMEOUT_MS");
  set(CURLOPT_WRITEFUNCTION, &WriteBody, "WRITEFUNCTION");
  set(CURLOPT_WRITEDATA, static_cast<void*>(&response.body), "WRITEDATA");
  set(CURLOPT_HEADERFUNCTION, &WriteHeader, "HEADERFUNCTION");
  set(CURLOPT_HEADERDATA, static_cast<void*>(&response.headers), "HEADERDATA");
  if (!handle_->ca_bundle.empty()) set(CURLOPT_CAINFO, handle_->ca_bundle.c_str(), "CAINFO");
  if (header_list) set(CURLOPT_HTTPHEADER, header_list.get(), "HTTPHEADER");
  if (request.post) {
    set(CURLOPT_POST, 1L, "POST");
    set(CURLOPT_POSTFIELDS, request.body.c_str(), "POSTFIELDS");
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()),
        "POSTFIELDSIZE_LARGE");
  }
  if (request.sigv4) {
    const auto& sig = *request.sigv4;
    provider = fmt::format("aws:amz:{}:{}", sig.region, sig.service);
    user_password = sig.access_key_id + ":" + sig.secret_access_key;
    set(CURLOPT_AWS_SIGV4, provider.c_str(), "AWS_SIGV4");
    set(CURLOPT_USERPWD, user_password.c_str(), "USERPWD");
  }
  if (code != CURLE_OK) return response;

  code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    response.body.clear();
    response.error = fmt::format("{}{}{}", curl_easy_strerror(code),
                                 error_buffer[0] != '\0' ? ": " : "", error_buffer);
    return response;
  }
  if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status) != CURLE_OK) {
    response.error = "curl_easy_getinfo(RESPONSE_CODE) failed";
  }
  return response;
}

}  // namespace ocean::lambda
