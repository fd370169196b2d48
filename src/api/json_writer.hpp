// A small streaming JSON writer. Hand-rolled rather than boost::json::serialize because the
// hot paths (pages of 1,000 observations, series of 10,000 points) must not build a DOM, and
// numbers must print in their shortest round-trip form ("14.5", not "1.45E1").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  std::string Take() { return std::move(out_); }

 private:
  void Separate();

  std::string out_;
  // One entry per open container: true once it holds an element.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

}  // namespace ocean::api
