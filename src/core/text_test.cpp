#include "core/text.hpp"

#include <gtest/gtest.h>

namespace ocean::core {
namespace {

TEST(TrimTest, StripsWhitespaceAtBothEnds) {
  EXPECT_EQ(Trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(Trim("a"), "a");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim(" \t\r\n "), "");
}

TEST(TrimTest, StripsOnlyTheGivenCharacters) {
  EXPECT_EQ(Trim(" \tvalue\t ", " \t"), "value");
  EXPECT_EQ(Trim("\nvalue\n", " \t"), "\nvalue\n");
}

static_assert(Trim("  x  ") == "x");

}  // namespace
}  // namespace ocean::core
