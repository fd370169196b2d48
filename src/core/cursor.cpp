#include "core/cursor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "core/locations.hpp"
#include "core/validation.hpp"

namespace ocean::core {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// v4 orders by (timestamp, location, parameter, source), the natural key, the same in both
// stores. v3 and older held a store-specific row or series id, which means nothing in that
// order, so they are rejected rather than read with another meaning.
constexpr std::string_view kVersion = "v4";
// The longest v4 text is about 190 bytes (64-byte location and parameter, 32-byte source).
constexpr std::size_t kMaxCursorSize = 512;
constexpr std::size_t kMaxParameterSize = 64;

std::string Base64UrlEncode(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (const std::size_t rest = in.size() - i; rest > 0) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    if (rest == 2) out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view in) {
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : in) {
    const auto pos = kAlphabet.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

bool IsValidParameterText(std::string_view parameter) {
  if (parameter.empty() || parameter.size() > kMaxParameterSize) return false;
  return std::all_of(parameter.begin(), parameter.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

template <typename T>
bool ParseInt(std::string_view text, T& value) {
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

CursorPosition CursorAfter(const StoredObservation& row) {
  const Observation& o = row.observation;
  return {.timestamp_ms = o.timestamp_ms,
          .source = o.source,
          .location_id = o.location_id,
          .parameter = o.parameter};
}

std::string EncodeCursor(const CursorPosition& position) {
  return Base64UrlEncode(fmt::format("{}:{}:{}:{}:{}", kVersion, position.timestamp_ms,
                                     position.location_id, position.parameter, position.source));
}

std::optional<CursorPosition> DecodeCursor(std::string_view cursor) {
  if (cursor.empty() || cursor.size() > kMaxCursorSize) return std::nullopt;
  const auto raw = Base64UrlDecode(cursor);
  if (!raw) return std::nullopt;
  std::string_view text = *raw;
  // Five fields: none of them can hold ':' (see the validity checks below).
  std::string_view fields[5];
  for (std::size_t i = 0; i < 5; ++i) {
    const auto colon = text.find(':');
    if ((colon == std::string_view::npos) != (i == 4)) return std::nullopt;
    fields[i] = text.substr(0, colon);
    if (colon != std::string_view::npos) text.remove_prefix(colon + 1);
  }
  CursorPosition position;
  if (fields[0] != kVersion || !ParseInt(fields[1], position.timestamp_ms) ||
      !IsValidLocationId(fields[2]) || !IsValidParameterText(fields[3]) ||
      !IsValidSourceId(fields[4])) {
    return std::nullopt;
  }
  position.location_id = fields[2];
  position.parameter = fields[3];
  position.source = fields[4];
  return position;
}

}  // namespace ocean::core
