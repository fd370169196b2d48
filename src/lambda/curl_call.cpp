#include "lambda/curl_call.hpp"

#include "sources/curl_easy.hpp"
#include "sources/http_client.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace ocean::lambda {
namespace {

constexpr std::size_t kDescribeBodyBytes = 200;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
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
  sources::CurlEasyPtr curl{curl_easy_init()};
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

  sources::CurlTransfer transfer(h,
                                 {.url = request.url,
                                  .headers = request.headers,
                                  .post_body = request.post ? &request.body : nullptr,
                                  .ca_bundle = handle_->ca_bundle},
                                 response.body);
  transfer.Set(CURLOPT_TIMEOUT_MS, request.timeout_ms, "TIMEOUT_MS");
  transfer.Set(CURLOPT_HEADERFUNCTION, &WriteHeader, "HEADERFUNCTION");
  transfer.Set(CURLOPT_HEADERDATA, static_cast<void*>(&response.headers), "HEADERDATA");
  std::string user_password;
  std::string provider;
  if (request.sigv4) {
    const auto& sig = *request.sigv4;
    provider = fmt::format("aws:amz:{}:{}", sig.region, sig.service);
    user_password = sig.access_key_id + ":" + sig.secret_access_key;
    transfer.Set(CURLOPT_AWS_SIGV4, provider.c_str(), "AWS_SIGV4");
    transfer.Set(CURLOPT_USERPWD, user_password.c_str(), "USERPWD");
  }
  if (transfer.Perform() != CURLE_OK) {
    response.error = transfer.error();
    return response;
  }
  response.status = transfer.Status();
  if (response.status == 0) response.error = "curl_easy_getinfo(RESPONSE_CODE) failed";
  return response;
}

}  // namespace ocean::lambda
