#include "lambda/test_fakes.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <boost/json.hpp>
#include <sstream>

#include "core/text.hpp"
#include "lambda/runtime.hpp"

namespace ocean::lambda::testing {
namespace {

std::string Hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0xf];
  }
  return out;
}

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return Hex(digest, sizeof digest);
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size);
  return std::string(reinterpret_cast<char*>(out), size);
}

// The parts of an "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." header.
std::map<std::string, std::string> AuthorizationFields(std::string_view header) {
  std::map<std::string, std::string> fields;
  constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256 ";
  if (!header.starts_with(kAlgorithm)) return fields;
  std::stringstream parts{std::string(header.substr(kAlgorithm.size()))};
  std::string part;
  while (std::getline(parts, part, ',')) {
    part = std::string(core::Trim(part, " "));
    if (const auto equals = part.find('='); equals != std::string::npos) {
      fields[part.substr(0, equals)] = part.substr(equals + 1);
    }
  }
  return fields;
}

}  // namespace

std::string ExpectedAuthorization(const http::Request& request, std::string_view secret_key) {
  auto fields = AuthorizationFields(request.HeaderValue("Authorization"));
  const std::string& credential = fields["Credential"];
  const std::string& signed_headers = fields["SignedHeaders"];
  if (credential.empty() || signed_headers.empty()) return {};
  // Credential = key id / date / region / service / aws4_request
  std::vector<std::string> scope_parts;
  std::stringstream scope_stream(credential);
  for (std::string piece; std::getline(scope_stream, piece, '/');) scope_parts.push_back(piece);
  if (scope_parts.size() != 5) return {};
  std::string canonical_headers;
  std::stringstream names(signed_headers);
  for (std::string name; std::getline(names, name, ';');) {
    canonical_headers +=
        name + ":" + std::string(core::Trim(request.HeaderValue(name), " ")) + "\n";
  }
  const std::string path = request.path.empty() ? "/" : request.path;
  const std::string canonical_request = std::string(ToString(request.method)) + "\n" + path +
                                        "\n\n" + canonical_headers + "\n" + signed_headers + "\n" +
                                        Sha256Hex(request.body);
  const std::string scope = credential.substr(credential.find('/') + 1);
  const std::string string_to_sign = "AWS4-HMAC-SHA256\n" +
                                     std::string(request.HeaderValue("X-Amz-Date")) + "\n" + scope +
                                     "\n" + Sha256Hex(canonical_request);
  std::string key = Hmac("AWS4" + std::string(secret_key), scope_parts[1]);
  key = Hmac(key, scope_parts[2]);
  key = Hmac(key, scope_parts[3]);
  key = Hmac(key, "aws4_request");
  const std::string signature = Hmac(key, string_to_sign);
  return "AWS4-HMAC-SHA256 Credential=" + credential + ", SignedHeaders=" + signed_headers +
         ", Signature=" +
         Hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

int FakeSecretsManager::Calls() {
  std::lock_guard lock(mutex_);
  return calls_;
}

void FakeSecretsManager::Put(std::string id, std::string secret_string) {
  std::lock_guard lock(mutex_);
  secrets_[std::move(id)] = std::move(secret_string);
}

http::Response FakeSecretsManager::Handle(http::Request& request) {
  std::lock_guard lock(mutex_);
  ++calls_;
  http::Response response;
  response.content_type = "application/x-amz-json-1.1";
  const auto error = [&](int status, std::string_view type, std::string_view message) {
    response.status = status;
    response.body =
        boost::json::serialize(boost::json::object{{"__type", type}, {"message", message}});
    return response;
  };
  if (ExpectedAuthorization(request, secret_key_) != request.HeaderValue("Authorization")) {
    return error(403, "InvalidSignatureException",
                 "The request signature we calculated does not match the signature you "
                 "provided.");
  }
  if (request.HeaderValue("X-Amz-Target") != "secretsmanager.GetSecretValue") {
    return error(400, "UnknownOperationException", "");
  }
  const auto id = boost::json::parse(request.body).as_object().at("SecretId").as_string();
  const auto found = secrets_.find(std::string(id));
  if (found == secrets_.end()) {
    return error(400, "ResourceNotFoundException",
                 "Secrets Manager can't find the specified secret.");
  }
  response.body = boost::json::serialize(boost::json::object{
      {"ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + found->first + "-a1b2c3"},
      {"Name", found->first},
      {"SecretString", found->second},
      {"VersionId", "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1"},
      {"VersionStages", boost::json::array{"AWSCURRENT"}},
      {"CreatedDate", 1523477145.713}});
  return response;
}

std::string FakeRuntimeApi::Host() const {
  return server_.BaseUrl().substr(std::string_view("http://").size());
}

std::vector<Posted> FakeRuntimeApi::Posts() {
  std::lock_guard lock(mutex_);
  return posts_;
}

std::optional<std::chrono::steady_clock::time_point> FakeRuntimeApi::FirstNext() {
  std::lock_guard lock(mutex_);
  return first_next_;
}

int FakeRuntimeApi::NextCalls() {
  std::lock_guard lock(mutex_);
  return next_calls_;
}

http::Response FakeRuntimeApi::Handle(http::Request& request) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  http::Response response;
  const std::string prefix = "/" + std::string(kApiVersion) + "/runtime/";
  if (!request.path.starts_with(prefix)) {
    response.status = 404;
    return response;
  }
  const std::string rest = request.path.substr(prefix.size());
  if (request.method == http::Method::kGet && rest == "invocation/next") {
    ++next_calls_;
    if (!first_next_) first_next_ = now;
    if (events_.empty()) {
      response.status = 503;
      return response;
    }
    const auto event = events_.front();
    events_.pop_front();
    handed_out_[event.request_id] = now;
    response.body = event.payload;
    response.headers = {{std::string(kRequestIdHeader), event.request_id},
                        {std::string(kDeadlineHeader), std::to_string(event.deadline_ms)},
                        {std::string(kFunctionArnHeader),
                         "arn:aws:lambda:us-east-1:123456789012:function:oceandash-test"},
                        {std::string(kTraceIdHeader),
                         "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;"
                         "Sampled=1"}};
    return response;
  }
  Posted posted;
  posted.body = request.body;
  posted.error_type = std::string(request.HeaderValue(kErrorTypeHeader));
  if (request.method == http::Method::kPost && rest == "init/error") {
    posted.kind = "init_error";
  } else if (request.method == http::Method::kPost && rest.starts_with("invocation/")) {
    const auto slash = rest.find('/', std::string_view("invocation/").size());
    posted.request_id = rest.substr(11, slash - 11);
    posted.kind = rest.substr(slash + 1);  // "response" or "error"
  } else {
    response.status = 404;
    return response;
  }
  posted.at = now;
  if (const auto found = handed_out_.find(posted.request_id); found != handed_out_.end()) {
    posted.handed_out = found->second;
  }
  posts_.push_back(std::move(posted));
  response.status = 202;
  response.body = R"({"status":"OK"})";
  return response;
}

void FakeBackend::Answer(std::string path, int status, std::string body) {
  std::lock_guard lock(mutex_);
  answers_[std::move(path)] = {status, std::move(body)};
}

std::vector<http::Request> FakeBackend::Requests() {
  std::lock_guard lock(mutex_);
  return requests_;
}

http::Response FakeBackend::Handle(http::Request& request) {
  std::lock_guard lock(mutex_);
  requests_.push_back(request);
  http::Response response;
  if (const auto found = answers_.find(request.path); found != answers_.end()) {
    response.status = found->second.first;
    response.body = found->second.second;
  } else {
    response.body = "{}";
  }
  return response;
}

}  // namespace ocean::lambda::testing
