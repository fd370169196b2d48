// A Server on 127.0.0.1 with an ephemeral port, running on its own thread for as long as the
// object lives: the in-process upstreams (the demo's, the tests' fake) are built on it.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "http/server.hpp"

namespace ocean::http {

class LoopbackServer {
 public:
  // Starts serving before the constructor returns. Declare it as the owner's LAST member, so
  // everything `handler` uses exists before the first request and after the last.
  explicit LoopbackServer(ServerHandler handler);
  ~LoopbackServer();  // stops (in-flight requests get 2 s) and joins
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  std::string BaseUrl() const;  // "http://127.0.0.1:PORT"

 private:
  std::unique_ptr<Server> server_;
  unsigned short port_ = 0;
  std::thread thread_;
};

}  // namespace ocean::http
