// JSON string quoting, shared by the API's JSON writer and storage (SQLite json_each params).
#pragma once

#include <string>
#include <string_view>

namespace ocean::core {

// Appends `value` as a quoted JSON string (RFC 8259 escapes; bytes >= 0x80 pass through).
void AppendJsonString(std::string& out, std::string_view value);

}  // namespace ocean::core
