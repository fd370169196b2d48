// `oceandash qc` and `oceandash mhw`: the science module's pure functions run on JSON files, so
// people can compare them with ioos_qc and marineHeatWaves on their own data. Each prints its
// JSON result on stdout and returns the process exit code (2 for bad input, with the reason on
// stderr).
#pragma once

#include "config/config.hpp"

namespace ocean::app {

int RunQcCommand(const config::Config& config);   // qc_command.cpp
int RunMhwCommand(const config::Config& config);  // mhw_command.cpp

}  // namespace ocean::app
