#include "core/cursor.hpp"

#include <gtest/gtest.h>

namespace ocean::core {
namespace {

TEST(Cursor, RoundTrip) {
  for (const CursorPosition& position :
       {CursorPosition{0, 0, ""}, CursorPosition{1795672800000, 42, "copernicus-thetao"},
        CursorPosition{-5, 9'000'000'000, std::string(32, 'x')}}) {
    const auto decoded = DecodeCursor(EncodeCursor(position));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->timestamp_ms, position.timestamp_ms);
    EXPECT_EQ(decoded->id, position.id);
    EXPECT_EQ(decoded->source, position.source);
  }
}

TEST(Cursor, OpaqueAndUrlSafe) {
  const auto cursor = EncodeCursor({1795672800000, 42, "noaa"});
  EXPECT_EQ(
      cursor.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
}

TEST(Cursor, RejectsGarbage) {
  for (const char* bad : {"", "!!!", "abc", "djE6MTIz", "djI6MTox", "djE6eDox", "djE6MTot"}) {
    EXPECT_FALSE(DecodeCursor(bad)) << bad;
  }
  // Well-formed base64 of text that is not a v3 cursor (a v2 one is well formed but older).
  for (const char* text : {"v1:123:4", "v2:1:2:a", "v3:123:4", "v3:123:-4:a", "v3:x:4:a",
                           "v3:1:2:bad source", "v3:1:2:a:b", "v4:1:2:a"}) {
    const std::string raw = text;
    // Encode through a cursor with the same bytes: base64 of `raw`.
    std::string cursor;
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned buffer = 0;
    int bits = 0;
    for (const unsigned char c : raw) {
      buffer = (buffer << 8) | c;
      bits += 8;
      while (bits >= 6) {
        bits -= 6;
        cursor += kAlphabet[(buffer >> bits) & 63];
      }
    }
    if (bits > 0) cursor += kAlphabet[(buffer << (6 - bits)) & 63];
    EXPECT_FALSE(DecodeCursor(cursor)) << text;
  }
}

}  // namespace
}  // namespace ocean::core
