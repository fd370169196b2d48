// Composition root: builds the store, cache, API, router, server and jobs from a Config and
// runs a subcommand. Each Run* returns the process exit status.
#pragma once

#include <memory>

#include "config/config.hpp"

namespace ocean::storage {
class Store;
}

namespace ocean::app {

// Logging for a subcommand: operational messages on stderr at config.log_level.
void SetUpLogging(const config::Config& config);
// Opens the store, applies migrations and upserts the configured locations.
std::unique_ptr<storage::Store> OpenAndPrepareStore(const config::Config& config, int pool);

int RunServe(const config::Config& config);
int RunMigrate(const config::Config& config);
int RunCleanup(const config::Config& config);
// `oceandash fetch`: one run of the named sources; non-zero when any source had an error.
int RunFetchCommand(const config::Config& config);

// "oceandash 0.1.0 (git abc1234)".
const char* VersionString();

}  // namespace ocean::app
