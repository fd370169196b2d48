// The one error type of the service. Protocol-neutral: http/errors.cpp maps it to a status
// and the contract's JSON body in exactly one place.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ocean::core {

enum class ErrorCode {
  kValidation,        // 400 validation_error
  kBadRequest,        // 400 bad_request (malformed JSON, bad query syntax)
  kUnauthorized,      // 401 unauthorized
  kNotFound,          // 404 not_found
  kMethodNotAllowed,  // 405 method_not_allowed
  kPayloadTooLarge,   // 413 payload_too_large
  kUnsupportedMedia,  // 415 unsupported_media_type
  kWritesDisabled,    // 503 writes_disabled (no API key configured)
  kUnavailable,       // 503 service_unavailable (a dependency is down)
  kInternal,          // 500 internal_error
  kNotImplemented,    // 501 not_implemented (a transfer coding the server does not decode)
};

struct ErrorDetail {
  std::optional<long long> index;  // row index for ingest errors; absent for query errors
  std::string field;
  std::string message;
};

class ApiError : public std::runtime_error {
 public:
  ApiError(ErrorCode code, const std::string& message, std::vector<ErrorDetail> details = {})
      : std::runtime_error(message), code_(code), details_(std::move(details)) {}

  ErrorCode code() const { return code_; }
  const std::vector<ErrorDetail>& details() const { return details_; }

  // For 405: the methods the path does allow, e.g. "GET, HEAD".
  std::string allow;

 private:
  ErrorCode code_;
  std::vector<ErrorDetail> details_;
};

// Thrown by storage and cache implementations when their backing service cannot be reached.
// The API layer turns it into 503; callers may retry.
class UnavailableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ocean::core
