// Values to and from PostgreSQL: text results, binary results, timestamps, array literals and
// the COPY binary format. Private to the PostgreSQL store.
#pragma once

#include <libpq-fe.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/big_endian.hpp"
#include "core/types.hpp"

namespace ocean::storage::pg {

// Query bounds beyond what 'epoch' + ms * 1 ms can represent (an interval overflows past
// ~294247 AD; timestamptz starts at 4713 BC) are clamped, so "since forever" stays a valid
// query. Stored observations are validated long before they get near either end.
inline constexpr core::EpochMs kMinPgMs = -210863520000000;  // 4713-01-01 00:00 BC
inline constexpr core::EpochMs kMaxPgMs = 9223372036854000;  // 294247-01-10

inline core::EpochMs ClampToPg(core::EpochMs ms) { return std::clamp(ms, kMinPgMs, kMaxPgMs); }

// Numbers in binary results and COPY are big-endian: core/big_endian.hpp reads and writes them.
using core::AppendBigEndian;

// Text-format fields; throw StatementError when a field is not what the statement promised.
std::int64_t ParseInt(const PGresult* result, int row, int column);
double ParseDouble(const PGresult* result, int row, int column);
std::string Text(const PGresult* result, int row, int column);
std::string_view TextView(const PGresult* result, int row, int column);
bool ParseBool(const PGresult* result, int row, int column);

// Fixed-width binary columns of a whole result, checked once: then each value is one
// PQgetvalue and a byte swap, which matters for series of thousands of rows.
class BinaryColumns {
 public:
  // Throws unless every column of `widths` (bytes per value; 0: skip) is a binary column of a
  // type that wide, with a value of that width (so not NULL, which has length 0) in every row.
  BinaryColumns(const PGresult* result, std::initializer_list<int> widths);

  std::int64_t Int64(int row, int column) const {
    return core::LoadBigEndian<std::int64_t>(Field(row, column));
  }
  double Double(int row, int column) const {
    return core::LoadBigEndian<double>(Field(row, column));
  }
  int Int16(int row, int column) const {
    return core::LoadBigEndian<std::int16_t>(Field(row, column));
  }

 private:
  const char* Field(int row, int column) const { return PQgetvalue(result_, row, column); }
  const PGresult* result_;
};

// timestamptz in binary is microseconds since 2000-01-01 00:00 UTC. Rounds to the nearest
// millisecond, halves away from zero, as the numeric-to-int8 cast of
// (extract(epoch FROM ts) * 1000) does, so every EpochMs round-trips.
core::EpochMs PgMicrosToMs(std::int64_t us);
// The inverse for a stored row's time (within kMinPgMs..kMaxPgMs).
std::int64_t PgTimestampMicros(core::EpochMs ms);

core::QualityFlag ToQualityFlag(int value);

// Array literals ({1,2}); each float8 element exact.
std::string PgInt8Array(std::span<const std::int64_t> values);
std::string PgFloat8Array(std::span<const double> values);

// COPY binary format: a signature, flags and header extension length, then per row the field
// count and each field as a length and its bytes (big-endian numbers), then -1 as the trailer.
class CopyBinaryWriter {
 public:
  explicit CopyBinaryWriter(std::size_t rows);
  void BeginRow(std::uint16_t fields) { AppendBigEndian(out_, fields); }
  void Text(std::string_view value);
  void Int64(std::int64_t value);
  void Double(double value);
  void Int16(std::int16_t value);
  std::string Finish() &&;

 private:
  std::string out_;
};

std::vector<core::Location> ReadLocations(const PGresult* result);

}  // namespace ocean::storage::pg
