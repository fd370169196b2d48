#include "http/errors.hpp"

#include <boost/json.hpp>

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
  }
  // Unreachable for a valid enum value; an out-of-range cast still gets a well-formed 500.
  return {500, "internal_error"};
}

}  // namespace

Response ErrorResponse(const core::ApiError& error) {
  const ErrorMapping mapping = MapErrorCode(error.code());

  boost::json::array details;
  details.reserve(error.details().size());
  for (const auto& detail : error.details()) {
    boost::json::object item;
    if (detail.index) item["index"] = *detail.index;
    item["field"] = detail.field;
    item["message"] = detail.message;
    details.push_back(std::move(item));
  }
  boost::json::object body{
      {"error",
       boost::json::object{
           {"code", mapping.code},
           {"message", error.what()},
           {"details", std::move(details)},
       }},
  };

  Response response;
  response.status = mapping.status;
  response.content_type = std::string(kContentTypeJson);
  response.body = boost::json::serialize(body);
  if (error.code() == core::ErrorCode::kMethodNotAllowed && !error.allow.empty()) {
    response.headers.push_back({std::string(kHeaderAllow), error.allow});
  }
  if (error.code() == core::ErrorCode::kUnauthorized) {
    response.headers.push_back({std::string(kHeaderWwwAuthenticate), "Bearer"});
  }
  return response;
}

}  // namespace ocean::http
