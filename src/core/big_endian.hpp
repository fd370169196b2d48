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

template <std::size_t Size>
struct UnsignedOfSize;
template <>
struct UnsignedOfSize<1> {
  using type = std::uint8_t;
};
template <>
struct UnsignedOfSize<2> {
  using type = std::uint16_t;
};
template <>
struct UnsignedOfSize<4> {
  using type = std::uint32_t;
};
template <>
struct UnsignedOfSize<8> {
  using type = std::uint64_t;
};

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
  using Bits = typename detail::UnsignedOfSize<sizeof(T)>::type;
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
  using Bits = typename detail::UnsignedOfSize<sizeof(T)>::type;
  auto bits = std::bit_cast<Bits>(value);
  if constexpr (std::endian::native == std::endian::little) bits = detail::ByteSwap(bits);
  char bytes[sizeof bits];
  std::memcpy(bytes, &bits, sizeof bits);
  out.append(bytes, sizeof bits);
}

}  // namespace ocean::core
