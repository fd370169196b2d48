#include "http/framing.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "core/json_escape.hpp"
#include "core/text.hpp"

namespace ocean::http {
namespace {

constexpr std::string_view kChunked = "chunked";
constexpr std::size_t kQuotedCodingMax = 32;
// RFC 9110 §5.6.3 OWS: spaces and tabs only.
constexpr std::string_view kOptionalWhitespace = " \t";

// RFC 9110 §5.6.2 tchar.
bool IsTokenChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsTokenChar);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x) == y;
         });
}

core::ApiError BadFraming(const std::string& why) {
  return core::ApiError(core::ErrorCode::kBadRequest, "invalid request framing: " + why);
}

}  // namespace

std::optional<core::ApiError> CheckRequestFraming(const RequestFraming& framing) {
  if (!framing.has_transfer_encoding) return std::nullopt;  // Beast checks Content-Length
  // RFC 9112 §6.1: an HTTP/1.0 recipient cannot know the coding, so the framing is faulty.
  if (framing.version < 11) {
    return BadFraming("Transfer-Encoding in an HTTP/1.0 request");
  }
  // RFC 9112 §6.1 and §6.3 (3): both fields is the classic smuggling shape; refusing it is
  // allowed and needs no guess about which one an upstream proxy believed.
  if (framing.has_content_length) {
    return BadFraming("both Transfer-Encoding and Content-Length");
  }
  // A comma-separated list of codings, each a token with optional parameters; empty list
  // elements are allowed (RFC 9110 §5.6.1).
  std::vector<std::string_view> codings;
  std::string_view rest = framing.transfer_encoding;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view element = core::Trim(rest.substr(0, comma), kOptionalWhitespace);
    if (!element.empty()) {
      const std::string_view name =
          core::Trim(element.substr(0, element.find(';')), kOptionalWhitespace);
      if (!IsToken(name)) return BadFraming("Transfer-Encoding is not a list of codings");
      codings.push_back(name);
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  // RFC 9112 §6.3 (4): unless chunked is last, the body length cannot be determined.
  if (codings.empty() || !EqualsIgnoreCase(codings.back(), kChunked)) {
    return BadFraming("Transfer-Encoding must end in chunked");
  }
  codings.pop_back();
  for (const std::string_view coding : codings) {
    // RFC 9112 §7: chunked is never applied more than once.
    if (EqualsIgnoreCase(coding, kChunked)) return BadFraming("chunked applied more than once");
    // RFC 9112 §6.1: a coding the server does not understand gets 501.
    return core::ApiError(core::ErrorCode::kNotImplemented,
                          "transfer coding \"" +
                              std::string(core::TruncateUtf8(coding, kQuotedCodingMax)) +
                              "\" is not supported; send the body chunked or with Content-Length");
  }
  return std::nullopt;
}

}  // namespace ocean::http
