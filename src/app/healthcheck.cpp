#include "app/healthcheck.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdio>
#include <optional>

namespace ocean::app {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr const char* kHealthPath = "/api/health/";
constexpr const char* kUserAgent = "oceandash-healthcheck";
// The health answer is a small JSON object; anything much larger is not our server.
constexpr std::uint64_t kMaxBodyBytes = 64 * 1024;
// Docker's own HEALTHCHECK --timeout bounds the process too; this keeps a hung server from
// holding the probe for the whole of it.
constexpr std::chrono::seconds kProbeTimeout{5};

// resolve -> connect -> write -> read, each step ending the probe on an error. The caller's
// io_context.run_for bounds the whole sequence.
class Probe {
 public:
  Probe(asio::io_context& io, std::string host, int port)
      : resolver_(io),
        stream_(io),
        host_(std::move(host)),
        port_(std::to_string(port)),
        // An IPv6 address is bracketed in a Host header and a URL.
        host_header_(host_.find(':') == std::string::npos ? host_ + ":" + port_
                                                          : "[" + host_ + "]:" + port_) {
    request_.method(bhttp::verb::get);
    request_.target(kHealthPath);
    request_.version(11);
    request_.set(bhttp::field::host, host_header_);
    request_.set(bhttp::field::user_agent, kUserAgent);
    request_.set(bhttp::field::connection, "close");
    parser_.body_limit(kMaxBodyBytes);
  }

  void Start() {
    resolver_.async_resolve(host_, port_,
                            [this](beast::error_code ec, const tcp::resolver::results_type& found) {
                              if (ec) return Fail("cannot resolve " + host_, ec);
                              Connect(found);
                            });
  }

  const std::optional<HealthProbe>& result() const { return result_; }
  std::string Url() const { return "http://" + host_header_ + kHealthPath; }

 private:
  void Connect(const tcp::resolver::results_type& endpoints) {
    stream_.async_connect(endpoints, [this](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return Fail("cannot connect to " + Url(), ec);
      bhttp::async_write(stream_, request_, [this](beast::error_code ec, std::size_t) {
        if (ec) return Fail("cannot send to " + Url(), ec);
        Read();
      });
    });
  }

  void Read() {
    bhttp::async_read(stream_, buffer_, parser_, [this](beast::error_code ec, std::size_t) {
      if (ec) return Fail("no answer from " + Url(), ec);
      const auto& response = parser_.get();
      if (response.result_int() == 200) {
        result_ = HealthProbe{true, response.body()};
      } else {
        std::string body = response.body();
        for (char& c : body) {
          if (c == '\n' || c == '\r') c = ' ';
        }
        result_ = HealthProbe{
            false, Url() + " answered " + std::to_string(response.result_int()) + ": " + body};
      }
    });
  }

  void Fail(const std::string& what, const beast::error_code& ec) {
    result_ = HealthProbe{false, what + ": " + ec.message()};
  }

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  std::string host_;
  std::string port_;
  std::string host_header_;
  bhttp::request<bhttp::empty_body> request_;
  beast::flat_buffer buffer_;
  bhttp::response_parser<bhttp::string_body> parser_;
  std::optional<HealthProbe> result_;
};

}  // namespace

HealthProbe ProbeHealth(const std::string& host, int port, std::chrono::milliseconds timeout) {
  asio::io_context io;  // declared first: outlives the probe's sockets
  Probe probe(io, host, port);
  probe.Start();
  io.run_for(timeout);
  if (probe.result()) return *probe.result();
  return HealthProbe{false,
                     probe.Url() + ": no answer within " + std::to_string(timeout.count()) + " ms"};
}

std::string ProbeHost(const std::string& listen_host) {
  if (listen_host == "0.0.0.0" || listen_host.empty()) return "127.0.0.1";
  if (listen_host == "::" || listen_host == "[::]") return "::1";
  return listen_host;
}

int RunHealthcheck(const config::Config& config) {
  const HealthProbe probe = ProbeHealth(ProbeHost(config.host), config.port, kProbeTimeout);
  if (!probe.healthy) {
    std::fprintf(stderr, "oceandash healthcheck: %s\n", probe.message.c_str());
    return 1;
  }
  std::printf("%s\n", probe.message.c_str());
  return 0;
}

}  // namespace ocean::app
