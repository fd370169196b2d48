// The Beast transport, in the shape of Beast's async server examples: a listener that accepts,
// one session per connection on its own strand, and request logic elsewhere (the handler runs
// on a worker pool because handlers block on the database).
#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "core/api_error.hpp"
#include "http/access_log.hpp"
#include "http/cors.hpp"
#include "http/errors.hpp"
#include "http/header_names.hpp"
#include "http/request_id.hpp"
#include "http/url.hpp"

namespace ocean::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// How much of an unread request body we swallow before closing after an error reply, so the
// client's kernel sees FIN rather than RST and the client can read our 413/400.
constexpr std::size_t kMaxLingerBytes = 1024 * 1024;
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr std::size_t kReadChunkBytes = 4096;
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

void Fail(beast::error_code ec, std::string_view what) {
  // Cancellation and an orderly close by the peer are how connections normally end.
  if (ec == asio::error::operation_aborted || ec == bhttp::error::end_of_stream ||
      ec == asio::error::eof) {
    return;
  }
  // Clients vanish and stall all the time; that is not worth a warning.
  if (ec == beast::error::timeout || ec == asio::error::connection_reset ||
      ec == asio::error::broken_pipe || ec == bhttp::error::partial_message) {
    spdlog::debug("{}: {}", what, ec.message());
    return;
  }
  spdlog::warn("{}: {}", what, ec.message());
}

bool IsHttpProtocolError(beast::error_code ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::partial_message && ec != bhttp::error::end_of_stream;
}

// The Host header is echoed into absolute links, so only host[:port] characters are trusted.
bool IsSaneHost(std::string_view host) {
  return !host.empty() && host.size() <= 255 && std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == ':' || c == '[' || c == ']';
  });
}

Response InternalError(const std::string& request_id) {
  return ErrorResponse(core::ApiError(core::ErrorCode::kInternal,
                                      "internal server error (request id " + request_id + ")"));
}

class Session;

// What sessions share with the server: configuration, the handler and the live-session set
// that graceful shutdown walks.
struct ServerState {
  ServerState(ServerOptions options_in, ServerHandler handler_in)
      : options(std::move(options_in)),
        handler(std::move(handler_in)),
        cors(options.cors_allowed_origins),
        access_log(stdout),
        workers(static_cast<std::size_t>(std::max(1, options.worker_threads))) {}

  const ServerOptions options;
  const ServerHandler handler;
  const CorsPolicy cors;
  AccessLog access_log;
  asio::thread_pool workers;

  std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  bool draining = false;  // set by Stop(); the last session to go calls on_drained
  std::function<void()> on_drained;

  void AddSession(const std::shared_ptr<Session>& session) {
    std::lock_guard lock(sessions_mutex);
    sessions.emplace(session.get(), session);
  }

  void RemoveSession(Session* session) {
    std::function<void()> notify;
    {
      std::lock_guard lock(sessions_mutex);
      sessions.erase(session);
      if (draining && sessions.empty()) notify = on_drained;
    }
    if (notify) notify();
  }

