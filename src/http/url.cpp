#include "http/url.hpp"

namespace ocean::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      const char byte = static_cast<char>(high * 16 + low);
      if (byte == '\0') return std::nullopt;
      decoded.push_back(byte);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      decoded.push_back(' ');
    } else if (c == '\0') {
      return std::nullopt;
    } else {
      decoded.push_back(c);
    }
  }
  return decoded;
}

std::optional<DecodedTarget> DecodeTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  const auto question = target.find('?');
  std::string_view raw_path = target.substr(0, question);
  // A fragment never belongs in a request target; drop it rather than route on it.
  std::string_view raw_query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  if (const auto hash = raw_query.find('#'); hash != std::string_view::npos) {
    raw_query = raw_query.substr(0, hash);
  }
  if (const auto hash = raw_path.find('#'); hash != std::string_view::npos) {
    raw_path = raw_path.substr(0, hash);
  }

  DecodedTarget decoded;
  auto path = PercentDecode(raw_path, /*plus_as_space=*/false);
  if (!path) return std::nullopt;
  decoded.path = std::move(*path);

  while (!raw_query.empty()) {
    const auto amp = raw_query.find('&');
    const std::string_view pair = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view{} : raw_query.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2": tolerated, as browsers do
    const auto equals = pair.find('=');
    auto name = PercentDecode(pair.substr(0, equals), /*plus_as_space=*/true);
    auto value = PercentDecode(
        equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1),
        /*plus_as_space=*/true);
    if (!name || !value) return std::nullopt;
    decoded.query.emplace_back(std::move(*name), std::move(*value));
  }
  return decoded;
}

}  // namespace ocean::http
