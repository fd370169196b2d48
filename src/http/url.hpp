// Request-target decoding. Pure functions so the rules are tested without sockets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocean::http {

using QueryPairs = std::vector<std::pair<std::string, std::string>>;

// Decodes %XX escapes. With `plus_as_space`, '+' becomes ' ' (form encoding, used for queries).
// nullopt when an escape is malformed or decodes to NUL: such input is rejected, not repaired.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space);

struct DecodedTarget {
  std::string path;  // percent-decoded; '+' stays literal in the path
  QueryPairs query;  // in order, repeats kept; "a" and "a=" both give {"a", ""}
};

// Splits an origin-form target ("/path?query") and decodes both parts. Queries use
// application/x-www-form-urlencoded rules, as browsers' URLSearchParams and
// `curl --data-urlencode -G` produce them: '+' is a space and a literal plus arrives as %2B.
// nullopt for anything else: not starting with '/', a malformed escape, an encoded NUL.
std::optional<DecodedTarget> DecodeTarget(std::string_view target);

}  // namespace ocean::http
