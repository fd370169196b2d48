// `oceandash lambda`: the process AWS Lambda starts through the zip's bootstrap. It reads the
// handler named by _HANDLER and serves invocations from AWS_LAMBDA_RUNTIME_API until Lambda
// stops it.
#pragma once

#include "config/config.hpp"

namespace ocean::lambda {

// Exit status: 1 when start-up failed (reported to /runtime/init/error) or the Runtime API
// went away; 2 when AWS_LAMBDA_RUNTIME_API is not set (nothing to report to).
int RunLambda(const config::Config& config);

}  // namespace ocean::lambda
