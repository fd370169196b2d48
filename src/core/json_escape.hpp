// JSON string quoting, shared by the API's JSON writer, error bodies, the access log and
// storage (SQLite json_each params): the one place where text becomes a JSON string.
#pragma once

#include <string>
#include <string_view>

namespace ocean::core {

// Appends `value` as a quoted JSON string: RFC 8259 escapes, well-formed UTF-8 copied as is,
// and each ill-formed sequence (its maximal subpart, as Unicode §3.9 and the WHATWG decoder
// count them) replaced by U+FFFD, so the output is valid UTF-8 whatever bytes came in.
void AppendJsonString(std::string& out, std::string_view value);

// The most characters AppendJsonString or WriteJsonString writes for `size` bytes of text:
// the quotes, and six (\u00XX) per byte (U+FFFD takes three bytes for at least one).
constexpr std::size_t MaxJsonStringSize(std::size_t size) { return 2 + 6 * size; }

// Writes `value` quoted and escaped like AppendJsonString to `out`, which has room for
// MaxJsonStringSize(value.size()) characters; returns the end.
char* WriteJsonString(char* out, std::string_view value);

// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside a
// well-formed UTF-8 character: for quoting client text in messages without splitting one.
std::string_view TruncateUtf8(std::string_view text, std::size_t max_bytes);

}  // namespace ocean::core
