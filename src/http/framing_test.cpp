#include "http/framing.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ocean::http {
namespace {

using core::ErrorCode;

RequestFraming Chunked(std::string_view transfer_encoding, unsigned version = 11) {
  return RequestFraming{.version = version,
                        .has_transfer_encoding = true,
                        .transfer_encoding = transfer_encoding,
                        .has_content_length = false};
}

TEST(FramingTest, ContentLengthAloneAndNoBodyAreLeftToTheParser) {
  EXPECT_FALSE(CheckRequestFraming(RequestFraming{}));
  RequestFraming with_length;
  with_length.has_content_length = true;
  EXPECT_FALSE(CheckRequestFraming(with_length));
  with_length.version = 10;
  EXPECT_FALSE(CheckRequestFraming(with_length));
}

TEST(FramingTest, ChunkedLastIsAccepted) {
  for (const char* value :
       {"chunked", "Chunked", "CHUNKED", " chunked ", "chunked,", ", chunked", "chunked;ext=1"}) {
    EXPECT_FALSE(CheckRequestFraming(Chunked(value))) << value;
  }
}

// RFC 9112 §6.3 (4): the length cannot be determined, so 400 and close.
TEST(FramingTest, TransferEncodingNotEndingInChunkedIs400) {
  for (const char* value : {"xchunked", "chunked, identity", "identity", "gzip", "", " , ",
                            "chunkedx", "chunked identity"}) {
    const auto error = CheckRequestFraming(Chunked(value));
    ASSERT_TRUE(error) << value;
    EXPECT_EQ(error->code(), ErrorCode::kBadRequest) << value;
  }
}

TEST(FramingTest, ChunkedTwiceOrBadTokensAre400) {
  for (const char* value :
       {"chunked, chunked", "chunked,gzip,chunked", "g\"zip\", chunked", "gz@p, chunked"}) {
    const auto error = CheckRequestFraming(Chunked(value));
    ASSERT_TRUE(error) << value;
    EXPECT_EQ(error->code(), ErrorCode::kBadRequest) << value;
  }
}

// RFC 9112 §6.1: HTTP/1.0 framing with Transfer-Encoding is faulty, even with Content-Length.
TEST(FramingTest, TransferEncodingInHttp10Is400) {
  const auto error = CheckRequestFraming(Chunked("chunked", 10));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::kBadRequest);
  EXPECT_NE(std::string(error->what()).find("HTTP/1.0"), std::string::npos);
}

TEST(FramingTest, TransferEncodingWithContentLengthIs400) {
  auto framing = Chunked("chunked");
  framing.has_content_length = true;
  const auto error = CheckRequestFraming(framing);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::kBadRequest);
}

// RFC 9112 §6.1: a coding the server does not decode gets 501, not a body read as gzip.
TEST(FramingTest, UnknownCodingBeforeChunkedIs501) {
  const auto error = CheckRequestFraming(Chunked("gzip, chunked"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::kNotImplemented);
  EXPECT_NE(std::string(error->what()).find("\"gzip\""), std::string::npos);
}

}  // namespace
}  // namespace ocean::http
