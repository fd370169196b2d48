#include "core/json_writer.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "core/json_escape.hpp"
#include "core/time.hpp"
#include "core/types.hpp"

namespace ocean::core {

// Most values we serve are sensor readings with at most three decimals (14.5, 0.123, 35.02).
// For those the shortest round-trip form is simply the decimal itself, which is much cheaper
// to write than running the general shortest-form algorithm:
//  - `value` is exactly the double nearest to n / 1000 for an integer n (checked by dividing
//    back: IEEE division rounds correctly, as parsing the decimal n / 1000 does), so the
//    decimal reads back as `value`;
//  - for 0.001 <= |value| < 1e9 two different multiples of 0.001 are never the same double
//    (doubles there are less than 1.2e-7 apart), and every shorter decimal is such a multiple,
//    so none reads back as `value`: this decimal is the shortest, and so exactly what
//    fmt's "{}" prints (fixed notation in this range). JsonWriter.MilliDecimalsMatchFmt
//    checks that against fmt over millions of values.
// Returns the length written to `out`, or 0 when `value` is not such a number.
std::size_t FormatMilliDecimal(double value, char* out) {
  const double magnitude = std::fabs(value);
  if (!(magnitude >= 0.001 && magnitude < 1e9)) return 0;
  // Any n with n / 1000.0 == value gives the right text (it is unique, see above), so a
  // plain round-half-up is enough here; when it misses, the general path answers.
  const double scaled = value * 1000.0;
  auto n = static_cast<std::int64_t>(scaled + (scaled >= 0 ? 0.5 : -0.5));
  if (static_cast<double>(n) / 1000.0 != value) return 0;
  char* p = out;
  if (n < 0) {
    *p++ = '-';
    n = -n;
  }
  const std::int64_t whole = n / 1000;
  int fraction = static_cast<int>(n % 1000);
  const fmt::format_int whole_digits(whole);
  std::memcpy(p, whole_digits.data(), whole_digits.size());
  p += whole_digits.size();
  if (fraction != 0) {
    *p++ = '.';
    int width = 3;
    while (fraction % 10 == 0) {
      fraction /= 10;
      --width;
    }
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + fraction % 10);
      fraction /= 10;
    }
    p += width;
  }
  return static_cast<std::size_t>(p - out);
}

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;
  const std::uint64_t bit = std::uint64_t{1} << depth_;
  if ((has_element_ & bit) != 0) out_ += ',';
  has_element_ |= bit;
}

void JsonWriter::Open(char bracket) {
  Separate();
  if (depth_ == 63) throw std::logic_error("JsonWriter: nested deeper than 63 levels");
  out_ += bracket;
  ++depth_;
  has_element_ &= ~(std::uint64_t{1} << depth_);
}

void JsonWriter::Close(char bracket) {
  out_ += bracket;
  --depth_;
}

JsonWriter& JsonWriter::BeginObject() {
  Open('{');
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  Close('}');
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  Open('[');
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  Close(']');
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  String(key);
  return EndKey();
}

namespace {
[[maybe_unused]] bool NeedsNoEscaping(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\';
  });
}
}  // namespace

JsonWriter& JsonWriter::PlainKey(std::string_view key) {
  PlainString(key);
  return EndKey();
}

JsonWriter& JsonWriter::PlainString(std::string_view value) {
  assert(NeedsNoEscaping(value));
  Separate();
  out_ += '"';
  out_ += value;
  out_ += '"';
  return *this;
}

JsonWriter& JsonWriter::EndKey() {
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  Separate();
  core::AppendJsonString(out_, value);
  return *this;
}

JsonWriter& JsonWriter::Number(double value) {
  Separate();
  char digits[kMaxNumberChars];
  out_.append(digits, static_cast<std::size_t>(WriteNumber(digits, value) - digits));
  return *this;
}

JsonWriter& JsonWriter::Int(std::int64_t value) {
  Separate();
  char digits[kMaxNumberChars];
  out_.append(digits, static_cast<std::size_t>(WriteInt(digits, value) - digits));
  return *this;
}

char* JsonWriter::WriteNumber(char* out, double value) {
  if (!std::isfinite(value)) {
    constexpr std::string_view kNull = "null";
    return std::copy(kNull.begin(), kNull.end(), out);
  }
  if (const std::size_t size = FormatMilliDecimal(value, out); size > 0) return out + size;
  // Compiled format: no run-time parsing of "{}".
  return fmt::format_to(out, FMT_COMPILE("{}"), value);
}

char* JsonWriter::WriteInt(char* out, std::int64_t value) {
  if (value >= 0 && value < 10) {  // flags and source indexes
    *out = static_cast<char>('0' + value);
    return out + 1;
  }
  const fmt::format_int digits(value);
  std::memcpy(out, digits.data(), digits.size());
  return out + digits.size();
}

char* JsonWriter::BeginBulkArray(std::size_t count) {
  Separate();
  const std::size_t old_size = out_.size();
  // '[', ']' and each value with its comma.
  out_.resize(old_size + 2 + count * (kMaxNumberChars + 1));
  char* p = out_.data() + old_size;
  *p++ = '[';
  return p;
}

JsonWriter& JsonWriter::EndBulkArray(char* end) {
  *end++ = ']';
  out_.resize(static_cast<std::size_t>(end - out_.data()));
  return *this;
}

JsonWriter& JsonWriter::Timestamp(core::EpochMs ms) {
  Separate();
  char text[core::kMaxTimestampChars];
  const std::size_t size = core::FormatTimestampTo(ms, text);
  // Timestamps hold only digits, '-', ':', '.', 'T' and 'Z': nothing to escape.
  out_ += '"';
  out_.append(text, size);
  out_ += '"';
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  Separate();
  out_ += json;
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  Separate();
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Null() {
  Separate();
  out_ += "null";
  return *this;
}

}  // namespace ocean::core
