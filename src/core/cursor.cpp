#include "core/cursor.hpp"

#include "core/validation.hpp"

#include <fmt/format.h>
#include <charconv>

namespace ocean::core {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// v2 added the source (PostgreSQL orders pages by timestamp, series, source); v3 came with
// PostgreSQL's series ids grouped by parameter (migration 0005), under which a v2 cursor's id
// would return its instant's rows again. An older cursor is rejected rather than read with
// another meaning.
constexpr std::string_view kVersion = "v3";

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

template <typename T>
bool ParseInt(std::string_view text, T& value) {
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

CursorPosition CursorAfter(const StoredObservation& row) {
  return {row.observation.timestamp_ms, row.id, row.observation.source};
}

std::string EncodeCursor(const CursorPosition& position) {
  return Base64UrlEncode(
      fmt::format("{}:{}:{}:{}", kVersion, position.timestamp_ms, position.id, position.source));
}

std::optional<CursorPosition> DecodeCursor(std::string_view cursor) {
  if (cursor.empty() || cursor.size() > 128) return std::nullopt;
  const auto raw = Base64UrlDecode(cursor);
  if (!raw) return std::nullopt;
  std::string_view text = *raw;
  if (!text.starts_with(kVersion) || text.size() <= kVersion.size() ||
      text[kVersion.size()] != ':') {
    return std::nullopt;
  }
  text.remove_prefix(kVersion.size() + 1);
  const auto first = text.find(':');
  const auto second = text.find(':', first == std::string_view::npos ? first : first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  CursorPosition position;
  const std::string_view source = text.substr(second + 1);
  if (!ParseInt(text.substr(0, first), position.timestamp_ms) ||
      !ParseInt(text.substr(first + 1, second - first - 1), position.id) || position.id < 0 ||
      (!source.empty() && !IsValidSourceId(source))) {
    return std::nullopt;
  }
  position.source = source;
  return position;
}

}  // namespace ocean::core
