#include "core/json_escape.hpp"

#include <array>
#include <cstring>

namespace ocean::core {

namespace {

// U+FFFD REPLACEMENT CHARACTER in UTF-8.
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// True for the bytes that cannot be copied without a look: control characters, '"' and '\\'
// (JSON requires them escaped) and every non-ASCII byte (the UTF-8 it starts is checked).
constexpr auto kSpecial = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = true;
  table['\\'] = true;
  for (int c = 0x80; c < 0x100; ++c) table[c] = true;
  return table;
}();

struct Utf8Step {
  std::size_t length;  // bytes of the character, or of the ill-formed maximal subpart
  bool valid;
};

// The character starting at `pos`, checked against the well-formed byte sequences of Unicode
// Table 3-7 (no overlong forms, surrogates or code points above U+10FFFF). An ill-formed
// sequence ends at the first byte that cannot continue it, so the decoder resumes there.
Utf8Step NextUtf8(std::string_view text, std::size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) return {1, true};
  std::size_t trailing = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    trailing = 1;
  } else if (lead == 0xE0) {
    trailing = 2;
    low = 0xA0;
  } else if (lead == 0xED) {
    trailing = 2;
    high = 0x9F;
  } else if (lead >= 0xE1 && lead <= 0xEF) {
    trailing = 2;
  } else if (lead == 0xF0) {
    trailing = 3;
    low = 0x90;
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    trailing = 3;
  } else if (lead == 0xF4) {
    trailing = 3;
    high = 0x8F;
  } else {
    return {1, false};  // a continuation byte, C0, C1 or F5..FF: never starts a character
  }
  for (std::size_t k = 1; k <= trailing; ++k) {
    if (pos + k >= text.size()) return {k, false};
    const auto c = static_cast<unsigned char>(text[pos + k]);
    if (c < low || c > high) return {k, false};
    low = 0x80;
    high = 0xBF;
  }
  return {trailing + 1, true};
}

// The escape sequence for an ASCII byte that needs one, written to `out` (room for 6);
// returns the end.
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

// Writes what the special byte at `pos` becomes (its escape, the valid character, or U+FFFD
// for an ill-formed sequence) to `out` (room for 6 per byte consumed); advances `pos` past
// what it consumed and returns the end.
char* WriteSpecial(char* out, std::string_view value, std::size_t& pos) {
  const auto c = static_cast<unsigned char>(value[pos]);
  if (c < 0x80) {
    ++pos;
    return WriteEscape(out, c);
  }
  const Utf8Step step = NextUtf8(value, pos);
  if (step.valid) {
    std::memcpy(out, value.data() + pos, step.length);
    out += step.length;
  } else {
    std::memcpy(out, kReplacement.data(), kReplacement.size());
    out += kReplacement.size();
  }
  pos += step.length;
  return out;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view value) {
  // The hot path (ids, parameter names, sources) is plain ASCII: one check per byte, then the
  // quotes and the text in one go.
  std::size_t i = 0;
  while (i < value.size() && !kSpecial[static_cast<unsigned char>(value[i])]) ++i;
  out += '"';
  out.append(value.data(), i);
  if (i == value.size()) {
    out += '"';
    return;
  }
  // Copy runs of plain bytes and of well-formed characters in one append each.
  std::size_t run_start = i;
  while (i < value.size()) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (!kSpecial[c]) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const Utf8Step step = NextUtf8(value, i);
      if (step.valid) {
        i += step.length;
        continue;
      }
    }
    out.append(value.data() + run_start, i - run_start);
    char written[6];
    const char* end = WriteSpecial(written, value, i);
    out.append(written, static_cast<std::size_t>(end - written));
    run_start = i;
  }
  out.append(value.data() + run_start, value.size() - run_start);
  out += '"';
}

char* WriteJsonString(char* out, std::string_view value) {
  *out++ = '"';
  std::size_t i = 0;
  while (i < value.size()) {
    if (kSpecial[static_cast<unsigned char>(value[i])]) {
      out = WriteSpecial(out, value, i);
    } else {
      *out++ = value[i++];
    }
  }
  *out++ = '"';
  return out;
}

std::string_view TruncateUtf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = 0;
  while (end < text.size()) {
    const std::size_t next = end + NextUtf8(text, end).length;
    if (next > max_bytes) break;
    end = next;
  }
  return text.substr(0, end);
}

}  // namespace ocean::core