  std::vector<std::shared_ptr<Session>> LiveSessions() {
    std::vector<std::shared_ptr<Session>> live;
    std::lock_guard lock(sessions_mutex);
    for (auto& [_, weak] : sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
    return live;
  }
};

// One connection: read a request, hand it to the worker pool, write the response, repeat while
// keep-alive holds. Every member is touched only on the connection's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, ServerState& state) : stream_(std::move(socket)), state_(state) {
    beast::error_code ec;
    const auto remote = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = remote.address().to_string() + ":" + std::to_string(remote.port());
    const auto local = stream_.socket().local_endpoint(ec);
    if (!ec) local_ = local.address().to_string() + ":" + std::to_string(local.port());
  }

  ~Session() { state_.RemoveSession(this); }

  void Start() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::AwaitRequest, shared_from_this()));
  }

  // Graceful shutdown: an idle connection closes now, a busy one after its response.
  void Shutdown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      if (self->phase_ == Phase::kIdle) self->CloseNow();
    });
  }

 private:
  enum class Phase { kIdle, kReading, kHandling, kWriting, kClosed };

  // What the access log and the response need from the request being answered.
  struct Exchange {
    std::string request_id;
    Method method = Method::kOther;
    std::string method_text;
    std::string path;
    std::string query;
    std::string origin;
    Clock::time_point started;
  };

  // Waits for the first byte of the next request separately from reading it, so that an idle
  // keep-alive connection gets idle_timeout while a started request gets read_timeout.
  void AwaitRequest() {
    if (closing_) return CloseNow();
    phase_ = Phase::kIdle;
    if (buffer_.size() > 0) return ReadRequest();
    stream_.expires_after(requests_served_ == 0 ? state_.options.read_timeout
                                                : state_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunkBytes),
                            beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
  }

  void OnFirstBytes(beast::error_code ec, std::size_t bytes) {
    if (ec) {
      Fail(ec, "read");
      return CloseNow();
    }
    buffer_.commit(bytes);
    ReadRequest();
  }

  void ReadRequest() {
    phase_ = Phase::kReading;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(state_.options.max_header_bytes, UINT32_MAX)));
    parser_->body_limit(state_.options.max_body_bytes);
    stream_.expires_after(state_.options.read_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::OnReadHeader, shared_from_this()));
  }

  // curl and other clients send "Expect: 100-continue" before larger bodies and wait (curl: 1 s)
  // for a go-ahead; Beast leaves sending it to us. Oversized bodies never get here: the parser
  // already failed on Content-Length > body_limit.
  void OnReadHeader(beast::error_code ec, std::size_t bytes) {
    if (ec || parser_->is_done()) return OnRead(ec, bytes);
    if (!beast::iequals(parser_->get()[bhttp::field::expect], "100-continue")) {
      return ReadBody();
    }
    auto interim = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                        parser_->get().version());
    bhttp::async_write(
        stream_, *interim,
        [self = shared_from_this(), interim](beast::error_code write_ec, std::size_t) {
          if (write_ec) {
            Fail(write_ec, "write 100-continue");
            return self->CloseNow();
          }
          self->ReadBody();
        });
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == bhttp::error::body_limit) {
      return RejectMalformed(core::ApiError(
          core::ErrorCode::kPayloadTooLarge,
          "request body exceeds " + std::to_string(state_.options.max_body_bytes) + " bytes"));
    }
    if (ec == bhttp::error::header_limit) {
      return RejectMalformed(
          core::ApiError(core::ErrorCode::kBadRequest, "request header too large"));
    }
    if (IsHttpProtocolError(ec)) {
      return RejectMalformed(
          core::ApiError(core::ErrorCode::kBadRequest, "malformed HTTP request: " + ec.message()));
    }
    if (ec) {
      Fail(ec, "read");
      return CloseNow();
    }
    HandleRequest(parser_->release());
  }

  // The parser stopped mid-message, so the stream position is unknown: answer and close.
  void RejectMalformed(const core::ApiError& error) {
    exchange_ = Exchange{};
    exchange_.request_id = GenerateRequestId();
    exchange_.started = Clock::now();
    if (parser_ && parser_->is_header_done()) {
      const auto& header = parser_->get();
      exchange_.method = ParseMethod(header.method_string());
      exchange_.method_text = std::string(header.method_string());
      exchange_.path = std::string(header.target().substr(0, header.target().find('?')));
      exchange_.origin = std::string(header[kHeaderOrigin]);
    }
    keep_alive_ = false;
    linger_ = true;
    version_ = 11;
    Write(ErrorResponse(error));
  }

  void HandleRequest(bhttp::request<bhttp::string_body>&& message) {
    Request request;
    request.method = ParseMethod(message.method_string());
    request.target = std::string(message.target());
    request.headers.reserve(
        static_cast<std::size_t>(std::distance(message.begin(), message.end())));
    for (const auto& field : message) {
      request.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    }
    request.request_id = ChooseRequestId(request.HeaderValue(kHeaderRequestId));
    const std::string_view host = request.HeaderValue(kHeaderHost);
    request.scheme_host = "http://" + (IsSaneHost(host) ? std::string(host) : local_);
    request.body = std::move(message.body());

    keep_alive_ = message.keep_alive();
    version_ = message.version();
    exchange_ = Exchange{};
    exchange_.request_id = request.request_id;
    exchange_.method = request.method;
    exchange_.method_text = std::string(message.method_string());
    exchange_.origin = std::string(request.HeaderValue(kHeaderOrigin));
    exchange_.started = Clock::now();
    const auto question = request.target.find('?');
    exchange_.path = request.target.substr(0, question);
    if (question != std::string::npos) exchange_.query = request.target.substr(question + 1);

    auto decoded = DecodeTarget(request.target);
    if (!decoded) {
      return Write(ErrorResponse(core::ApiError(
          core::ErrorCode::kBadRequest, "invalid request target (bad percent-encoding or NUL)")));
    }
    request.path = std::move(decoded->path);
    request.query = std::move(decoded->query);
    exchange_.path = request.path;

    if (auto preflight = state_.cors.Preflight(request)) return Write(std::move(*preflight));

    phase_ = Phase::kHandling;
    asio::post(state_.workers, [self = shared_from_this(), request = std::move(request)]() mutable {
      Response response = self->Invoke(request);
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->Write(std::move(response));
      });
    });
  }

  // Runs on a worker thread; nothing may escape into the thread pool.
  Response Invoke(Request& request) {
    try {
      return state_.handler(request);
    } catch (const core::ApiError& error) {
      return ErrorResponse(error);
    } catch (const std::exception& error) {
      spdlog::error("request {}: handler threw: {}", request.request_id, error.what());
    } catch (...) {
      spdlog::error("request {}: handler threw a non-standard exception", request.request_id);
    }
    return InternalError(request.request_id);
  }

  template <class Body>
  void SetCommonHeaders(bhttp::response<Body>& message, const Response& response) {
    message.set(bhttp::field::server, kServerName);
    message.set(kHeaderRequestId, exchange_.request_id);
    if (!response.content_type.empty()) {
      message.set(bhttp::field::content_type, response.content_type);
    }
    for (const auto& header : state_.cors.ResponseHeaders(exchange_.origin)) {
      message.insert(header.name, header.value);
    }
    for (const auto& header : response.headers) message.insert(header.name, header.value);
    message.keep_alive(keep_alive_ && !closing_);
  }

  void Write(Response response) {
    phase_ = Phase::kWriting;
    const bool head = exchange_.method == Method::kHead;
    std::optional<bhttp::message_generator> generator;
    std::uint64_t body_bytes = 0;

    if (!response.file_path.empty()) {
      bhttp::file_body::value_type file;
      beast::error_code ec;
      file.open(response.file_path.c_str(), beast::file_mode::scan, ec);
      if (ec) {
        spdlog::warn("request {}: cannot open {}: {}", exchange_.request_id, response.file_path,
                     ec.message());
        response = ErrorResponse(core::ApiError(core::ErrorCode::kNotFound, "file not found"));
      } else if (!head) {
        bhttp::response<bhttp::file_body> message{static_cast<bhttp::status>(response.status),
                                                  version_, std::move(file)};
        SetCommonHeaders(message, response);
        message.prepare_payload();
        body_bytes = message.body().size();
        generator.emplace(std::move(message));
      } else {
        bhttp::response<bhttp::empty_body> message{static_cast<bhttp::status>(response.status),
                                                   version_};
        SetCommonHeaders(message, response);
        message.content_length(file.size());
        generator.emplace(std::move(message));
      }
    }
    if (!generator) {
      const bool bodiless = response.status == 204 || response.status == 304;
      bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status),
                                                  version_};
      SetCommonHeaders(message, response);
      if (bodiless) {
        // No Content-Length: RFC 9110 forbids it on 204, and on 304 it would describe the
        // representation, which we do not know here.
      } else if (head) {
        message.content_length(response.body.size());
      } else {
        body_bytes = response.body.size();
        message.body() = std::move(response.body);
        message.prepare_payload();
      }
      generator.emplace(std::move(message));
    }

    const int status = response.status;
    const bool keep_alive = generator->keep_alive();
    stream_.expires_after(state_.options.write_timeout);
    beast::async_write(stream_, std::move(*generator),
                       [self = shared_from_this(), status, keep_alive, body_bytes](
                           beast::error_code ec, std::size_t /*bytes*/) {
                         self->OnWrite(ec, status, keep_alive, body_bytes);
                       });
  }

  void OnWrite(beast::error_code ec, int status, bool keep_alive, std::uint64_t body_bytes) {
    LogAccess(status, ec ? 0 : body_bytes);
    ++requests_served_;
    if (ec) {
      Fail(ec, "write");
      return CloseNow();
    }
    if (!keep_alive || closing_) return CloseGracefully();
    AwaitRequest();
  }

  void LogAccess(int status, std::uint64_t body_bytes) {
    if (!state_.options.access_log) return;
    const auto elapsed = Clock::now() - exchange_.started;
    state_.access_log.Write(AccessLogEntry{
        .time = std::chrono::system_clock::now(),
        .request_id = exchange_.request_id,
        .method = exchange_.method_text,
        .path = exchange_.path,
        .query = exchange_.query,
        .status = status,
        .duration_ms = std::chrono::duration<double, std::milli>(elapsed).count(),
        .bytes = body_bytes,
        .remote = remote_,
    });
  }

  // Half-close so the client reads everything we sent. After an error reply the request may
  // still be arriving; swallow some of it first, or the kernel would answer it with RST and
  // the client could lose our response.
  void CloseGracefully() {
    phase_ = Phase::kClosed;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (!linger_) return;
    stream_.expires_after(kLingerTimeout);
    Drain();
  }

  void Drain() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(kReadChunkBytes),
                            [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                              self->drained_bytes_ += bytes;
                              if (ec || self->drained_bytes_ >= kMaxLingerBytes)
                                return self->CloseNow();
                              self->Drain();
                            });
  }

  void CloseNow() {
    phase_ = Phase::kClosed;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  ServerState& state_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_;
  std::string local_;
  Exchange exchange_;
  Phase phase_ = Phase::kIdle;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool closing_ = false;  // graceful shutdown asked; finish the current exchange, then close
  bool linger_ = false;   // drain unread input before closing (after an error reply)
  std::uint64_t requests_served_ = 0;
  std::size_t drained_bytes_ = 0;
};

}  // namespace

// The listener and the shutdown sequence. Accepting, Stop() and the grace timer all run on
// control_, so stopping never races with a connection being admitted.
class Server::Impl {
 public:
  Impl(ServerOptions options, ServerHandler handler)
      : state_(std::move(options), std::move(handler)),
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

Server::Server(ServerOptions options, ServerHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Server::~Server() = default;

unsigned short Server::Start() { return impl_->Start(); }
void Server::Run() { impl_->Run(); }
void Server::Stop() { impl_->Stop(); }
void Server::StopOnSignals() { impl_->StopOnSignals(); }

}  // namespace ocean::http
