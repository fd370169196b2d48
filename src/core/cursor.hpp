// Opaque keyset cursors for observation pages.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/types.hpp"

namespace ocean::core {

// The keyset position just after `row`: where the page that follows it starts.
CursorPosition CursorAfter(const StoredObservation& row);

std::string EncodeCursor(const CursorPosition& position);
// nullopt for anything that EncodeCursor did not produce.
std::optional<CursorPosition> DecodeCursor(std::string_view cursor);

}  // namespace ocean::core
