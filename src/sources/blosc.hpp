// Blosc decompression (c-blosc 1.x) for Zarr v2 chunks. The ARCO stores name their inner codec
// (lz4, zstd, ...) and shuffle in each chunk's header, so one call decodes all of them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "sources/source.hpp"  // Parsed<T>

namespace ocean::sources {

// Decompresses one Blosc frame that must expand to exactly `expected_bytes` (a Zarr chunk's
// element count times the item size). Corrupt, truncated or wrongly sized input is an error,
// never undefined behaviour: the header is validated against the input length first.
Parsed<std::string> BloscDecompress(std::string_view compressed, std::size_t expected_bytes);

}  // namespace ocean::sources
