#include "core/json_escape.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ocean::core {
namespace {

// Both writers give the same text for every byte, alone and among plain text, within the
// room MaxJsonStringSize promises.
TEST(JsonEscape, WriterMatchesAppenderForEveryByte) {
  for (int c = 0; c < 256; ++c) {
    for (const std::string& text : {std::string(1, static_cast<char>(c)),
                                    "ab" + std::string(3, static_cast<char>(c)) + "cd"}) {
      std::string appended;
      AppendJsonString(appended, text);
      std::string written(MaxJsonStringSize(text.size()), '\0');
      written.resize(
          static_cast<std::size_t>(WriteJsonString(written.data(), text) - written.data()));
      EXPECT_EQ(written, appended) << "byte " << c;
    }
  }
  std::string appended;
  AppendJsonString(appended, "q\"\\\n\r\t\x01\x1f");
  EXPECT_EQ(appended, R"("q\"\\\n\r\t\u0001\u001f")");
}

}  // namespace
}  // namespace ocean::core
