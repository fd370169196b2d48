#include "app/json_input.hpp"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <iterator>
#include <limits>

namespace ocean::app {

boost::json::value ReadJsonFile(const std::string& path, std::string_view option) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw InputError(fmt::format("{} {}: cannot open the file", option, path));
  const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec) throw InputError(fmt::format("{} {}: not JSON ({})", option, path, ec.message()));
  return value;
}

std::optional<double> NumberOrNan(const boost::json::value& value) {
  if (value.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (value.is_number()) return value.to_number<double>();
  return std::nullopt;
}

}  // namespace ocean::app
