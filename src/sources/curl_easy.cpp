#include "sources/curl_easy.hpp"

#include <stdexcept>

namespace ocean::sources {
namespace {

constexpr const char* kAllowedProtocols = "http,https";

}  // namespace

void EnsureCurlGlobalInit() {
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) {
    throw std::runtime_error(fmt::format("curl_global_init: {}", curl_easy_strerror(code)));
  }
}

CurlTransfer::CurlTransfer(CURL* handle, const Spec& spec, std::string& body)
    : handle_(handle), sink_{&body, spec.max_body_bytes} {
  for (const auto& header : spec.headers) {
    curl_slist* appended = curl_slist_append(headers_.get(), header.c_str());
    if (appended == nullptr) {
      error_ = "curl_slist_append failed";
      return;
    }
    (void)headers_.release();  // `appended` now owns the whole list
    headers_.reset(appended);
  }
  Set(CURLOPT_URL, spec.url.c_str(), "URL");
  Set(CURLOPT_NOSIGNAL, 1L, "NOSIGNAL");  // required with timeouts in threads
  Set(CURLOPT_ERRORBUFFER, static_cast<char*>(error_buffer_), "ERRORBUFFER");
  Set(CURLOPT_PROTOCOLS_STR, kAllowedProtocols, "PROTOCOLS_STR");
  Set(CURLOPT_REDIR_PROTOCOLS_STR, kAllowedProtocols, "REDIR_PROTOCOLS_STR");
  if (!spec.ca_bundle.empty()) Set(CURLOPT_CAINFO, spec.ca_bundle.c_str(), "CAINFO");
  Set(CURLOPT_WRITEFUNCTION, &CurlTransfer::WriteBody, "WRITEFUNCTION");
  Set(CURLOPT_WRITEDATA, static_cast<void*>(&sink_), "WRITEDATA");
  if (headers_) Set(CURLOPT_HTTPHEADER, headers_.get(), "HTTPHEADER");
  if (spec.post_body != nullptr) {
    Set(CURLOPT_POST, 1L, "POST");
    Set(CURLOPT_POSTFIELDS, spec.post_body->c_str(), "POSTFIELDS");
    Set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(spec.post_body->size()),
        "POSTFIELDSIZE_LARGE");
  }
}

std::size_t CurlTransfer::WriteBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const std::size_t bytes = size * count;
  if (bytes > sink->max_bytes - sink->body->size()) {
    sink->too_large = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  sink->body->append(data, bytes);
  return bytes;
}

CURLcode CurlTransfer::Perform() {
  if (!error_.empty()) return CURLE_FAILED_INIT;
  const CURLcode code = curl_easy_perform(handle_);
  if (code == CURLE_OK) return code;
  sink_.body->clear();
  if (sink_.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    error_ = fmt::format("response body larger than {} bytes", sink_.max_bytes);
  } else {
    error_ = fmt::format("{}{}{}", curl_easy_strerror(code), error_buffer_[0] != '\0' ? ": " : "",
                         error_buffer_);
  }
  return code;
}

long CurlTransfer::Status() const {
  long status = 0;
  if (curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK) return 0;
  return status;
}

}  // namespace ocean::sources
