#include "core/big_endian.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace ocean::core {
namespace {

TEST(BigEndianTest, AppendsMostSignificantByteFirstAndReadsItBack) {
  std::string out;
  AppendBigEndian(out, std::uint32_t{0x01020304});
  AppendBigEndian(out, std::int16_t{-2});
  AppendBigEndian(out, 1.5);
  EXPECT_EQ(out.substr(0, 6), std::string("\x01\x02\x03\x04\xff\xfe", 6));
  EXPECT_EQ(out.substr(6), std::string("\x3f\xf8\0\0\0\0\0\0", 8));
  EXPECT_EQ(LoadBigEndian<std::uint32_t>(out.data()), 0x01020304u);
  EXPECT_EQ(LoadBigEndian<std::int16_t>(out.data() + 4), -2);
  EXPECT_EQ(LoadBigEndian<double>(out.data() + 6), 1.5);
}

TEST(BigEndianTest, LoadsEitherOrderFromUnalignedBytes) {
  const std::string bytes("\x00\x00\x00\x80\x3f\x42", 6);  // float 1.0f little-endian at 1
  EXPECT_EQ(LoadInOrder<float>(bytes.data() + 1, std::endian::little), 1.0f);
  EXPECT_EQ(LoadInOrder<std::uint16_t>(bytes.data() + 4, std::endian::big), 0x3f42);
  EXPECT_EQ(LoadInOrder<std::uint16_t>(bytes.data() + 4, std::endian::little), 0x423f);
  EXPECT_EQ(LoadInOrder<std::int8_t>("\xff", std::endian::big), -1);
  std::string max;
  AppendBigEndian(max, std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(LoadBigEndian<std::int64_t>(max.data()), std::numeric_limits<std::int64_t>::min());
}

}  // namespace
}  // namespace ocean::core
