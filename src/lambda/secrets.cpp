#include "lambda/secrets.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <stdexcept>

#include "core/json_escape.hpp"

namespace ocean::lambda {
namespace {

constexpr std::string_view kService = "secretsmanager";
constexpr std::string_view kTarget = "secretsmanager.GetSecretValue";
constexpr std::string_view kContentType = "application/x-amz-json-1.1";
constexpr long kTimeoutMs = 10'000;

std::string Required(const GetEnv& env, std::string_view name, std::string& error) {
  auto value = env(name);
  if ((!value || value->empty()) && error.empty()) {
    error = fmt::format("{} is not set", name);
  }
  return value.value_or("");
}

}  // namespace

std::optional<std::string> ProcessEnv(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

AwsSettingsResult SecretsManagerSettings(const GetEnv& env) {
  AwsSettingsResult result;
  AwsSettings settings;
  std::string error;
  settings.region = env("AWS_REGION").value_or("");
  if (settings.region.empty()) settings.region = env("AWS_DEFAULT_REGION").value_or("");
  if (settings.region.empty()) error = "AWS_REGION is not set";
  settings.access_key_id = Required(env, "AWS_ACCESS_KEY_ID", error);
  settings.secret_access_key = Required(env, "AWS_SECRET_ACCESS_KEY", error);
  settings.session_token = env("AWS_SESSION_TOKEN").value_or("");
  // The service-specific override wins over the general one (AWS SDKs' endpoint settings).
  for (const auto name : {"AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL"}) {
    if (auto value = env(name); value && !value->empty()) {
      settings.endpoint = std::move(*value);
      break;
    }
  }
  if (settings.endpoint.empty() && !settings.region.empty()) {
    settings.endpoint = fmt::format("https://{}.{}.amazonaws.com", kService, settings.region);
  }
  while (settings.endpoint.ends_with('/')) settings.endpoint.pop_back();
  if (!error.empty()) {
    result.error = std::move(error);
    return result;
  }
  result.settings = std::move(settings);
  return result;
}

CallRequest GetSecretValueRequest(const AwsSettings& settings, std::string_view secret_id,
                                  std::string_view amz_date) {
  CallRequest request;
  request.post = true;
  request.url = settings.endpoint + "/";
  request.timeout_ms = kTimeoutMs;
  request.body = R"({"SecretId":)";
  core::AppendJsonString(request.body, secret_id);
  request.body += '}';
  request.headers.push_back(fmt::format("Content-Type: {}", kContentType));
  request.headers.push_back(fmt::format("X-Amz-Target: {}", kTarget));
  if (!settings.session_token.empty()) {
    request.headers.push_back(fmt::format("X-Amz-Security-Token: {}", settings.session_token));
  }
  if (!amz_date.empty()) request.headers.push_back(fmt::format("X-Amz-Date: {}", amz_date));
  request.sigv4 = SigV4{settings.region, std::string(kService), settings.access_key_id,
                        settings.secret_access_key};
  return request;
}

std::string ReadApiKey(CurlSession& session, const AwsSettings& settings,
                       std::string_view secret_id) {
  const auto response = session.Perform(GetSecretValueRequest(settings, secret_id));
  const auto fail = [&](std::string_view what) {
    return std::runtime_error(fmt::format("secret {}: {}", secret_id, what));
  };
  if (!response.error.empty()) throw fail(response.error);
  boost::system::error_code error;
  const auto document = boost::json::parse(response.body, error);
  if (response.status != 200) {
    // Errors come as {"__type": "ResourceNotFoundException", "message": "..."}.
    std::string detail = fmt::format("HTTP {}", response.status);
    if (!error && document.is_object()) {
      const auto& object = document.get_object();
      if (const auto* type = object.if_contains("__type"); type && type->is_string()) {
        detail += fmt::format(" {}", std::string_view(type->get_string()));
      }
      for (const auto* key : {"message", "Message"}) {
        if (const auto* message = object.if_contains(key); message && message->is_string()) {
          detail += fmt::format(": {}", std::string_view(message->get_string()));
          break;
        }
      }
    }
    throw fail(detail);
  }
  if (error || !document.is_object()) throw fail("the answer is not a JSON object");
  const auto* text = document.get_object().if_contains("SecretString");
  if (text == nullptr || !text->is_string()) throw fail("has no SecretString");
  const auto secret = boost::json::parse(text->get_string(), error);
  const boost::json::value* key = nullptr;
  if (!error && secret.is_object()) key = secret.get_object().if_contains("key");
  if (key == nullptr || !key->is_string() || key->get_string().empty()) {
    throw fail(R"(SecretString must be a JSON object {"key": "<the API key>"})");
  }
  return std::string(key->get_string());
}

}  // namespace ocean::lambda
