// `oceandash healthcheck`: the container's HEALTHCHECK without curl in the image. One GET of
// /api/health/ on the local server; healthy only on 200 (the API answers 503 naming the failing
// part when the database is down).
#pragma once

#include <chrono>
#include <string>

#include "config/config.hpp"

namespace ocean::app {

struct HealthProbe {
  bool healthy = false;
  std::string message;  // the answer's body when healthy, otherwise why not (one line)
};

// Asks http://host:port/api/health/ once, giving up after `timeout` in all.
HealthProbe ProbeHealth(const std::string& host, int port, std::chrono::milliseconds timeout);

// The address to ask for a server listening on `listen_host`: a wildcard address is answered
// on loopback.
std::string ProbeHost(const std::string& listen_host);

// Probes the server `config` describes; prints the body (healthy, exit 0) or why not (exit 1).
int RunHealthcheck(const config::Config& config);

}  // namespace ocean::app
