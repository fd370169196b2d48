// What the JSON configuration files (locations, sources) share: read whole, a top-level array of
// entries, and errors that start with the file's name.
#pragma once

#include <boost/json/array.hpp>
#include <string>
#include <string_view>

namespace ocean::core {

// The file's bytes. Throws std::runtime_error "<path>: cannot open <what> file".
std::string ReadConfigFile(const std::string& path, std::string_view what);

// The top-level array of `text`. Throws std::runtime_error "<file_name>: not valid JSON: …" or
// "<file_name>: must be a JSON array of <entries>".
boost::json::array ParseConfigArray(std::string_view text, std::string_view file_name,
                                    std::string_view entries);

}  // namespace ocean::core
