#include <cstdio>

#include "app/science_commands.hpp"

namespace ocean::app {

// Replaced by the mhw implementation being written in this session.
int RunMhwCommand(const config::Config& /*config*/) {
  std::fputs("oceandash mhw: not built yet\n", stderr);
  return 2;
}

}  // namespace ocean::app
