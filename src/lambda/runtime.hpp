// The Lambda Runtime API 2018-06-01 for a custom runtime (provided.al2023): the process asks
// for the next event, runs the handler, posts the response or the error, and loops; it never
// exits between invocations. Start-up failures go to /runtime/init/error.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lambda/curl_call.hpp"

namespace ocean::lambda {

// Protocol strings, named once.
inline constexpr std::string_view kRuntimeApiEnv = "AWS_LAMBDA_RUNTIME_API";
inline constexpr std::string_view kHandlerEnv = "_HANDLER";
inline constexpr std::string_view kApiVersion = "2018-06-01";
inline constexpr std::string_view kRequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
inline constexpr std::string_view kDeadlineHeader = "Lambda-Runtime-Deadline-Ms";
inline constexpr std::string_view kFunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";
inline constexpr std::string_view kTraceIdHeader = "Lambda-Runtime-Trace-Id";
inline constexpr std::string_view kErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
inline constexpr std::string_view kTraceIdEnv = "_X_AMZN_TRACE_ID";

struct Invocation {
  std::string request_id;
  std::int64_t deadline_ms = 0;  // Unix ms after which Lambda stops the function
  std::string function_arn;
  std::string trace_id;
  std::string payload;  // the event, JSON
};

// What a handler returns: a JSON response, or an error type and message. Built only by the
// named constructors.
class HandlerResult {
 public:
  static HandlerResult Success(std::string json) {
    return HandlerResult(true, std::move(json), "");
  }
  static HandlerResult Failure(std::string type, std::string message) {
    return HandlerResult(false, std::move(message), std::move(type));
  }
  bool ok() const { return ok_; }
  const std::string& payload() const { return payload_; }  // the JSON, or the error message
  const std::string& error_type() const { return error_type_; }

 private:
  HandlerResult(bool ok, std::string payload, std::string error_type)
      : ok_(ok), payload_(std::move(payload)), error_type_(std::move(error_type)) {}
  bool ok_;
  std::string payload_;
  std::string error_type_;
};

// {"errorMessage": ..., "errorType": ..., "stackTrace": []}, the body Lambda expects.
std::string ErrorBody(std::string_view type, std::string_view message);

class RuntimeClient {
 public:
  explicit RuntimeClient(std::string api_host);  // AWS_LAMBDA_RUNTIME_API: "host:port"

  // Blocks until an event arrives (no timeout). nullopt with `error` set when the call failed.
  std::optional<Invocation> Next(std::string& error);
  // Each returns an empty string on 202 Accepted, else what went wrong.
  std::string PostResponse(const std::string& request_id, const std::string& json);
  std::string PostError(const std::string& request_id, std::string_view type,
                        std::string_view message);
  std::string PostInitError(std::string_view type, std::string_view message);

 private:
  std::string Post(const std::string& path, std::string body, std::string_view error_type);

  std::string base_;  // "http://host:port/2018-06-01"
  CurlSession session_;
};

using Handler = std::function<HandlerResult(const Invocation&)>;

struct LoopOptions {
  int max_next_failures = 3;             // consecutive failed `next` calls before giving up
  std::int64_t max_invocations = 0;      // 0: loop for ever (tests stop earlier)
  std::function<std::int64_t()> now_ms;  // wall clock, Unix ms
  std::function<void(std::string_view line)> log;  // one JSON line per event
};

// Runs invocations until the Runtime API goes away (exit status 1) or max_invocations is
// reached (0). A handler that throws is reported as an invocation error, never a crash.
int RunLoop(RuntimeClient& client, const Handler& handler, std::string_view handler_name,
            const LoopOptions& options);

}  // namespace ocean::lambda
