// `oceandash qc` and `oceandash mhw`: the science module's pure functions run on JSON files, so
// people can compare them with ioos_qc and marineHeatWaves on their own data. Each prints its
// JSON result on stdout and returns the process exit code (2 for bad input, with the reason on
// stderr).
#pragma once

#include "config/config.hpp"

namespace ocean::app {

int RunQcCommand(const config::Config& config);   // qc_command.cpp
int RunMhwCommand(const config::Config& config);  // mhw_command.cpp
// `oceandash climatology`: each site's long daily record fetched (resumed) and its climatology
// stored; 0 when every one succeeded, 1 otherwise (the reasons on stderr).
int RunClimatologyCommand(const config::Config& config);  // climatology_command.cpp

}  // namespace ocean::app
