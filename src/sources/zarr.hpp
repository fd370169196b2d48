// Zarr v2 as the Copernicus Marine ARCO stores use it (data-sources.md §2.3): consolidated
// metadata (.zmetadata), chunk keys, chunk decoding (Blosc or uncompressed), CF packing and
// missing values, and CF time units. Pure functions over bytes; the HTTP side is in
// copernicus.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"
#include "sources/source.hpp"  // Parsed<T>

namespace ocean::sources {

// A numpy dtype string such as "<f4": kind 'f' (float), 'i' (signed) or 'u' (unsigned).
struct ZarrDtype {
  char kind = 'f';
  int size = 4;  // bytes: 4 or 8 for floats; 1, 2, 4 or 8 for integers
  bool big_endian = false;
};

enum class ZarrCompressor { kNone, kBlosc };

// One array of the store: its .zarray and the .zattrs that change how values read.
struct ZarrArray {
  std::string name;  // path in the store: "thetao", "time"
  std::vector<std::int64_t> shape;
  std::vector<std::int64_t> chunks;  // same length as shape; edge chunks are stored full size
  ZarrDtype dtype;
  ZarrCompressor compressor = ZarrCompressor::kNone;
  bool fortran_order = false;  // .zarray "order": "F"
  char dimension_separator = '.';
  std::vector<std::string> dimensions;  // .zattrs _ARRAY_DIMENSIONS, one per axis
  // Stored (packed) values that mean "no data": .zarray fill_value and the CF _FillValue and
  // missing_value attributes, already rounded to the dtype. NaN is always missing.
  std::vector<double> missing_values;
  double scale_factor = 1.0;  // CF packing: value = stored * scale_factor + add_offset
  double add_offset = 0.0;
  std::string units;     // .zattrs units ("" when absent)
  std::string calendar;  // .zattrs calendar (time axes)

  std::int64_t ChunkElements() const;
  std::size_t ChunkBytes() const { return static_cast<std::size_t>(ChunkElements()) * dtype.size; }
};

struct ZarrMetadata {
  std::map<std::string, ZarrArray, std::less<>> arrays;
  // Arrays whose metadata we cannot read, with why: an unreadable array the fetch does not
  // need must not stop it.
  std::map<std::string, std::string, std::less<>> invalid;
};

// Parses the consolidated metadata document ({"metadata": {"thetao/.zarray": ..., ...}}).
// Fails on text that is not such a document; per-array problems land in `invalid`.
Parsed<ZarrMetadata> ParseConsolidatedMetadata(std::string_view json);

// Parses a "<f4"-style dtype; nullopt for anything the reader does not decode.
std::optional<ZarrDtype> ParseZarrDtype(std::string_view text);

// Where element `index` (one per axis, each within the shape) lives.
struct ZarrChunkPosition {
  std::vector<std::int64_t> chunk;  // chunk grid coordinates
  std::int64_t offset = 0;          // element offset inside the decoded chunk
};
ZarrChunkPosition LocateElement(const ZarrArray& array, std::span<const std::int64_t> index);

// The store key of a chunk: "thetao/1.0.52.12" ("/" separated when the array says so; "0" for
// a zero-dimensional array).
std::string ChunkKey(const ZarrArray& array, std::span<const std::int64_t> chunk);

// A stored chunk object -> its raw element bytes (decompressed and size-checked).
Parsed<std::string> DecodeChunk(const ZarrArray& array, std::string_view stored);

// Element `offset` of a decoded chunk, unpacked (scale_factor/add_offset); nullopt when it is
// a missing value (NaN, infinite, or one of missing_values). The chunk must be ChunkBytes().
std::optional<double> ReadElement(const ZarrArray& array, std::string_view chunk,
                                  std::int64_t offset);

// CF time units: "hours since 1950-01-01", "seconds since 1970-01-01 00:00:00Z", ...
struct CfTimeUnits {
  core::EpochMs reference_ms = 0;
  double ms_per_unit = 1.0;
};
// Calendar "", "standard", "gregorian" or "proleptic_gregorian" (the same for dates after
// 1582-10-15, which the reference must be); anything else (noleap, 360_day) is an error.
Parsed<CfTimeUnits> ParseCfTimeUnits(std::string_view units, std::string_view calendar);
// nullopt when the value is not finite or out of range.
std::optional<core::EpochMs> CfTimeToEpochMs(const CfTimeUnits& units, double value);

}  // namespace ocean::sources
