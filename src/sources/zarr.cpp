#include "sources/zarr.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <boost/json.hpp>
#include <cctype>
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/big_endian.hpp"
#include "core/time.hpp"
#include "sources/blosc.hpp"

namespace ocean::sources {
namespace {

namespace json = boost::json;

constexpr std::string_view kZarrayKey = "/.zarray";
constexpr std::string_view kZattrsKey = "/.zattrs";
constexpr std::size_t kMaxDimensions = 32;
// Beyond this a chunk would not fit comfortably in memory; real ARCO chunks are a few MB.
constexpr std::int64_t kMaxChunkBytes = 512LL * 1024 * 1024;

std::optional<double> Number(const json::value& value) {
  if (value.is_double()) return value.get_double();
  if (value.is_int64()) return static_cast<double>(value.get_int64());
  if (value.is_uint64()) return static_cast<double>(value.get_uint64());
  return std::nullopt;
}

// Zarr v2 writes the non-finite float fill values as strings.
std::optional<double> FillNumber(const json::value& value) {
  if (const auto* text = value.if_string()) {
    if (*text == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (*text == "Infinity") return std::numeric_limits<double>::infinity();
    if (*text == "-Infinity") return -std::numeric_limits<double>::infinity();
    return std::nullopt;
  }
  return Number(value);
}

std::optional<std::vector<std::int64_t>> IntegerList(const json::value* value) {
  const auto* array = value ? value->if_array() : nullptr;
  if (!array || array->size() > kMaxDimensions) return std::nullopt;
  std::vector<std::int64_t> out;
  for (const auto& item : *array) {
    if (item.is_int64() && item.get_int64() >= 0) {
      out.push_back(item.get_int64());
    } else if (item.is_uint64() &&
               item.get_uint64() <=
                   static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      out.push_back(static_cast<std::int64_t>(item.get_uint64()));
    } else {
      return std::nullopt;
    }
  }
  return out;
}

// A missing value as the dtype stores it, so that comparing stored elements is exact.
double RoundToDtype(const ZarrDtype& dtype, double value) {
  if (dtype.kind == 'f')
    return dtype.size == 4 ? static_cast<double>(static_cast<float>(value)) : value;
  return std::round(value);
}

void AddMissing(ZarrArray& array, const json::value& value) {
  // CF allows a scalar or a list (missing_value may hold several).
  if (const auto* list = value.if_array()) {
    for (const auto& item : *list) AddMissing(array, item);
    return;
  }
  if (const auto number = FillNumber(value); number && !std::isnan(*number)) {
    array.missing_values.push_back(RoundToDtype(array.dtype, *number));
  }
}

Parsed<ZarrArray> ParseArray(std::string name, const json::value& zarray,
                             const json::value* zattrs) {
  using Result = Parsed<ZarrArray>;
  const auto* meta = zarray.if_object();
  if (!meta) return Result::Fail(".zarray is not an object");
  ZarrArray array;
  array.name = std::move(name);

  if (const auto* format = meta->if_contains("zarr_format"); !format || Number(*format) != 2.0) {
    return Result::Fail("zarr_format is not 2");
  }
  auto shape = IntegerList(meta->if_contains("shape"));
  auto chunks = IntegerList(meta->if_contains("chunks"));
  if (!shape || !chunks || shape->size() != chunks->size()) {
    return Result::Fail("shape and chunks must be integer lists of the same length");
  }
  array.shape = std::move(*shape);
  array.chunks = std::move(*chunks);
  if (std::any_of(array.chunks.begin(), array.chunks.end(), [](auto c) { return c <= 0; })) {
    return Result::Fail("chunk lengths must be positive");
  }

  const auto* dtype_text = meta->if_contains("dtype");
  const auto dtype = dtype_text && dtype_text->is_string()
                         ? ParseZarrDtype(dtype_text->get_string())
                         : std::nullopt;
  if (!dtype) {
    return Result::Fail(
        fmt::format("unsupported dtype {}", dtype_text ? json::serialize(*dtype_text) : "(none)"));
  }
  array.dtype = *dtype;

  std::int64_t chunk_elements = 1;
  for (const auto c : array.chunks) {
    if (chunk_elements > kMaxChunkBytes / c) return Result::Fail("chunks are too large");
    chunk_elements *= c;
  }
  if (chunk_elements * array.dtype.size > kMaxChunkBytes)
    return Result::Fail("chunks are too large");

  const auto* compressor = meta->if_contains("compressor");
  if (!compressor || compressor->is_null()) {
    array.compressor = ZarrCompressor::kNone;
  } else {
    const auto* id = compressor->is_object() ? compressor->get_object().if_contains("id") : nullptr;
    if (!id || !id->is_string() || id->get_string() != "blosc") {
      return Result::Fail(fmt::format("unsupported compressor {}", json::serialize(*compressor)));
    }
    array.compressor = ZarrCompressor::kBlosc;
  }
  // Filters (delta, fixedscaleoffset, ...) would change the bytes after decompression; no ARCO
  // store seen uses them, so refuse rather than misread.
  if (const auto* filters = meta->if_contains("filters");
      filters && !filters->is_null() && !(filters->is_array() && filters->get_array().empty())) {
    return Result::Fail("filters are not supported");
  }
  if (const auto* order = meta->if_contains("order")) {
    if (!order->is_string() || (order->get_string() != "C" && order->get_string() != "F")) {
      return Result::Fail("order must be \"C\" or \"F\"");
    }
    array.fortran_order = order->get_string() == "F";
  }
  if (const auto* separator = meta->if_contains("dimension_separator");
      separator && !separator->is_null()) {
    if (!separator->is_string() ||
        (separator->get_string() != "." && separator->get_string() != "/")) {
      return Result::Fail("dimension_separator must be \".\" or \"/\"");
    }
    array.dimension_separator = separator->get_string()[0];
  }
  if (const auto* fill = meta->if_contains("fill_value"); fill && !fill->is_null()) {
    AddMissing(array, *fill);
  }

  if (const auto* attrs = zattrs ? zattrs->if_object() : nullptr) {
    if (const auto* dims = attrs->if_contains("_ARRAY_DIMENSIONS")) {
      const auto* list = dims->if_array();
      if (!list || list->size() != array.shape.size()) {
        return Result::Fail("_ARRAY_DIMENSIONS does not match the shape");
      }
      for (const auto& dim : *list) {
        if (!dim.is_string()) return Result::Fail("_ARRAY_DIMENSIONS must hold names");
        array.dimensions.emplace_back(dim.get_string());
      }
    }
    for (const auto* key : {"_FillValue", "missing_value"}) {
      if (const auto* value = attrs->if_contains(key)) AddMissing(array, *value);
    }
    if (const auto* scale = attrs->if_contains("scale_factor")) {
      const auto number = Number(*scale);
      if (!number || !std::isfinite(*number)) return Result::Fail("scale_factor is not a number");
      array.scale_factor = *number;
    }
    if (const auto* offset = attrs->if_contains("add_offset")) {
      const auto number = Number(*offset);
      if (!number || !std::isfinite(*number)) return Result::Fail("add_offset is not a number");
      array.add_offset = *number;
    }
    if (const auto* units = attrs->if_contains("units"); units && units->is_string()) {
      array.units = units->get_string();
    }
    if (const auto* calendar = attrs->if_contains("calendar"); calendar && calendar->is_string()) {
      array.calendar = calendar->get_string();
    }
  }
  return Result::Ok(std::move(array));
}

template <typename T>
T LoadAs(const char* bytes, bool big_endian) {
  return core::LoadInOrder<T>(bytes, big_endian ? std::endian::big : std::endian::little);
}

// An integer as wide as `Unsigned`, signed or not.
template <typename Unsigned>
double LoadInteger(bool is_signed, const char* bytes, bool big_endian) {
  if (is_signed)
    return static_cast<double>(LoadAs<std::make_signed_t<Unsigned>>(bytes, big_endian));
  return static_cast<double>(LoadAs<Unsigned>(bytes, big_endian));
}

double LoadElement(const ZarrDtype& dtype, const char* bytes) {
  const bool be = dtype.big_endian;
  if (dtype.kind == 'f') {
    return dtype.size == 4 ? LoadAs<float>(bytes, be) : LoadAs<double>(bytes, be);
  }
  const bool is_signed = dtype.kind == 'i';
  switch (dtype.size) {
    case 1:
      return LoadInteger<std::uint8_t>(is_signed, bytes, be);
    case 2:
      return LoadInteger<std::uint16_t>(is_signed, bytes, be);
    case 4:
      return LoadInteger<std::uint32_t>(is_signed, bytes, be);
    default:
      return LoadInteger<std::uint64_t>(is_signed, bytes, be);
  }
}

// A cursor over CF reference-date text.
struct Scanner {
  std::string_view text;
  std::size_t pos = 0;

  bool AtEnd() const { return pos >= text.size(); }
  char Peek() const { return AtEnd() ? '\0' : text[pos]; }
  bool Take(char c) {
    if (Peek() != c) return false;
    ++pos;
    return true;
  }
  void SkipSpaces() {
    while (!AtEnd() && text[pos] == ' ') ++pos;
  }
  // 1..max_digits digits.
  std::optional<int> Digits(std::size_t max_digits) {
    std::size_t count = 0;
    int value = 0;
    while (count < max_digits && !AtEnd() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      value = value * 10 + (text[pos] - '0');
      ++pos;
      ++count;
    }
    if (count == 0) return std::nullopt;
    return value;
  }
};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<double> MsPerUnit(std::string_view unit) {
  const std::string name = Lower(unit);
  if (name == "days" || name == "day" || name == "d") return 86'400'000.0;
  if (name == "hours" || name == "hour" || name == "hr" || name == "h") return 3'600'000.0;
  if (name == "minutes" || name == "minute" || name == "min") return 60'000.0;
  if (name == "seconds" || name == "second" || name == "sec" || name == "s") return 1'000.0;
  if (name == "milliseconds" || name == "millisecond" || name == "ms") return 1.0;
  if (name == "microseconds" || name == "microsecond" || name == "us") return 1e-3;
  return std::nullopt;
}

// "1950-01-01", "1950-1-1 0:0:0", "1970-01-01T00:00:00.5Z", "2000-01-01 00:00:00 +01:00",
// "1970-01-01 00:00:00Z (no leap seconds)".
std::optional<core::EpochMs> ParseReferenceDate(std::string_view text) {
  Scanner s{text};
  s.SkipSpaces();
  const auto year = s.Digits(4);
  if (!year || !s.Take('-')) return std::nullopt;
  const auto month = s.Digits(2);
  if (!month || !s.Take('-')) return std::nullopt;
  const auto day = s.Digits(2);
  if (!day || *month < 1 || *month > 12 || *day < 1) return std::nullopt;
  // Validate the day against the month through a round trip of the civil-date arithmetic.
  const long long days =
      core::DaysFromCivil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  if (*month < 12 ? core::DaysFromCivil(*year, *month + 1, 1) <= days
                  : core::DaysFromCivil(*year + 1, 1, 1) <= days) {
    return std::nullopt;
  }
  // Before the Gregorian reform "standard" and proleptic calendars disagree.
  if (days < core::DaysFromCivil(1582, 10, 15)) return std::nullopt;
  double ms = static_cast<double>(days) * core::kMsPerDay;

  if (s.Take('T') || s.Take('t') || s.Take(' ')) {
    s.SkipSpaces();
    const auto hour = s.Digits(2);
    if (hour) {
      if (!s.Take(':')) return std::nullopt;
      const auto minute = s.Digits(2);
      if (!minute || *hour > 23 || *minute > 59) return std::nullopt;
      double seconds = 0;
      if (s.Take(':')) {
        const auto whole = s.Digits(2);
        if (!whole || *whole > 59) return std::nullopt;
        seconds = *whole;
        if (s.Take('.')) {
          double scale = 0.1;
          while (!s.AtEnd() && std::isdigit(static_cast<unsigned char>(s.Peek()))) {
            seconds += scale * (s.Peek() - '0');
            scale /= 10;
            ++s.pos;
          }
        }
      }
      ms += (*hour * 3600.0 + *minute * 60.0 + seconds) * 1000.0;
    }
  }
  s.SkipSpaces();
  // Zone: Z, UTC/GMT, or a numeric offset (the reference is local time at that offset).
  const std::string zone_name = Lower(text.substr(s.pos, 3));
  if (s.Peek() == 'Z' || s.Peek() == 'z') {
    ++s.pos;
  } else if (zone_name == "utc" || zone_name == "gmt") {
    s.pos += 3;
  } else if (s.Peek() == '+' || s.Peek() == '-') {
    const int sign = s.Peek() == '-' ? -1 : 1;
    ++s.pos;
    const std::size_t start = s.pos;
    auto hours = s.Digits(2);
    if (!hours) return std::nullopt;
    int minutes = 0;
    if (s.Take(':')) {
      const auto m = s.Digits(2);
      if (!m) return std::nullopt;
      minutes = *m;
    } else if (s.pos - start == 2 && std::isdigit(static_cast<unsigned char>(s.Peek()))) {
      const auto m = s.Digits(2);  // "+0100"
      if (!m) return std::nullopt;
      minutes = *m;
    }
    if (*hours > 14 || minutes > 59) return std::nullopt;
    ms -= sign * (*hours * 3600.0 + minutes * 60.0) * 1000.0;
  }
  s.SkipSpaces();
  // A parenthesised remark may follow: "(no leap seconds)".
  if (!s.AtEnd() && s.Peek() != '(') return std::nullopt;
  return static_cast<core::EpochMs>(std::llround(ms));
}

}  // namespace

std::int64_t ZarrArray::ChunkElements() const {
  std::int64_t count = 1;
  for (const auto c : chunks) count *= c;
  return count;
}

std::optional<ZarrDtype> ParseZarrDtype(std::string_view text) {
  if (text.size() != 3) return std::nullopt;
  ZarrDtype dtype;
  switch (text[0]) {
    case '<':
      dtype.big_endian = false;
      break;
    case '>':
      dtype.big_endian = true;
      break;
    case '|':
      dtype.big_endian = false;
      break;
    default:
      return std::nullopt;
  }
  dtype.kind = text[1];
  dtype.size = text[2] - '0';
  if (dtype.kind == 'f') {
    if (dtype.size != 4 && dtype.size != 8) return std::nullopt;
  } else if (dtype.kind == 'i' || dtype.kind == 'u') {
    if (dtype.size != 1 && dtype.size != 2 && dtype.size != 4 && dtype.size != 8) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  // '|' (no byte order) only makes sense for single bytes.
  if (text[0] == '|' && dtype.size != 1) return std::nullopt;
  return dtype;
}

Parsed<ZarrMetadata> ParseConsolidatedMetadata(std::string_view text) {
  using Result = Parsed<ZarrMetadata>;
  boost::system::error_code ec;
  const json::value document = json::parse(text, ec);
  if (ec) return Result::Fail(fmt::format(".zmetadata is not JSON: {}", ec.message()));
  const auto* root = document.if_object();
  const auto* metadata = root ? root->if_contains("metadata") : nullptr;
  if (!metadata || !metadata->is_object()) {
    return Result::Fail(".zmetadata has no \"metadata\" object");
  }
  if (const auto* format = root->if_contains("zarr_consolidated_format");
      format && Number(*format) != 1.0) {
    return Result::Fail("unsupported zarr_consolidated_format");
  }
  ZarrMetadata result;
  const auto& entries = metadata->get_object();
  for (const auto& entry : entries) {
    const std::string_view key = entry.key();
    if (!key.ends_with(kZarrayKey)) continue;
    std::string name(key.substr(0, key.size() - kZarrayKey.size()));
    const auto* attrs = entries.if_contains(name + std::string(kZattrsKey));
    auto parsed = ParseArray(name, entry.value(), attrs);
    if (parsed.value) {
      result.arrays.emplace(name, std::move(*parsed.value));
    } else {
      result.invalid.emplace(std::move(name), std::move(parsed.error));
    }
  }
  if (result.arrays.empty() && result.invalid.empty()) {
    return Result::Fail(".zmetadata lists no arrays");
  }
  return Result::Ok(std::move(result));
}

ZarrChunkPosition LocateElement(const ZarrArray& array, std::span<const std::int64_t> index) {
  ZarrChunkPosition position;
  const std::size_t n = array.chunks.size();
  position.chunk.resize(n);
  std::vector<std::int64_t> within(n);
  for (std::size_t d = 0; d < n; ++d) {
    position.chunk[d] = index[d] / array.chunks[d];
    within[d] = index[d] % array.chunks[d];
  }
  std::int64_t offset = 0;
  if (array.fortran_order) {
    for (std::size_t d = n; d-- > 0;) offset = offset * array.chunks[d] + within[d];
  } else {
    for (std::size_t d = 0; d < n; ++d) offset = offset * array.chunks[d] + within[d];
  }
  position.offset = offset;
  return position;
}

std::string ChunkKey(const ZarrArray& array, std::span<const std::int64_t> chunk) {
  std::string key = array.name + "/";
  if (chunk.empty()) return key + "0";
  for (std::size_t d = 0; d < chunk.size(); ++d) {
    if (d > 0) key += array.dimension_separator;
    key += std::to_string(chunk[d]);
  }
  return key;
}

Parsed<std::string> DecodeChunk(const ZarrArray& array, std::string_view stored) {
  const std::size_t expected = array.ChunkBytes();
  if (array.compressor == ZarrCompressor::kBlosc) return BloscDecompress(stored, expected);
  if (stored.size() != expected) {
    return Parsed<std::string>::Fail(
        fmt::format("uncompressed chunk has {} bytes, expected {}", stored.size(), expected));
  }
  return Parsed<std::string>::Ok(std::string(stored));
}

std::optional<double> ReadElement(const ZarrArray& array, std::string_view chunk,
                                  std::int64_t offset) {
  if (offset < 0) return std::nullopt;
  const auto size = static_cast<std::size_t>(array.dtype.size);
  const auto position = static_cast<std::size_t>(offset) * size;
  if (position + size > chunk.size()) return std::nullopt;
  const double stored = LoadElement(array.dtype, chunk.data() + position);
  if (!std::isfinite(stored)) return std::nullopt;
  for (const double missing : array.missing_values) {
    if (stored == missing) return std::nullopt;
  }
  return stored * array.scale_factor + array.add_offset;
}

Parsed<CfTimeUnits> ParseCfTimeUnits(std::string_view units, std::string_view calendar) {
  using Result = Parsed<CfTimeUnits>;
  const std::string cal = Lower(calendar);
  if (!cal.empty() && cal != "standard" && cal != "gregorian" && cal != "proleptic_gregorian") {
    return Result::Fail(fmt::format("unsupported calendar \"{}\"", calendar));
  }
  const auto since = Lower(units).find(" since ");
  if (since == std::string::npos) {
    return Result::Fail(fmt::format("time units \"{}\" are not \"<unit> since <date>\"", units));
  }
  std::string_view unit = units.substr(0, since);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  const auto ms_per_unit = MsPerUnit(unit);
  if (!ms_per_unit) return Result::Fail(fmt::format("unknown time unit \"{}\"", unit));
  const auto reference = ParseReferenceDate(units.substr(since + 7));
  if (!reference) {
    return Result::Fail(fmt::format("cannot read the reference date in \"{}\"", units));
  }
  return Result::Ok(CfTimeUnits{*reference, *ms_per_unit});
}

std::optional<core::EpochMs> CfTimeToEpochMs(const CfTimeUnits& units, double value) {
  const double ms = static_cast<double>(units.reference_ms) + value * units.ms_per_unit;
  // ±1e16 ms is ±300,000 years: far beyond any data, and safely inside int64.
  if (!std::isfinite(ms) || std::fabs(ms) > 1e16) return std::nullopt;
  return static_cast<core::EpochMs>(std::llround(ms));
}

}  // namespace ocean::sources
