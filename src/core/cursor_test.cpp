#include "core/cursor.hpp"

#include <gtest/gtest.h>

namespace ocean::core {
namespace {

TEST(Cursor, RoundTrip) {
  for (const CursorPosition position : {CursorPosition{0, 0}, CursorPosition{1795672800000, 42},
                                        CursorPosition{-5, 9'000'000'000}}) {
    const auto decoded = DecodeCursor(EncodeCursor(position));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->timestamp_ms, position.timestamp_ms);
    EXPECT_EQ(decoded->id, position.id);
  }
}

TEST(Cursor, OpaqueAndUrlSafe) {
  const auto cursor = EncodeCursor({1795672800000, 42});
  EXPECT_EQ(
      cursor.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
}

TEST(Cursor, RejectsGarbage) {
  for (const char* bad : {"", "!!!", "abc", "djE6MTIz", "djI6MTox", "djE6eDox", "djE6MTot"}) {
    EXPECT_FALSE(DecodeCursor(bad)) << bad;
  }
}

}  // namespace
}  // namespace ocean::core
