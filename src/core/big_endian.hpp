// Fixed-width numbers in a stated byte order: wire formats (PostgreSQL's binary results and
// COPY, Zarr chunks) fix theirs, whatever the host's. The one home for byte swapping.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

namespace ocean::core {

namespace detail {

// The unsigned integer of `Size` bytes (1, 2, 4 or 8; bit_cast rejects any other size).
template <std::size_t Size>
using UnsignedOfSize = std::conditional_t<
    Size == 8, std::uint64_t,
    std::conditional_t<Size == 4, std::uint32_t,
                       std::conditional_t<Size == 2, std::uint16_t, std::uint8_t>>>;

template <typename Unsigned>
constexpr Unsigned ByteSwap(Unsigned value) {
  if constexpr (sizeof value == 8) return __builtin_bswap64(value);
  if constexpr (sizeof value == 4) return __builtin_bswap32(value);
  if constexpr (sizeof value == 2) return __builtin_bswap16(value);
  if constexpr (sizeof value == 1) return value;
}

}  // namespace detail

// An integer or floating-point number of sizeof(T) bytes at `bytes` (unaligned is fine), stored
// in `order`. The bits go through an unsigned integer, so a float never passes through a
// floating-point register with its bytes still swapped.
template <typename T>
requires std::is_arithmetic_v<T> T LoadInOrder(const char* bytes, std::endian order) {
  using Bits = detail::UnsignedOfSize<sizeof(T)>;
  Bits bits = 0;
  std::memcpy(&bits, bytes, sizeof bits);
  if (order != std::endian::native) bits = detail::ByteSwap(bits);
  return std::bit_cast<T>(bits);
}

template <typename T>
requires std::is_arithmetic_v<T> T LoadBigEndian(const char* bytes) {
  return LoadInOrder<T>(bytes, std::endian::big);
}

// Appends `value`'s sizeof(T) bytes, most significant first.
template <typename T>
requires std::is_arithmetic_v<T>
void AppendBigEndian(std::string& out, T value) {
  using Bits = detail::UnsignedOfSize<sizeof(T)>;
  auto bits = std::bit_cast<Bits>(value);
  if constexpr (std::endian::native == std::endian::little) bits = detail::ByteSwap(bits);
  char bytes[sizeof bits];
  std::memcpy(bytes, &bits, sizeof bits);
  out.append(bytes, sizeof bits);
}

}  // namespace ocean::core
