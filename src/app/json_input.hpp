// The JSON input files of the science commands (qc, mhw): read, parsed, refused by one rule.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ocean::app {

// A refusal of a command's input: the message names the file or the field, and the command
// exits 2 (a routine mistake in the input, not a failure of the program).
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The JSON document in the file at `path`. Throws InputError naming `option` and the path when
// the file cannot be read or is not JSON.
boost::json::value ReadJsonFile(const std::string& path, std::string_view option);

// A series value: the number, NaN for null (a missing value), nullopt for anything else.
std::optional<double> NumberOrNan(const boost::json::value& value);

}  // namespace ocean::app
