#include "http/url.hpp"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/pct_string_view.hpp>

namespace ocean::http {

std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space) {
  // Validates every escape ('%' and two hex digits) before anything is decoded.
  const auto escaped = boost::urls::make_pct_string_view(text);
  if (!escaped) return std::nullopt;
  boost::urls::encoding_opts options;
  options.space_as_plus = plus_as_space;
  std::string decoded = escaped->decode(options);
  // A NUL (raw or %00) would cut the text short wherever it reaches a C API: refused.
  if (decoded.find('\0') != std::string::npos) return std::nullopt;
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
