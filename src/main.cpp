// argv -> Config -> subcommand. Nothing else.
#include <csignal>
#include <cstdio>
#include <exception>

#include "app/app.hpp"
#include "app/healthcheck.hpp"
#include "app/science_commands.hpp"
#include "config/cli.hpp"
#include "lambda/lambda.hpp"

int main(int argc, char** argv) {
  // A peer that resets a connection (HTTP client, Redis, PostgreSQL) must cost an error
  // code, not the process.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    int exit_code = 0;
    const auto invocation = ocean::config::ParseCommandLine(argc, argv, exit_code);
    if (!invocation) return exit_code;
    switch (invocation->command) {
      case ocean::config::Command::kVersion:
        std::puts(ocean::app::VersionString());
        return 0;
      case ocean::config::Command::kMigrate:
        return ocean::app::RunMigrate(invocation->config);
      case ocean::config::Command::kCleanup:
        return ocean::app::RunCleanup(invocation->config);
      case ocean::config::Command::kFetch:
        return ocean::app::RunFetchCommand(invocation->config);
      case ocean::config::Command::kServe:
        return ocean::app::RunServe(invocation->config);
      case ocean::config::Command::kHealthcheck:
        return ocean::app::RunHealthcheck(invocation->config);
      case ocean::config::Command::kLambda:
        return ocean::lambda::RunLambda(invocation->config);
      case ocean::config::Command::kQc:
        return ocean::app::RunQcCommand(invocation->config);
      case ocean::config::Command::kMhw:
        return ocean::app::RunMhwCommand(invocation->config);
      case ocean::config::Command::kClimatology:
        return ocean::app::RunClimatologyCommand(invocation->config);
    }
  } catch (const ocean::config::ConfigError& e) {
    std::fprintf(stderr, "oceandash: configuration error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "oceandash: %s\n", e.what());
    return 1;
  }
  return 1;
}
