#include "core/json_escape.hpp"

#include <array>

namespace ocean::core {

namespace {

// True for the bytes JSON requires escaped: control characters, '"' and '\\'.
constexpr auto kNeedsEscape = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = true;
  table['\\'] = true;
  return table;
}();

// The escape sequence for a byte that needs one, written to `out` (room for 6); returns the
// end.
char* WriteEscape(char* out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  *out++ = '\\';
  switch (c) {
    case '"':
      *out++ = '"';
      break;
    case '\\':
      *out++ = '\\';
      break;
    case '\n':
      *out++ = 'n';
      break;
    case '\r':
      *out++ = 'r';
      break;
    case '\t':
      *out++ = 't';
      break;
    default:
      *out++ = 'u';
      *out++ = '0';
      *out++ = '0';
      *out++ = kHex[(c >> 4) & 0xF];
      *out++ = kHex[c & 0xF];
  }
  return out;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view value) {
  // The hot path (ids, parameter names, sources) has nothing to escape: one check per byte,
  // then the quotes and the text in one go.
  std::size_t i = 0;
  while (i < value.size() && !kNeedsEscape[static_cast<unsigned char>(value[i])]) ++i;
  out += '"';
  out.append(value.data(), i);
  if (i == value.size()) {
    out += '"';
    return;
  }
  // Copy runs of characters that need no escaping in one append.
  std::size_t run_start = i;
  for (; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (!kNeedsEscape[c]) continue;
    out.append(value.data() + run_start, i - run_start);
    run_start = i + 1;
    char escaped[6];
    out.append(escaped, static_cast<std::size_t>(WriteEscape(escaped, c) - escaped));
  }
  out.append(value.data() + run_start, value.size() - run_start);
  out += '"';
}

char* WriteJsonString(char* out, std::string_view value) {
  *out++ = '"';
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (kNeedsEscape[c]) {
      out = WriteEscape(out, c);
    } else {
      *out++ = ch;
    }
  }
  *out++ = '"';
  return out;
}

}  // namespace ocean::core
