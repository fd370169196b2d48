#include "core/json_escape.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace ocean::core {
namespace {

std::string Appended(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

std::string Written(std::string_view text) {
  std::string out(MaxJsonStringSize(text.size()), '\0');
  out.resize(static_cast<std::size_t>(WriteJsonString(out.data(), text) - out.data()));
  return out;
}

// Boost.JSON's parser rejects ill-formed UTF-8 unless told otherwise: a strict decoder.
std::string DecodeStrictly(const std::string& json) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(json, ec);
  EXPECT_FALSE(ec) << ec.message() << " in " << json;
  return ec ? std::string() : std::string(value.as_string());
}

// Both writers give the same text for every byte, alone and among plain text, within the
// room MaxJsonStringSize promises.
TEST(JsonEscape, WriterMatchesAppenderForEveryByte) {
  for (int c = 0; c < 256; ++c) {
    for (const std::string& text : {std::string(1, static_cast<char>(c)),
                                    "ab" + std::string(3, static_cast<char>(c)) + "cd"}) {
      EXPECT_EQ(Written(text), Appended(text)) << "byte " << c;
      EXPECT_LE(Appended(text).size(), MaxJsonStringSize(text.size()));
      DecodeStrictly(Appended(text));
    }
  }
  EXPECT_EQ(Appended("q\"\\\n\r\t\x01\x1f"), R"("q\"\\\n\r\t\u0001\u001f")");
}

TEST(JsonEscape, WellFormedUtf8PassesThrough) {
  // Two-, three- and four-byte characters, and the edges of Unicode Table 3-7.
  for (const std::string text :
       {"Kerama 慶良間 ° — 🌊", "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF",
        "\xEE\x80\x80", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_EQ(Appended(text), "\"" + text + "\"");
    EXPECT_EQ(Written(text), "\"" + text + "\"");
    EXPECT_EQ(DecodeStrictly(Appended(text)), text);
  }
}

TEST(JsonEscape, IllFormedUtf8BecomesReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  struct Case {
    std::string in;
    std::string out;
  };
  const Case cases[] = {
      {"\xFF\xFE", fffd + fffd},                        // the issue's %FF%FE
      {"a\x80z", "a" + fffd + "z"},                     // lone continuation byte
      {"\xC0\xAF", fffd + fffd},                        // overlong '/'
      {"\xE0\x80\xAF", fffd + fffd + fffd},             // overlong, three bytes
      {"\xED\xA0\x80", fffd + fffd + fffd},             // UTF-16 surrogate D800
      {"\xF4\x90\x80\x80", fffd + fffd + fffd + fffd},  // above U+10FFFF
      {"\xE6\x85", fffd},                               // truncated 慶: one maximal subpart
      {"\xE6\x85x", fffd + "x"},                        // ... followed by ASCII
      {"\xF0\x9F\x8C", fffd},                           // truncated 🌊
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Appended(c.in), "\"" + c.out + "\"");
    EXPECT_EQ(Written(c.in), Appended(c.in));
    EXPECT_EQ(DecodeStrictly(Appended(c.in)), c.out);
  }
  // Escapes still apply right after a replacement: a truncated 🌊, then a quote.
  EXPECT_EQ(Appended("\xF0\x9F\x8C\""), "\"" + fffd + "\\\"\"");
  EXPECT_EQ(DecodeStrictly(Appended("\xF0\x9F\x8C\"")), fffd + "\"");
}

TEST(JsonEscape, TruncateUtf8CutsOnlyBetweenCharacters) {
  EXPECT_EQ(TruncateUtf8("short", 64), "short");
  EXPECT_EQ(TruncateUtf8("abcdef", 3), "abc");
  // 慶 is three bytes: a cut inside it drops the whole character.
  const std::string kanji = "a慶良";
  EXPECT_EQ(TruncateUtf8(kanji, 1), "a");
  EXPECT_EQ(TruncateUtf8(kanji, 2), "a");
  EXPECT_EQ(TruncateUtf8(kanji, 3), "a");
  EXPECT_EQ(TruncateUtf8(kanji, 4), "a慶");
  EXPECT_EQ(TruncateUtf8(kanji, 6), "a慶");
  std::string long_text;
  for (int i = 0; i < 30; ++i) long_text += "é";  // 60 bytes
  long_text += "x🌊🌊";                             // 61, 65, 69
  EXPECT_EQ(TruncateUtf8(long_text, 64), long_text.substr(0, 61));
  // Ill-formed bytes count one by one; what is kept still becomes U+FFFD when quoted.
  EXPECT_EQ(TruncateUtf8("\xFF\xFE\xFD", 2), "\xFF\xFE");
  EXPECT_EQ(TruncateUtf8("", 0), "");
}

}  // namespace
}  // namespace ocean::core
