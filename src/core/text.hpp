// Small text helpers shared by the parsers of configuration, upstream metadata and HTTP.
#pragma once

#include <string_view>

namespace ocean::core {

inline constexpr std::string_view kWhitespace = " \t\r\n";

// `text` without leading and trailing characters from `strip`; a view into `text`.
constexpr std::string_view Trim(std::string_view text, std::string_view strip = kWhitespace) {
  const auto first = text.find_first_not_of(strip);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(strip);
  return text.substr(first, last - first + 1);
}

}  // namespace ocean::core
