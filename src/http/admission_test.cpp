// Router::Admit: what the transport may answer from a request's head, before its body.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/api_error.hpp"
#include "http/router.hpp"
#include "http/url.hpp"

namespace ocean::http {
namespace {

using core::ApiError;
using core::ErrorCode;

Request Head(Method method, const std::string& target) {
  Request request;
  request.method = method;
  request.target = target;
  auto decoded = DecodeTarget(target);
  request.path = decoded->path;
  request.query = decoded->query;
  request.request_id = "admit-test";
  return request;
}

Response Ok(const Request&, const PathParams&) { return Response{}; }

std::string CodeOf(const Response& response) {
  return std::string(boost::json::parse(response.body).at("error").at("code").as_string());
}

Router TestRouter(int& admitted) {
  Router router;
  router.Add(Method::kGet, "/api/locations/{id}/", Ok);
  router.Add(Method::kPost, "/api/observations/ingest/", Ok,
             [&admitted](const Request& head, const PathParams&) {
               ++admitted;
               if (head.HeaderValue("Authorization") != "Bearer key") {
                 throw ApiError(ErrorCode::kUnauthorized, "missing key");
               }
             });
  router.Add(Method::kPost, "/api/open/{id}/", Ok);
  router.SetFallback([](const Request&) -> std::optional<Response> { return Response{}; });
  return router;
}

TEST(RouterAdmitTest, RouteWithoutAdmissionTakesTheBody) {
  int admitted = 0;
  const Router router = TestRouter(admitted);
  EXPECT_FALSE(router.Admit(Head(Method::kPost, "/api/open/x/")));
  EXPECT_FALSE(router.Admit(Head(Method::kGet, "/api/locations/x/")));
  EXPECT_EQ(admitted, 0);
}

TEST(RouterAdmitTest, AdmissionRefusesOrAccepts) {
  int admitted = 0;
  const Router router = TestRouter(admitted);
  auto head = Head(Method::kPost, "/api/observations/ingest/");
  const auto refused = router.Admit(head);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(CodeOf(*refused), "unauthorized");
  head.headers.push_back({"Authorization", "Bearer key"});
  EXPECT_FALSE(router.Admit(head));
  EXPECT_EQ(admitted, 2);
}

TEST(RouterAdmitTest, UnknownPathAndWrongMethodAreDecidedFromTheHead) {
  int admitted = 0;
  const Router router = TestRouter(admitted);
  const auto missing = router.Admit(Head(Method::kPost, "/api/nothing/"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  const auto wrong = router.Admit(Head(Method::kPut, "/api/observations/ingest/"));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(CodeOf(*wrong), "method_not_allowed");
  // The fallback serves only reads; other methods outside /api/ are 404 without the body,
  // and Dispatch agrees.
  const auto post_static = router.Admit(Head(Method::kPost, "/index.html"));
  ASSERT_TRUE(post_static);
  EXPECT_EQ(post_static->status, 404);
  EXPECT_EQ(router.Dispatch(Head(Method::kPost, "/index.html")).status, 404);
  EXPECT_FALSE(router.Admit(Head(Method::kGet, "/index.html")));
}

TEST(RouterAdmitTest, AdmissionThatThrowsOtherwiseIsA500) {
  Router router;
  router.Add(Method::kPost, "/api/x/", Ok,
             [](const Request&, const PathParams&) { throw std::runtime_error("secret"); });
  const auto response = router.Admit(Head(Method::kPost, "/api/x/"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->body.find("secret"), std::string::npos);
  EXPECT_NE(response->body.find("admit-test"), std::string::npos);
}

}  // namespace
}  // namespace ocean::http
