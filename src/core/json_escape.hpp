// JSON string quoting, shared by the API's JSON writer and storage (SQLite json_each params).
#pragma once

#include <string>
#include <string_view>

namespace ocean::core {

// Appends `value` as a quoted JSON string (RFC 8259 escapes; bytes >= 0x80 pass through).
void AppendJsonString(std::string& out, std::string_view value);

// The most characters AppendJsonString or WriteJsonString writes for `size` bytes of text:
// the quotes, and six (\u00XX) per byte.
constexpr std::size_t MaxJsonStringSize(std::size_t size) { return 2 + 6 * size; }

// Writes `value` quoted and escaped like AppendJsonString to `out`, which has room for
// MaxJsonStringSize(value.size()) characters; returns the end.
char* WriteJsonString(char* out, std::string_view value);

}  // namespace ocean::core
