// Signature Version 4 as libcurl computes it for our requests, checked two ways: against AWS's
// published test-suite values (fixed time 20150830T123600Z, credentials AKIDEXAMPLE), and by a
// fake Secrets Manager that recomputes every signature with OpenSSL from the request it received.
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "http/loopback_server.hpp"
#include "lambda/curl_call.hpp"
#include "lambda/secrets.hpp"
#include "lambda/test_fakes.hpp"

namespace ocean::lambda {
namespace {

using testing::ExpectedAuthorization;
using testing::FakeSecretsManager;

constexpr std::string_view kSuiteKeyId = "AKIDEXAMPLE";
constexpr std::string_view kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kSuiteDate = "20150830T123600Z";

// Records each request; answers 200.
class Recorder {
 public:
  std::vector<http::Request> Requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::string Url() const { return server_.BaseUrl(); }

 private:
  http::Response Handle(http::Request& request) {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    return {};
  }
  std::mutex mutex_;
  std::vector<http::Request> requests_;
  http::LoopbackServer server_{[this](http::Request& request) { return Handle(request); }};
};

SigV4 SuiteSigner() {
  return {"us-east-1", "service", std::string(kSuiteKeyId), std::string(kSuiteSecret)};
}

// get-vanilla and post-vanilla of AWS's Signature Version 4 test suite: libcurl, configured as
// our calls configure it, gives exactly the published Authorization headers.
TEST(SigV4Test, LibcurlSignsTheTestSuiteRequestsAsPublished) {
  Recorder recorder;
  CurlSession session;
  for (const bool post : {false, true}) {
    CallRequest request;
    request.post = post;
    request.url = recorder.Url() + "/";
    request.headers = {"Host: example.amazonaws.com", "X-Amz-Date: " + std::string(kSuiteDate)};
    request.sigv4 = SuiteSigner();
    const auto response = session.Perform(request);
    ASSERT_EQ(response.status, 200) << response.Describe();
  }
  const auto requests = recorder.Requests();
  ASSERT_EQ(requests.size(), 2u);
  constexpr std::string_view kScope =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
      "SignedHeaders=host;x-amz-date, Signature=";
  EXPECT_EQ(
      requests[0].HeaderValue("Authorization"),
      std::string(kScope) + "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_EQ(
      requests[1].HeaderValue("Authorization"),
      std::string(kScope) + "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
  // The verifier the fake Secrets Manager uses agrees with the published values too.
  EXPECT_EQ(ExpectedAuthorization(requests[0], kSuiteSecret),
            requests[0].HeaderValue("Authorization"));
  EXPECT_EQ(ExpectedAuthorization(requests[1], kSuiteSecret),
            requests[1].HeaderValue("Authorization"));
}

// The GetSecretValue request itself at the test suite's time and credentials: its canonical
// form is pinned (service secretsmanager, the JSON 1.1 headers and the session token signed).
TEST(SigV4Test, GetSecretValueRequestAtTheSuiteTime) {
  Recorder recorder;
  CurlSession session;
  AwsSettings settings{"us-east-1", std::string(kSuiteKeyId), std::string(kSuiteSecret), "TOKEN",
                       recorder.Url()};
  auto request = GetSecretValueRequest(settings, "oceandash/api-key", kSuiteDate);
  request.headers.emplace_back("Host: secretsmanager.us-east-1.amazonaws.com");
  ASSERT_EQ(session.Perform(request).status, 200);
  const auto received = recorder.Requests().at(0);
  const std::string authorization(received.HeaderValue("Authorization"));
  EXPECT_EQ(received.body, R"({"SecretId":"oceandash/api-key"})");
  EXPECT_EQ(received.HeaderValue("X-Amz-Target"), "secretsmanager.GetSecretValue");
  EXPECT_EQ(received.HeaderValue("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(received.HeaderValue("X-Amz-Security-Token"), "TOKEN");
  EXPECT_TRUE(authorization.starts_with(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/secretsmanager/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "
      "Signature="))
      << authorization;
  EXPECT_EQ(ExpectedAuthorization(received, kSuiteSecret), authorization);
}

AwsSettings Settings(const std::string& endpoint, std::string secret_key) {
  return {"eu-west-1", "AKIAIOSFODNN7EXAMPLE", std::move(secret_key), "session-token", endpoint};
}

TEST(SecretsManagerTest, ReadsTheKeyFromASignedRequestTheServiceAccepts) {
  FakeSecretsManager fake("real-secret-key");
  fake.Put("oceandash/api-key", R"({"key":"k-0123456789abcdef"})");
  CurlSession session;
  EXPECT_EQ(ReadApiKey(session, Settings(fake.Url(), "real-secret-key"), "oceandash/api-key"),
            "k-0123456789abcdef");
}

TEST(SecretsManagerTest, ErrorsNameTheSecretAndTheServiceError) {
  FakeSecretsManager fake("real-secret-key");
  fake.Put("oceandash/api-key", R"({"key":"k-0123456789abcdef"})");
  fake.Put("plain", "just-a-string");
  CurlSession session;
  const auto message = [&](const AwsSettings& settings, std::string_view id) -> std::string {
    try {
      ReadApiKey(session, settings, id);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(message(Settings(fake.Url(), "wrong-key"), "oceandash/api-key"),
            "secret oceandash/api-key: HTTP 403 InvalidSignatureException: The request signature "
            "we calculated does not match the signature you provided.");
  EXPECT_EQ(message(Settings(fake.Url(), "real-secret-key"), "missing"),
            "secret missing: HTTP 400 ResourceNotFoundException: Secrets Manager can't find the "
            "specified secret.");
  EXPECT_EQ(message(Settings(fake.Url(), "real-secret-key"), "plain"),
            R"(secret plain: SecretString must be a JSON object {"key": "<the API key>"})");
}

TEST(SecretsManagerTest, SettingsFollowTheStandardVariables) {
  std::map<std::string, std::string, std::less<>> vars = {
      {"AWS_REGION", "eu-west-1"},
      {"AWS_ACCESS_KEY_ID", "AKID"},
      {"AWS_SECRET_ACCESS_KEY", "SECRET"},
  };
  const GetEnv env = [&](std::string_view name) -> std::optional<std::string> {
    const auto found = vars.find(name);
    if (found == vars.end()) return std::nullopt;
    return found->second;
  };
  EXPECT_EQ(SecretsManagerSettings(env).settings->endpoint,
            "https://secretsmanager.eu-west-1.amazonaws.com");
  vars["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566/";
  EXPECT_EQ(SecretsManagerSettings(env).settings->endpoint, "http://127.0.0.1:4566");
  vars["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = "http://127.0.0.1:9000";
  EXPECT_EQ(SecretsManagerSettings(env).settings->endpoint, "http://127.0.0.1:9000");
  vars.erase("AWS_SECRET_ACCESS_KEY");
  EXPECT_EQ(SecretsManagerSettings(env).error, "AWS_SECRET_ACCESS_KEY is not set");
  vars.erase("AWS_REGION");
  EXPECT_EQ(SecretsManagerSettings(env).error, "AWS_REGION is not set");
}

}  // namespace
}  // namespace ocean::lambda
