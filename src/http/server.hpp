// Asynchronous HTTP/1.1 server (Beast/Asio behind a pimpl, so includers stay light).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "http/message.hpp"

namespace ocean::http {

struct ServerOptions {
  std::string host = "0.0.0.0";  // address or name to bind
  int port = 8000;               // 0 binds an ephemeral port (tests); Start() returns it
  int io_threads = 0;            // threads running the network loop; 0 = hardware concurrency
  int worker_threads = 8;        // threads running handlers, which block on the database
  std::size_t max_body_bytes = 1024 * 1024;  // larger request bodies get 413
  std::size_t max_header_bytes = 16 * 1024;  // larger request heads get 400
  std::chrono::seconds read_timeout{30};     // to receive a request once its first byte arrived
                                             // (and a new connection's first byte)
  std::chrono::seconds idle_timeout{60};     // keep-alive connection awaiting its next request
  std::chrono::seconds write_timeout{60};    // to send one response, file bodies included
  std::chrono::seconds shutdown_grace{10};   // Stop(): time in-flight requests get to finish
  std::vector<std::string> cors_allowed_origins;  // exact origins, or "*"; empty = no CORS
  bool access_log = true;                         // one JSON line per request on stdout
  // The access log's time; null: the system clock. Must outlive the server.
  const core::Clock* clock = nullptr;
};

// Runs on the worker pool. May take the request apart (body, headers) by moving from it.
// Should not throw (Router::Dispatch does not); if it does, the client gets a JSON 500.
using ServerHandler = std::function<Response(Request&)>;

// Runs on the network thread when a request that has a body has sent its header, before the
// body is read: `head` is the request without its body. A response refuses the request: it is
// sent at once, the body is read and thrown away (so a client still writing it can read the
// answer) and the connection closes. nullopt reads the body, after sending 100 Continue if the
// client asked for it. Must not block; a core::ApiError thrown becomes its error response.
using ServerAdmission = std::function<std::optional<Response>(const Request& head)>;

class Server {
 public:
  Server(ServerOptions options, ServerHandler handler, ServerAdmission admission = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; returns the bound port. Throws std::system_error when it cannot bind.
  unsigned short Start();

  // Serves on io_threads threads (the caller's included) until Stop() completes, then waits
  // for running handlers. Calls Start() first if needed.
  void Run();

  // Thread-safe, idempotent, returns at once. Stops accepting, closes idle keep-alive
  // connections, lets in-flight requests finish and be written (closing their connections)
  // for at most shutdown_grace, then force-closes the rest and makes Run() return.
  void Stop();

  // SIGINT and SIGTERM call Stop(). Call before Run().
  void StopOnSignals();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocean::http
