#include "core/config_file.hpp"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ocean::core {

std::string ReadConfigFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open {} file", path, what));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

boost::json::array ParseConfigArray(std::string_view text, std::string_view file_name,
                                    std::string_view entries) {
  boost::json::error_code ec;
  boost::json::value root = boost::json::parse(text, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: not valid JSON: {}", file_name, ec.message()));
  if (!root.is_array()) {
    throw std::runtime_error(fmt::format("{}: must be a JSON array of {}", file_name, entries));
  }
  return std::move(root.get_array());
}

}  // namespace ocean::core
