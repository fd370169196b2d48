// The Lambda functions' handlers, named by _HANDLER: the fetch handlers run the `fetch`
// command's sources and POST their rows to the backend's ingest endpoint; `cleanup` asks the
// backend to apply retention (POST /api/admin/cleanup/). Both authenticate with the API key
// read once per process from Secrets Manager.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lambda/runtime.hpp"
#include "lambda/secrets.hpp"

namespace ocean::config {
struct Config;
}

namespace ocean::lambda {

inline constexpr std::string_view kApiUrlEnv = "API_URL";
inline constexpr std::string_view kBackendSecretEnv = "BACKEND_SECRET";

// The handler names, in the order the Terraform functions list them.
const std::vector<std::string_view>& HandlerNames();

// A handler ready to run, or why it cannot start (reported to /runtime/init/error).
struct MadeHandler {
  Handler handler;
  std::string init_error_type;  // empty when `handler` is set
  std::string init_error;
};

struct HandlerContext {
  const config::Config* config = nullptr;  // locations and sources files
  GetEnv env = ProcessEnv;
  std::function<std::int64_t()> now_ms;
};

// Checks everything a handler needs at start-up: its name, API_URL, BACKEND_SECRET, the AWS
// settings, the locations and sources files. Reads nothing over the network: the secret is
// read at the first invocation, so start-up stays quick.
MadeHandler MakeHandler(std::string_view name, const HandlerContext& context);

}  // namespace ocean::lambda
