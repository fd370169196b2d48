#include "app/healthcheck.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "http/loopback_server.hpp"

namespace ocean::app {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

int PortOf(const http::LoopbackServer& server) {
  const std::string url = server.BaseUrl();
  return std::stoi(url.substr(url.rfind(':') + 1));
}

// A server whose /api/health/ answers `status` (the server's other paths answer 404).
std::unique_ptr<http::LoopbackServer> HealthServer(
    const std::shared_ptr<std::atomic<int>>& status) {
  return std::make_unique<http::LoopbackServer>([status](http::Request& request) {
    http::Response response;
    if (request.path != "/api/health/") {
      response.status = 404;
      response.body = R"({"error":{"code":"not_found"}})";
      return response;
    }
    response.status = status->load();
    response.body = response.status == 200 ? R"({"status":"ok","database":"ok"})"
                                           : "{\"status\":\"unavailable\",\n\"database\":\"down\"}";
    return response;
  });
}

TEST(HealthcheckTest, HealthyOnlyWhenTheServerAnswers200) {
  auto status = std::make_shared<std::atomic<int>>(200);
  const auto server = HealthServer(status);
  auto probe = ProbeHealth("127.0.0.1", PortOf(*server), 2s);
  EXPECT_TRUE(probe.healthy) << probe.message;
  EXPECT_EQ(probe.message, R"({"status":"ok","database":"ok"})");

  status->store(503);
  probe = ProbeHealth("127.0.0.1", PortOf(*server), 2s);
  EXPECT_FALSE(probe.healthy);
  EXPECT_THAT(probe.message, HasSubstr("answered 503"));
  EXPECT_THAT(probe.message, HasSubstr("\"database\":\"down\""));
  EXPECT_EQ(probe.message.find('\n'), std::string::npos);  // one line for `docker inspect`
}

TEST(HealthcheckTest, NothingListeningIsUnhealthy) {
  int port = 0;
  {
    auto status = std::make_shared<std::atomic<int>>(200);
    port = PortOf(*HealthServer(status));
  }
  const auto probe = ProbeHealth("127.0.0.1", port, 2s);
  EXPECT_FALSE(probe.healthy);
  EXPECT_THAT(probe.message, HasSubstr("cannot connect"));
}

TEST(HealthcheckTest, AServerThatNeverAnswersTimesOut) {
  // Listening but never accepting: the kernel completes the handshake, no answer ever comes.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const auto start = std::chrono::steady_clock::now();
  const auto probe = ProbeHealth("127.0.0.1", acceptor.local_endpoint().port(), 300ms);
  EXPECT_FALSE(probe.healthy);
  EXPECT_THAT(probe.message, HasSubstr("no answer within 300 ms"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(HealthcheckTest, WildcardListenAddressesAreAskedOnLoopback) {
  EXPECT_EQ(ProbeHost("0.0.0.0"), "127.0.0.1");
  EXPECT_EQ(ProbeHost("::"), "::1");
  EXPECT_EQ(ProbeHost("10.0.0.5"), "10.0.0.5");
}

}  // namespace
}  // namespace ocean::app
