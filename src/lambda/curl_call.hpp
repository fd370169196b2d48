// One HTTP exchange over libcurl for the Lambda runtime: the Runtime API (whose `next` call
// must wait without a timeout, on a connection kept alive between calls) and AWS service calls
// signed with Signature Version 4 by libcurl itself (CURLOPT_AWS_SIGV4). No retries here: the
// callers decide, since a Runtime API call and a secret read fail differently.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocean::lambda {

struct SigV4 {
  std::string region;
  std::string service;  // "secretsmanager"
  std::string access_key_id;
  std::string secret_access_key;
};

struct CallRequest {
  bool post = false;  // GET otherwise
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  long timeout_ms = 0;  // 0: none
  std::optional<SigV4> sigv4;
};

struct CallResponse {
  long status = 0;  // 0: no HTTP answer (see `error`)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string error;  // transport failure

  // Case-insensitive; empty when absent.
  std::string_view Header(std::string_view name) const;
  std::string Describe() const;  // "HTTP 503: <body start>" or the transport error
};

// One reused easy handle, so consecutive calls share a kept-alive connection. Not thread-safe.
class CurlSession {
 public:
  CurlSession();
  ~CurlSession();
  CurlSession(const CurlSession&) = delete;
  CurlSession& operator=(const CurlSession&) = delete;

  CallResponse Perform(const CallRequest& request);

 private:
  struct Handle;
  std::unique_ptr<Handle> handle_;
};

}  // namespace ocean::lambda
