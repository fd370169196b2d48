// The request-framing rules of RFC 9112 §6 that Beast's parser leaves to its user. Beast reads
// a body as chunked only when chunked is the last transfer coding and otherwise assumes no body,
// which lets "Transfer-Encoding: identity" or "xchunked" smuggle a second request in the body
// past any proxy that frames the message differently. Plain C++, so it is tested without
// sockets.
#pragma once

#include <optional>
#include <string_view>

#include "core/api_error.hpp"

namespace ocean::http {

struct RequestFraming {
  unsigned version = 11;               // 10 for HTTP/1.0, 11 for HTTP/1.1
  bool has_transfer_encoding = false;  // any Transfer-Encoding field, even an empty one
  std::string_view transfer_encoding;  // every Transfer-Encoding field value, comma-joined
  bool has_content_length = false;     // any Content-Length field
};

// nullopt when the body length is determined by the rules the server applies; otherwise the
// error to answer before closing the connection: 400 bad_request where RFC 9112 calls the
// framing invalid (Transfer-Encoding in HTTP/1.0, with Content-Length, not ending in chunked,
// chunked twice, not a list of tokens), 501 not_implemented for a coding other than chunked.
std::optional<core::ApiError> CheckRequestFraming(const RequestFraming& framing);

}  // namespace ocean::http
