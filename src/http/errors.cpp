#include "http/errors.hpp"

#include <fmt/format.h>

#include <iterator>

#include "core/json_escape.hpp"
#include "http/header_names.hpp"

namespace ocean::http {
namespace {

struct ErrorMapping {
  int status;
  std::string_view code;
};

ErrorMapping MapErrorCode(core::ErrorCode code) {
  using core::ErrorCode;
  switch (code) {
    case ErrorCode::kValidation:
      return {400, "validation_error"};
    case ErrorCode::kBadRequest:
      return {400, "bad_request"};
    case ErrorCode::kUnauthorized:
      return {401, "unauthorized"};
    case ErrorCode::kNotFound:
      return {404, "not_found"};
    case ErrorCode::kMethodNotAllowed:
      return {405, "method_not_allowed"};
    case ErrorCode::kPayloadTooLarge:
      return {413, "payload_too_large"};
    case ErrorCode::kUnsupportedMedia:
      return {415, "unsupported_media_type"};
    case ErrorCode::kWritesDisabled:
      return {503, "writes_disabled"};
    case ErrorCode::kUnavailable:
      return {503, "service_unavailable"};
    case ErrorCode::kInternal:
      return {500, "internal_error"};
    case ErrorCode::kNotImplemented:
      return {501, "not_implemented"};
  }
  // Unreachable for a valid enum value; an out-of-range cast still gets a well-formed 500.
  return {500, "internal_error"};
}

}  // namespace

Response ErrorResponse(const core::ApiError& error) {
  const ErrorMapping mapping = MapErrorCode(error.code());

  // Written with core::AppendJsonString, the one JSON string writer, so client text quoted in
  // a message or a field name (a decoded path, a query parameter) always leaves as valid
  // UTF-8.
  std::string body = R"({"error":{"code":)";
  core::AppendJsonString(body, mapping.code);
  body += R"(,"message":)";
  core::AppendJsonString(body, error.what());
  body += R"(,"details":[)";
  bool first = true;
  for (const auto& detail : error.details()) {
    body += first ? "{" : ",{";
    first = false;
    if (detail.index) fmt::format_to(std::back_inserter(body), R"("index":{},)", *detail.index);
    body += R"("field":)";
    core::AppendJsonString(body, detail.field);
    body += R"(,"message":)";
    core::AppendJsonString(body, detail.message);
    body += '}';
  }
  body += "]}}";

  Response response;
  response.status = mapping.status;
  response.content_type = std::string(kContentTypeJson);
  response.body = std::move(body);
  if (error.code() == core::ErrorCode::kMethodNotAllowed && !error.allow.empty()) {
    response.headers.push_back({std::string(kHeaderAllow), error.allow});
  }
  if (error.code() == core::ErrorCode::kUnauthorized) {
    response.headers.push_back({std::string(kHeaderWwwAuthenticate), "Bearer"});
  }
  return response;
}

}  // namespace ocean::http
