// The built-in parameter catalogue. Valid ranges are gross-range limits in the sense of
// QARTOD test 4: a value outside is physically implausible for the open ocean surface.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "core/types.hpp"

namespace ocean::core {

std::span<const Parameter> Parameters();
const Parameter* FindParameter(std::string_view id);

}  // namespace ocean::core
