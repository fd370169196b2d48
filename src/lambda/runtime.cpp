#include "lambda/runtime.hpp"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <thread>

#include "core/json_escape.hpp"

namespace ocean::lambda {
namespace {

constexpr long kAccepted = 202;
// A failed `next` is retried after this pause; the Runtime API is local, so a few short
// pauses tell a restart from a runtime that is gone.
constexpr auto kNextRetryPause = std::chrono::milliseconds(100);

std::string Quote(std::string_view text) {
  std::string out;
  core::AppendJsonString(out, text);
  return out;
}

std::int64_t ParseInt(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() ? value : 0;
}

}  // namespace

std::string ErrorBody(std::string_view type, std::string_view message) {
  return fmt::format(R"({{"errorMessage":{},"errorType":{},"stackTrace":[]}})", Quote(message),
                     Quote(type));
}

RuntimeClient::RuntimeClient(std::string api_host)
    : base_(fmt::format("http://{}/{}", api_host, kApiVersion)) {}

std::optional<Invocation> RuntimeClient::Next(std::string& error) {
  CallRequest request;
  request.url = base_ + "/runtime/invocation/next";
  const auto response = session_.Perform(request);
  if (!response.error.empty() || response.status != 200) {
    error = response.Describe();
    return std::nullopt;
  }
  Invocation invocation;
  invocation.request_id = std::string(response.Header(kRequestIdHeader));
  if (invocation.request_id.empty()) {
    error = fmt::format("the event has no {} header", kRequestIdHeader);
    return std::nullopt;
  }
  invocation.deadline_ms = ParseInt(response.Header(kDeadlineHeader));
  invocation.function_arn = std::string(response.Header(kFunctionArnHeader));
  invocation.trace_id = std::string(response.Header(kTraceIdHeader));
  invocation.payload = response.body;
  return invocation;
}

std::string RuntimeClient::Post(const std::string& path, std::string body,
                                std::string_view error_type) {
  CallRequest request;
  request.post = true;
  request.url = base_ + path;
  request.body = std::move(body);
  request.headers.emplace_back("Content-Type: application/json");
  if (!error_type.empty())
    request.headers.push_back(fmt::format("{}: {}", kErrorTypeHeader, error_type));
  const auto response = session_.Perform(request);
  if (response.error.empty() && response.status == kAccepted) return {};
  return response.Describe();
}

std::string RuntimeClient::PostResponse(const std::string& request_id, const std::string& json) {
  return Post(fmt::format("/runtime/invocation/{}/response", request_id), json, "");
}

std::string RuntimeClient::PostError(const std::string& request_id, std::string_view type,
                                     std::string_view message) {
  return Post(fmt::format("/runtime/invocation/{}/error", request_id), ErrorBody(type, message),
              type);
}

std::string RuntimeClient::PostInitError(std::string_view type, std::string_view message) {
  return Post("/runtime/init/error", ErrorBody(type, message), type);
}

int RunLoop(RuntimeClient& client, const Handler& handler, std::string_view handler_name,
            const LoopOptions& options) {
  const auto log = [&](std::string_view level, std::string_view request_id, std::string_view event,
                       std::int64_t duration_ms, std::string_view detail) {
    if (!options.log) return;
    options.log(fmt::format(
        R"({{"time_ms":{},"level":{},"handler":{},"request_id":{},"event":{},"duration_ms":{},"detail":{}}})",
        options.now_ms(), Quote(level), Quote(handler_name), Quote(request_id), Quote(event),
        duration_ms, Quote(detail)));
  };
  int failures = 0;
  for (std::int64_t done = 0; options.max_invocations == 0 || done < options.max_invocations;) {
    std::string error;
    auto invocation = client.Next(error);
    if (!invocation) {
      if (++failures >= options.max_next_failures) {
        log("error", "", "runtime_api_gone", 0,
            fmt::format("{} failed calls to next; last: {}", failures, error));
        return 1;
      }
      std::this_thread::sleep_for(kNextRetryPause);
      continue;
    }
    failures = 0;
    ++done;
    // X-Ray reads the trace id from the environment (the runtime is single-threaded).
    if (!invocation->trace_id.empty()) {
      ::setenv(std::string(kTraceIdEnv).c_str(), invocation->trace_id.c_str(), 1);
    } else {
      ::unsetenv(std::string(kTraceIdEnv).c_str());
    }
    const auto start = options.now_ms();
    std::optional<HandlerResult> result;
    try {
      if (invocation->deadline_ms > 0 && start >= invocation->deadline_ms) {
        result = HandlerResult::Failure(
            "Runtime.DeadlineExceeded",
            fmt::format("the deadline ({} ms) had passed when the event arrived",
                        invocation->deadline_ms));
      } else {
        result = handler(*invocation);
      }
    } catch (const std::exception& e) {
      result = HandlerResult::Failure("Runtime.HandlerException", e.what());
    } catch (...) {
      result = HandlerResult::Failure("Runtime.HandlerException", "unknown exception");
    }
    const auto duration = options.now_ms() - start;
    const std::string post_error =
        result->ok()
            ? client.PostResponse(invocation->request_id, result->payload())
            : client.PostError(invocation->request_id, result->error_type(), result->payload());
    if (result->ok()) {
      log("info", invocation->request_id, "response", duration, result->payload());
    } else {
      log("error", invocation->request_id, result->error_type(), duration, result->payload());
    }
    if (!post_error.empty()) {
      log("error", invocation->request_id, "post_failed", duration, post_error);
    }
  }
  return 0;
}

}  // namespace ocean::lambda
