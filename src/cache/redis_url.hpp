// The Redis URL: "redis://[[user]:password@]host[:port][/db]".
#pragma once

#include <string>
#include <string_view>

namespace ocean::cache {

struct RedisEndpoint {
  std::string host;
  int port = 6379;
  std::string user;      // empty: AUTH with the password alone (pre-ACL servers)
  std::string password;  // empty: no AUTH. Secret: never logged.
  int db = 0;
};

// Parses "redis://[[user]:password@]host[:port][/db]" (user and password percent-decoded,
// IPv6 hosts in brackets). Throws std::invalid_argument naming what is wrong.
RedisEndpoint ParseRedisUrl(std::string_view url);

}  // namespace ocean::cache
