// libcurl's easy interface behind RAII, shared by the upstream client (sources/http_client) and
// the Lambda runtime (lambda/curl_call): owners of libcurl's handles, lists and strings, and one
// request's setup where every curl_easy_setopt is checked and the first failure names its option.
#pragma once

#include <curl/curl.h>
#include <fmt/format.h>

#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace ocean::sources {

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

// curl_global_init is not thread-safe and must run once before any handle exists. Throws
// std::runtime_error when it fails.
void EnsureCurlGlobalInit();

// One request on an easy handle the caller owns (and may reuse: Lambda keeps its connection
// alive). The constructor sets what every call sets: the URL, no signals (timeouts in threads),
// the error buffer, http and https only (redirects too), the CA bundle, the headers, a POST
// body when there is one and the response body into `body`, up to `max_body_bytes`.
class CurlTransfer {
 public:
  struct Spec {
    const std::string& url;
    const std::vector<std::string>& headers;  // "Name: value"
    const std::string* post_body = nullptr;   // GET when null
    const std::string& ca_bundle;             // empty: libcurl's default
    std::size_t max_body_bytes = std::numeric_limits<std::size_t>::max();
  };

  CurlTransfer(CURL* handle, const Spec& spec, std::string& body);
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  // A further option; does nothing once an earlier one failed.
  template <typename Value>
  void Set(CURLoption option, Value value, const char* name) {
    if (!error_.empty()) return;
    const CURLcode code = curl_easy_setopt(handle_, option, value);
    if (code != CURLE_OK) {
      error_ = fmt::format("curl_easy_setopt({}): {}", name, curl_easy_strerror(code));
    }
  }

  // The setup failure, or after Perform the transfer's: empty when all went well.
  const std::string& error() const { return error_; }

  // Runs the request unless the setup failed. On failure the body is cleared and error() says
  // why ("<curl's message>: <detail>"; "response body larger than N bytes").
  CURLcode Perform();

  // The transfer's detail line from libcurl ("" when none).
  const char* Detail() const { return error_buffer_; }
  // HTTP status of the last response; 0 when there is none.
  long Status() const;

 private:
  struct BodySink {
    std::string* body;
    std::size_t max_bytes;
    bool too_large = false;
  };
  static std::size_t WriteBody(char* data, std::size_t size, std::size_t count, void* user);

  CURL* handle_;
  CurlSlistPtr headers_;
  BodySink sink_;
  char error_buffer_[CURL_ERROR_SIZE] = {};
  std::string error_;
};

}  // namespace ocean::sources
