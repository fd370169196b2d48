// The backend's API key from AWS Secrets Manager: GetSecretValue over HTTPS, signed with
// Signature Version 4 by libcurl from the function's credentials (the standard AWS_*
// variables Lambda sets), at the endpoint the standard overrides name.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "lambda/curl_call.hpp"

namespace ocean::lambda {

using GetEnv = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (what Lambda sets).
std::optional<std::string> ProcessEnv(std::string_view name);

struct AwsSettings {
  std::string region;  // AWS_REGION, else AWS_DEFAULT_REGION
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::string endpoint;       // https://secretsmanager.<region>.amazonaws.com or an override
};

// Reads the settings for Secrets Manager; the error names the missing variable.
struct AwsSettingsResult {
  std::optional<AwsSettings> settings;
  std::string error;
};
AwsSettingsResult SecretsManagerSettings(const GetEnv& env);

// The GetSecretValue call (AWS JSON 1.1 protocol) for `secret_id`. `amz_date`
// ("20150830T123600Z") fixes the signing time, for tests; empty: now.
CallRequest GetSecretValueRequest(const AwsSettings& settings, std::string_view secret_id,
                                  std::string_view amz_date = {});

// The API key: the secret's SecretString, a JSON object {"key": "..."}. Throws
// std::runtime_error naming the secret and what went wrong (no secret text in messages).
std::string ReadApiKey(CurlSession& session, const AwsSettings& settings,
                       std::string_view secret_id);

}  // namespace ocean::lambda
