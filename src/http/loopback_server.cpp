#include "http/loopback_server.hpp"

#include <chrono>

namespace ocean::http {

LoopbackServer::LoopbackServer(ServerHandler handler) {
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.io_threads = 1;
  options.worker_threads = 4;
  options.shutdown_grace = std::chrono::seconds(2);
  options.access_log = false;
  server_ = std::make_unique<Server>(options, std::move(handler));
  port_ = server_->Start();
  thread_ = std::thread([this] { server_->Run(); });
}

LoopbackServer::~LoopbackServer() {
  server_->Stop();
  thread_.join();
}

std::string LoopbackServer::BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

}  // namespace ocean::http
