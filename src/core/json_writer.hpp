// A small streaming JSON writer. Hand-rolled rather than boost::json::serialize because the
// hot paths (pages of 1,000 observations, series of 10,000 points) must not build a DOM, and
// numbers must print in their shortest round-trip form ("14.5", not "1.45E1").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/types.hpp"

namespace ocean::core {

// Writes `value` (finite) as its shortest round-trip decimal into `out` (room for 32
// characters) when it has at most three decimals and 0.001 <= |value| < 1e9, returning the
// length; otherwise returns 0. The text is what fmt's "{}" gives for the same value, only
// faster. Exposed for its test.
std::size_t FormatMilliDecimal(double value, char* out);

class JsonWriter {
 public:
  explicit JsonWriter(std::size_t reserve = 256) { out_.reserve(reserve); }

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  // For text known to need no escaping (the program's own keys and enum names, checked in
  // debug builds): copied as it is, where Key and String scan every character. A page of
  // 1,000 observations writes 7,000 of them.
  JsonWriter& PlainKey(std::string_view key);
  JsonWriter& PlainString(std::string_view value);
  JsonWriter& Number(double value);  // non-finite values are written as null
  JsonWriter& Int(std::int64_t value);
  JsonWriter& Timestamp(core::EpochMs ms);  // as an RFC 3339 string (core::FormatTimestamp)
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  // A whole array at once, for the long arrays of a series: `value(i)` for i in [0, count).
  // One size check for the array instead of one per element.
  template <typename Get>
  JsonWriter& IntArray(std::size_t count, Get&& value) {
    return BulkArray(count, value, [](char* out, std::int64_t v) { return WriteInt(out, v); });
  }
  template <typename Get>
  JsonWriter& NumberArray(std::size_t count, Get&& value) {
    return BulkArray(count, value, [](char* out, double v) { return WriteNumber(out, v); });
  }

  // A value the caller has already written as JSON, copied as it is: for the rows of a page,
  // each built in one go (see WriteObservation in core/observation_json.hpp).
  JsonWriter& Raw(std::string_view json);

  std::string Take() { return std::move(out_); }

  // The longest number either writer produces: a double's shortest form is at most 24
  // characters, an int64 at most 20.
  static constexpr std::size_t kMaxNumberChars = 32;
  // Writes `value` as Number does to `out` (room for kMaxNumberChars); returns the end.
  static char* WriteNumber(char* out, double value);

 private:
  void Separate();
  JsonWriter& EndKey();  // after a key's string: the colon, and no comma before the value

  static char* WriteInt(char* out, std::int64_t value);
  char* BeginBulkArray(std::size_t count);
  JsonWriter& EndBulkArray(char* end);
  template <typename Get, typename Write>
  JsonWriter& BulkArray(std::size_t count, Get& value, Write write) {
    char* p = BeginBulkArray(count);
    for (std::size_t i = 0; i < count; ++i) {
      if (i > 0) *p++ = ',';
      p = write(p, value(i));
    }
    return EndBulkArray(p);
  }

  void Open(char bracket);
  void Close(char bracket);

  std::string out_;
  // Bit d of has_element_ is set once the open container at depth d (counted from 1) holds an
  // element. Our documents nest a few levels; deeper than 63 is a programming error.
  std::uint64_t has_element_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace ocean::core
