#include "core/observation_json.hpp"

#include <cstring>
#include <string_view>

#include "core/json_escape.hpp"
#include "core/time.hpp"

namespace ocean::core {

void WriteObservation(JsonWriter& w, const Observation& o) {
  constexpr std::string_view kLocation = R"({"location_id":)";
  constexpr std::string_view kParameter = R"(,"parameter":)";
  constexpr std::string_view kTimestamp = R"(,"timestamp":")";
  constexpr std::string_view kValue = R"(","value":)";
  constexpr std::string_view kFlag = R"(,"quality_flag":")";
  constexpr std::string_view kSource = R"(","source":)";
  // Keys, punctuation, the timestamp, the number and the flag name, with room to spare.
  constexpr std::size_t kFixed = 256;
  constexpr std::size_t kBuffer = 1024;
  const std::size_t most = kFixed + MaxJsonStringSize(o.location_id.size()) +
                           MaxJsonStringSize(o.parameter.size()) +
                           MaxJsonStringSize(o.source.size());
  if (most > kBuffer) {
    WriteObservationByField(w, o);
    return;
  }
  char row[kBuffer];
  char* p = row;
  const auto put = [&p](std::string_view text) {
    std::memcpy(p, text.data(), text.size());
    p += text.size();
  };
  put(kLocation);
  p = WriteJsonString(p, o.location_id);
  put(kParameter);
  p = WriteJsonString(p, o.parameter);
  put(kTimestamp);
  char timestamp[kMaxTimestampChars];
  put({timestamp, FormatTimestampTo(o.timestamp_ms, timestamp)});
  put(kValue);
  p = JsonWriter::WriteNumber(p, o.value);
  put(kFlag);
  put(ToString(o.quality_flag));  // an enum name: nothing to escape
  put(kSource);
  p = WriteJsonString(p, o.source);
  *p++ = '}';
  w.Raw({row, static_cast<std::size_t>(p - row)});
}

void WriteObservationFields(JsonWriter& w, const Observation& o) {
  w.PlainKey("location_id")
      .String(o.location_id)
      .PlainKey("parameter")
      .String(o.parameter)
      .PlainKey("timestamp")
      .Timestamp(o.timestamp_ms)
      .PlainKey("value")
      .Number(o.value)
      .PlainKey("quality_flag")
      .PlainString(ToString(o.quality_flag))
      .PlainKey("source")
      .String(o.source);
}

void WriteObservationByField(JsonWriter& w, const Observation& o) {
  w.BeginObject();
  WriteObservationFields(w, o);
  w.EndObject();
}

std::string ObservationsJson(std::span<const Observation> rows) {
  JsonWriter w(16 + rows.size() * 160);
  w.BeginArray();
  for (const auto& o : rows) WriteObservation(w, o);
  w.EndArray();
  return w.Take();
}

}  // namespace ocean::core
