#include "storage/pg/codec.hpp"

#include <charconv>
#include <limits>

#include "storage/pg/connection.hpp"

namespace ocean::storage::pg {
namespace {

constexpr std::int64_t kPgEpochMs = 946684800000;  // 2000-01-01 in ms since 1970

template <typename Number>
Number ParseNumber(const PGresult* result, int row, int column, const char* kind) {
  const char* text = PQgetvalue(result, row, column);
  Number value{};
  auto [end, ec] = std::from_chars(text, text + std::strlen(text), value);
  if (ec != std::errc()) {
    throw StatementError(
        "postgresql: expected " + std::string(kind) + ", got \"" + std::string(text) + "\"", "");
  }
  return value;
}

template <typename Value>
std::string ArrayLiteral(std::span<const Value> values) {
  std::string out = "{";
  for (const Value value : values) {
    if (out.size() > 1) out += ',';
    if constexpr (std::is_same_v<Value, double>) {
      AppendDouble(out, value);
    } else {
      out += std::to_string(value);
    }
  }
  out += '}';
  return out;
}

}  // namespace

std::int64_t ParseInt(const PGresult* result, int row, int column) {
  return ParseNumber<std::int64_t>(result, row, column, "an integer");
}

double ParseDouble(const PGresult* result, int row, int column) {
  return ParseNumber<double>(result, row, column, "a number");
}

std::string Text(const PGresult* result, int row, int column) {
  return std::string(TextView(result, row, column));
}

std::string_view TextView(const PGresult* result, int row, int column) {
  return {PQgetvalue(result, row, column),
          static_cast<std::size_t>(PQgetlength(result, row, column))};
}

bool ParseBool(const PGresult* result, int row, int column) {
  return PQgetvalue(result, row, column)[0] == 't';
}

BinaryColumns::BinaryColumns(const PGresult* result, std::initializer_list<int> widths)
    : result_(result) {
  const int rows = PQntuples(result);
  int column = 0;
  for (const int width : widths) {
    if (width > 0) {
      bool ok = PQfformat(result, column) == 1 && PQfsize(result, column) == width;
      for (int row = 0; ok && row < rows; ++row) ok = PQgetlength(result, row, column) == width;
      if (!ok) {
        throw StatementError("postgresql: column " + std::to_string(column) + " is not a " +
                                 std::to_string(width) + "-byte binary value in every row",
                             "");
      }
    }
    ++column;
  }
}

core::EpochMs PgMicrosToMs(std::int64_t us) {
  std::int64_t ms = us / 1000;  // ms + rest / 1000 is the exact value, 0 <= rest < 1000
  std::int64_t rest = us % 1000;
  if (rest < 0) {
    ms -= 1;
    rest += 1000;
  }
  ms += kPgEpochMs;
  if (rest > 500 || (rest == 500 && ms >= 0)) ++ms;
  return ms;
}

std::int64_t PgTimestampMicros(core::EpochMs ms) { return (ms - kPgEpochMs) * 1000; }

core::QualityFlag ToQualityFlag(int value) {
  // Only validated flags are written; a foreign value reads as "not evaluated".
  return core::QualityFlagFromInt(value).value_or(core::QualityFlag::kNotEvaluated);
}

std::string PgInt8Array(std::span<const std::int64_t> values) { return ArrayLiteral(values); }
std::string PgFloat8Array(std::span<const double> values) { return ArrayLiteral(values); }

CopyBinaryWriter::CopyBinaryWriter(std::size_t rows) {
  out_.reserve(32 + rows * 96);
  constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // and its terminating NUL
  out_.append(kSignature, sizeof kSignature);
  AppendBigEndian(out_, std::uint32_t{0});  // flags: no OIDs
  AppendBigEndian(out_, std::uint32_t{0});  // no header extension
}

void CopyBinaryWriter::Text(std::string_view value) {
  if (value.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    throw StatementError("postgresql: text value too long for COPY", "22001");
  }
  AppendBigEndian(out_, static_cast<std::uint32_t>(value.size()));
  out_ += value;
}

void CopyBinaryWriter::Int64(std::int64_t value) {
  AppendBigEndian(out_, std::uint32_t{8});
  AppendBigEndian(out_, value);
}

void CopyBinaryWriter::Double(double value) {
  AppendBigEndian(out_, std::uint32_t{8});
  AppendBigEndian(out_, value);
}

void CopyBinaryWriter::Int16(std::int16_t value) {
  AppendBigEndian(out_, std::uint32_t{2});
  AppendBigEndian(out_, value);
}

std::string CopyBinaryWriter::Finish() && {
  AppendBigEndian(out_, std::uint16_t{0xffff});
  return std::move(out_);
}

std::vector<core::Location> ReadLocations(const PGresult* result) {
  std::vector<core::Location> locations;
  for (int row = 0; row < PQntuples(result); ++row) {
    core::Location location;
    location.id = Text(result, row, 0);
    location.name = Text(result, row, 1);
    location.latitude = ParseDouble(result, row, 2);
    location.longitude = ParseDouble(result, row, 3);
    location.description = Text(result, row, 4);
    locations.push_back(std::move(location));
  }
  return locations;
}

}  // namespace ocean::storage::pg
