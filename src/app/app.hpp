// Composition root: builds the store, cache, API, router, server and jobs from a Config and
// runs a subcommand. Each Run* returns the process exit status.
#pragma once

#include "config/config.hpp"

namespace ocean::app {

int RunServe(const config::Config& config);
int RunMigrate(const config::Config& config);
int RunCleanup(const config::Config& config);
// `oceandash fetch`: one run of the named sources; non-zero when any source had an error.
int RunFetchCommand(const config::Config& config);

// "oceandash 0.1.0 (git abc1234)".
const char* VersionString();

}  // namespace ocean::app
