// Command line and environment -> Config. Precedence: flags > environment > defaults.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "config/config.hpp"

namespace ocean::config {

enum class Command {
  kServe,
  kMigrate,
  kCleanup,
  kFetch,
  kVersion,
  kHealthcheck,
  kLambda,
  kQc,
  kMhw,
  kClimatology
};

struct Invocation {
  Command command = Command::kServe;
  Config config;
};

// A bad value: the message is one line naming the option and why.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses argv (and the process environment). Returns nullopt after printing help or a usage
// error; `exit_code` then holds the status to exit with (0 for --help). Throws ConfigError for
// a value that parses but is invalid (port out of range, unreadable key file, ...).
std::optional<Invocation> ParseCommandLine(int argc, const char* const* argv, int& exit_code);

// Checks every field; throws ConfigError. Also resolves api_key from OCEAN_API_KEY_FILE and
// puts the password from DATABASE_PASSWORD_FILE into database_url.
void Validate(Config& config);

// `url` (postgresql://user@host...) with `password` percent-encoded into its user info. Throws
// ConfigError when the URL has no user name or already holds a password.
std::string WithDatabasePassword(const std::string& url, const std::string& password);

}  // namespace ocean::config
