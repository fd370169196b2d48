// A small streaming JSON writer. Hand-rolled rather than boost::json::serialize because the
// hot paths (pages of 1,000 observations, series of 10,000 points) must not build a DOM, and
// numbers must print in their shortest round-trip form ("14.5", not "1.45E1").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/types.hpp"

namespace ocean::api {

class JsonWriter {
 public:
  explicit JsonWriter(std::size_t reserve = 256) { out_.reserve(reserve); }

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Number(double value);  // non-finite values are written as null
  JsonWriter& Int(std::int64_t value);
  JsonWriter& Timestamp(core::EpochMs ms);  // as an RFC 3339 string (core::FormatTimestamp)
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  std::string Take() { return std::move(out_); }

 private:
  void Separate();

  void Open(char bracket);
  void Close(char bracket);

  std::string out_;
  // Bit d of has_element_ is set once the open container at depth d (counted from 1) holds an
  // element. Our documents nest a few levels; deeper than 63 is a programming error.
  std::uint64_t has_element_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace ocean::api
