#include "api/json_writer.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <cmath>
#include <stdexcept>

#include "core/json_escape.hpp"
#include "core/time.hpp"

namespace ocean::api {

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
  Separate();
  core::AppendJsonString(out_, key);
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
  if (!std::isfinite(value)) {
    out_ += "null";
  } else {
    // Compiled format into a local buffer, then one append: no run-time parsing of "{}" and
    // no character-by-character growth of the output for each of thousands of numbers.
    char digits[32];  // the shortest round-trip form of a double is at most 24 characters
    const auto end = fmt::format_to(digits, FMT_COMPILE("{}"), value);
    out_.append(digits, static_cast<std::size_t>(end - digits));
  }
  return *this;
}

JsonWriter& JsonWriter::Int(std::int64_t value) {
  Separate();
  const fmt::format_int digits(value);
  out_.append(digits.data(), digits.size());
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

}  // namespace ocean::api
