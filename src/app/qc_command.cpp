#include <cstdio>

#include "app/science_commands.hpp"

namespace ocean::app {

// Replaced by the qc implementation being written in this session.
int RunQcCommand(const config::Config& /*config*/) {
  std::fputs("oceandash qc: not built yet\n", stderr);
  return 2;
}

}  // namespace ocean::app
