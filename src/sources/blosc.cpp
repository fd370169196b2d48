#include "sources/blosc.hpp"

#include <blosc.h>
#include <fmt/format.h>

#include <climits>

namespace ocean::sources {

Parsed<std::string> BloscDecompress(std::string_view compressed, std::size_t expected_bytes) {
  if (compressed.size() < BLOSC_MIN_HEADER_LENGTH) {
    return Parsed<std::string>::Fail(
        fmt::format("blosc: {} bytes is shorter than a Blosc header", compressed.size()));
  }
  // blosc_decompress_ctx reads as far as the header says; validating first makes sure the
  // header's compressed size fits in what we actually received.
  std::size_t header_bytes = 0;
  if (blosc_cbuffer_validate(compressed.data(), compressed.size(), &header_bytes) != 0) {
    return Parsed<std::string>::Fail("blosc: invalid header or truncated frame");
  }
  if (header_bytes != expected_bytes) {
    return Parsed<std::string>::Fail(fmt::format(
        "blosc: frame expands to {} bytes, the chunk needs {}", header_bytes, expected_bytes));
  }
  if (expected_bytes > static_cast<std::size_t>(INT_MAX)) {
    return Parsed<std::string>::Fail("blosc: chunk larger than 2 GiB");
  }
  std::string out(expected_bytes, '\0');
  if (expected_bytes == 0) return Parsed<std::string>::Ok(std::move(out));
  // One internal thread: the fetcher already runs locations in parallel, and the context API
  // needs neither blosc_init() nor the global lock.
  const int written = blosc_decompress_ctx(compressed.data(), out.data(), out.size(), 1);
  if (written <= 0) {
    return Parsed<std::string>::Fail(fmt::format("blosc: decompression failed ({})", written));
  }
  if (static_cast<std::size_t>(written) != expected_bytes) {
    return Parsed<std::string>::Fail(
        fmt::format("blosc: decompressed {} bytes, the chunk needs {}", written, expected_bytes));
  }
  return Parsed<std::string>::Ok(std::move(out));
}

}  // namespace ocean::sources
