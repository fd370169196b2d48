// The Beast transport, in the shape of Beast's async server examples: a listener that accepts,
// one session per connection on its own strand (session.cpp), and request logic elsewhere (the
// handler runs on a worker pool because handlers block on the database).
#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <csignal>
#include <optional>
#include <thread>

#include "http/session.hpp"

namespace ocean::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

}  // namespace

// The listener and the shutdown sequence. Accepting, Stop() and the grace timer all run on
// control_, so stopping never races with a connection being admitted.
class Server::Impl {
 public:
  Impl(ServerOptions options, ServerHandler handler, ServerAdmission admission)
      : state_(std::move(options), std::move(handler), std::move(admission)),
        io_threads_(state_.options.io_threads > 0
                        ? state_.options.io_threads
                        : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
        ioc_(io_threads_),
        control_(asio::make_strand(ioc_)),
        acceptor_(control_),
        timer_(control_) {
    state_.on_drained = [this] { ioc_.stop(); };
  }

  ~Impl() {
    // Handlers still on the pool post back into ioc_, so they must finish before it goes; and
    // sessions destroyed along with ioc_ must not call back into a half-destroyed server.
    state_.workers.join();
    std::lock_guard lock(state_.sessions_mutex);
    state_.draining = false;
  }

  unsigned short Start() {
    if (started_) return acceptor_.local_endpoint().port();
    tcp::resolver resolver(ioc_);
    const auto endpoints = resolver.resolve(
        state_.options.host, std::to_string(state_.options.port), tcp::resolver::passive);
    const tcp::endpoint endpoint = endpoints.begin()->endpoint();
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    started_ = true;
    asio::post(control_, [this] { Accept(); });
    const unsigned short port = acceptor_.local_endpoint().port();
    spdlog::info("listening on {}:{}", endpoint.address().to_string(), port);
    return port;
  }

  void Run() {
    if (!started_) Start();
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(io_threads_ - 1));
    for (int i = 1; i < io_threads_; ++i) threads.emplace_back([this] { RunLoop(); });
    RunLoop();
    for (auto& thread : threads) thread.join();
    state_.workers.join();
  }

  void Stop() {
    if (stopping_.exchange(true)) return;
    asio::post(control_, [this] { BeginShutdown(); });
  }

  void StopOnSignals() {
    signals_.emplace(ioc_, SIGINT, SIGTERM);
    signals_->async_wait([this](beast::error_code ec, int signal_number) {
      if (ec) return;
      spdlog::info("signal {} received, shutting down", signal_number);
      Stop();
    });
  }

 private:
  void RunLoop() {
    // Sessions catch everything; this only keeps a thread alive if a bug lets something out.
    while (true) {
      try {
        ioc_.run();
        return;
      } catch (const std::exception& error) {
        spdlog::error("exception escaped into the io loop: {}", error.what());
      }
    }
  }

  void Accept() {
    acceptor_.async_accept(
        asio::make_strand(ioc_),
        asio::bind_executor(control_, [this](beast::error_code ec, tcp::socket socket) {
          OnAccept(ec, std::move(socket));
        }));
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (stopping_) return;  // `socket` closes as it goes out of scope
    if (ec) {
      Fail(ec, "accept");
      // Typically out of file descriptors: back off instead of spinning on the error.
      timer_.expires_after(kAcceptRetryDelay);
      timer_.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && !stopping_) Accept();
      });
      return;
    }
    // Answers go out as soon as they are written: with Nagle's algorithm a response written in
    // two parts waits for the client's delayed ACK (tens of ms) on a kept-alive connection.
    beast::error_code option_ec;
    socket.set_option(tcp::no_delay(true), option_ec);
    auto session = std::make_shared<Session>(std::move(socket), state_);
    state_.AddSession(session);
    session->Start();
    Accept();
  }

  // Protocol sequence of a graceful stop:
  void BeginShutdown() {
    // 1. Refuse new connections.
    beast::error_code ec;
    acceptor_.close(ec);
    timer_.cancel();
    if (signals_) signals_->cancel(ec);
    // 2. From now on the last session to end stops the loop.
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(state_.sessions_mutex);
      state_.draining = true;
      if (state_.sessions.empty()) {
        ioc_.stop();
        return;
      }
    }
    live = state_.LiveSessions();
    spdlog::info("shutting down: {} open connection(s)", live.size());
    // 3. Idle connections close now; busy ones after writing their response.
    for (const auto& session : live) session->Shutdown();
    live.clear();
    // 4. Whatever is still running after the grace period is cut off.
    timer_.expires_after(state_.options.shutdown_grace);
    timer_.async_wait([this](beast::error_code wait_ec) {
      if (wait_ec) return;
      spdlog::warn("shutdown grace period over, closing remaining connections");
      ioc_.stop();
    });
  }

  ServerState state_;
  const int io_threads_;
  asio::io_context ioc_;
  asio::strand<asio::io_context::executor_type> control_;
  tcp::acceptor acceptor_;
  asio::steady_timer timer_;  // accept back-off, then the shutdown grace period
  std::optional<asio::signal_set> signals_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
};

Server::Server(ServerOptions options, ServerHandler handler, ServerAdmission admission)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(admission))) {}

Server::~Server() = default;

unsigned short Server::Start() { return impl_->Start(); }
void Server::Run() { impl_->Run(); }
void Server::Stop() { impl_->Stop(); }
void Server::StopOnSignals() { impl_->StopOnSignals(); }

}  // namespace ocean::http
