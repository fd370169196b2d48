#include "lambda/lambda.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <string>

#include "core/clock.hpp"
#include "lambda/handlers.hpp"
#include "lambda/runtime.hpp"

namespace ocean::lambda {
namespace {

std::int64_t NowMs() { return core::SystemClock().Now(); }

// CloudWatch Logs takes each stdout line as one event.
void WriteLine(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace

int RunLambda(const config::Config& config) {
  const auto api = ProcessEnv(kRuntimeApiEnv);
  if (!api || api->empty()) {
    std::fprintf(stderr,
                 "oceandash lambda: %s is not set: this command is started by AWS Lambda (or "
                 "point it at a Runtime API, host:port)\n",
                 std::string(kRuntimeApiEnv).c_str());
    return 2;
  }
  RuntimeClient client(*api);
  const std::string name = ProcessEnv(kHandlerEnv).value_or("");
  HandlerContext context{&config, ProcessEnv, NowMs};
  const auto made = MakeHandler(name, context);
  if (!made.handler) {
    const std::string error = ErrorBody(made.init_error_type, made.init_error);
    WriteLine(fmt::format(R"({{"time_ms":{},"level":"error","event":"init_error","error":{}}})",
                          NowMs(), error));
    const auto post_error = client.PostInitError(made.init_error_type, made.init_error);
    if (!post_error.empty()) {
      std::fprintf(stderr, "oceandash lambda: could not report the init error: %s\n",
                   post_error.c_str());
    }
    return 1;
  }
  LoopOptions options;
  options.now_ms = NowMs;
  options.log = WriteLine;
  return RunLoop(client, made.handler, name, options);
}

}  // namespace ocean::lambda
