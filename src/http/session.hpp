// One HTTP connection of the Beast server (server.cpp holds the listener and the shutdown
// sequence). Internal to src/http: only server.cpp and session.cpp include it.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/api_error.hpp"
#include "http/access_log.hpp"
#include "http/cors.hpp"
#include "http/server.hpp"

namespace ocean::http {

// Logs a transport error unless it is how connections normally end.
void Fail(boost::beast::error_code ec, std::string_view what);

class Session;

// What sessions share with the server: configuration, the handlers and the live-session set
// that graceful shutdown walks.
struct ServerState {
  ServerState(ServerOptions options_in, ServerHandler handler_in, ServerAdmission admission_in);

  const ServerOptions options;
  const ServerHandler handler;
  const ServerAdmission admission;
  const CorsPolicy cors;
  const core::SystemClock system_clock;  // the clock unless options.clock names one
  const core::Clock& clock;
  AccessLog access_log;
  boost::asio::thread_pool workers;

  std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  bool draining = false;  // set by Stop(); the last session to go calls on_drained
  std::function<void()> on_drained;

  void AddSession(const std::shared_ptr<Session>& session);
  void RemoveSession(Session* session);
  std::vector<std::shared_ptr<Session>> LiveSessions();
};

// One connection: read a request's header, decide whether to take its body, read it, hand the
// request to the worker pool, write the response, repeat while keep-alive holds. Every member
// is touched only on the connection's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket&& socket, ServerState& state);
  ~Session();

  void Start();

  // Graceful shutdown: an idle connection closes now, a busy one after its response.
  void Shutdown();

 private:
  enum class Phase { kIdle, kReading, kHandling, kWriting, kClosed };
  using Clock = std::chrono::steady_clock;

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

  void AwaitRequest();
  void OnFirstBytes(boost::beast::error_code ec, std::size_t bytes);
  void ReadRequest();
  void OnReadHeader(boost::beast::error_code ec, std::size_t bytes);
  std::optional<Response> AdmitBody();
  void ReadBody();
  void OnReadBody(boost::beast::error_code ec, std::size_t bytes);
  void OnReadError(boost::beast::error_code ec);
  void RejectMalformed(const core::ApiError& error);
  void Refuse(Response response);
  void HandleRequest();
  Response Invoke(Request& request);
  template <class Body>
  void SetCommonHeaders(boost::beast::http::response<Body>& message, const Response& response);
  void Write(Response response);
  void OnWrite(boost::beast::error_code ec, int status, bool keep_alive, std::uint64_t body_bytes);
  void LogAccess(int status, std::uint64_t body_bytes);
  void CloseGracefully();
  void Drain();
  void CloseNow();

  boost::beast::tcp_stream stream_;
  ServerState& state_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Request request_;  // the request being read: its head first, its body once read
  std::string remote_;
  std::string local_;
  Exchange exchange_;
  Phase phase_ = Phase::kIdle;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool closing_ = false;  // graceful shutdown asked; finish the current exchange, then close
  bool linger_ = false;   // drain unread input before closing (after an error reply)
  std::uint64_t requests_served_ = 0;
  std::uint64_t drained_bytes_ = 0;
  Clock::time_point linger_deadline_;
};

}  // namespace ocean::http
