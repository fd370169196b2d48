#include "cache/redis_url.hpp"

#include <charconv>
#include <optional>
#include <stdexcept>
#include <utility>

#include "http/url.hpp"

namespace ocean::cache {
namespace {

constexpr std::string_view kUrlScheme = "redis://";
constexpr std::string_view kTlsUrlScheme = "rediss://";
constexpr int kDefaultPort = 6379;

[[noreturn]] void ThrowBadUrl(std::string_view url_problem) {
  throw std::invalid_argument(
      "invalid Redis URL (expected "
      "redis://[[user]:password@]host[:port][/db]): " +
      std::string(url_problem));
}

// Userinfo may carry reserved characters percent-encoded (a password with '@' or ':').
std::string DecodeUserinfo(std::string_view text, std::string_view what) {
  auto decoded = http::PercentDecode(text, /*plus_as_space=*/false);
  if (!decoded) ThrowBadUrl("bad percent escape or NUL in the " + std::string(what));
  return std::move(*decoded);
}

// Whole-string decimal integer in [min, max], or nullopt.
std::optional<long long> ParseBoundedInt(std::string_view text, long long min, long long max) {
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

RedisEndpoint ParseRedisUrl(std::string_view url) {
  if (url.starts_with(kTlsUrlScheme)) {
    ThrowBadUrl("TLS (rediss://) is not supported");
  }
  if (!url.starts_with(kUrlScheme)) {
    ThrowBadUrl("must start with redis://");
  }
  std::string_view rest = url.substr(kUrlScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    ThrowBadUrl("query strings and fragments are not supported");
  }
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);

  RedisEndpoint endpoint;
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      ThrowBadUrl("credentials must be written [user]:password@");
    }
    endpoint.user = DecodeUserinfo(userinfo.substr(0, colon), "user");
    endpoint.password = DecodeUserinfo(userinfo.substr(colon + 1), "password");
    if (endpoint.password.empty()) {
      ThrowBadUrl("empty password");
    }
    authority = authority.substr(at + 1);
  }

  std::string_view port_text;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      ThrowBadUrl("unterminated IPv6 address");
    }
    endpoint.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) {
        ThrowBadUrl("unexpected text after the IPv6 address");
      }
      port_text = after.substr(1);
      if (port_text.empty()) ThrowBadUrl("empty port");
    }
  } else {
    const std::size_t colon = authority.find(':');
    endpoint.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) ThrowBadUrl("empty port");
    }
  }
  if (endpoint.host.empty()) {
    ThrowBadUrl("missing host");
  }
  if (!port_text.empty()) {
    const auto port = ParseBoundedInt(port_text, 1, 65535);
    if (!port) ThrowBadUrl("port must be a number from 1 to 65535");
    endpoint.port = static_cast<int>(*port);
  } else {
    endpoint.port = kDefaultPort;
  }
  if (!path.empty()) {
    const auto db = ParseBoundedInt(path, 0, 1 << 20);
    if (!db) ThrowBadUrl("database must be a non-negative number after the '/'");
    endpoint.db = static_cast<int>(*db);
  }
  return endpoint;
}

}  // namespace ocean::cache
