#include "sources/units.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "core/text.hpp"

namespace ocean::sources {
namespace {

enum class Quantity { kTemperature, kMassConcentration, kLength, kSpeed, kSalinity };

// A unit as `factor * value + offset` in its quantity's catalogue unit (°C, mg m-3, m, m s-1,
// PSU).
struct UnitDefinition {
  std::string_view name;  // the catalogue's spelling, or the usual one for units it does not use
  Quantity quantity;
  double factor;
  double offset;
};

constexpr double kKelvinOffset = -273.15;
constexpr double kFahrenheitFactor = 5.0 / 9.0;
constexpr double kKnot = 1852.0 / 3600.0;

constexpr std::array<UnitDefinition, 16> kUnits = {{
    {"°C", Quantity::kTemperature, 1.0, 0.0},
    {"K", Quantity::kTemperature, 1.0, kKelvinOffset},
    {"°F", Quantity::kTemperature, kFahrenheitFactor, -32.0 * kFahrenheitFactor},
    {"mg m-3", Quantity::kMassConcentration, 1.0, 0.0},
    {"µg L-1", Quantity::kMassConcentration, 1.0, 0.0},  // 1 µg per litre is 1 mg per m³
    {"mg L-1", Quantity::kMassConcentration, 1000.0, 0.0},
    {"g m-3", Quantity::kMassConcentration, 1000.0, 0.0},
    {"kg m-3", Quantity::kMassConcentration, 1e6, 0.0},
    {"m", Quantity::kLength, 1.0, 0.0},
    {"cm", Quantity::kLength, 0.01, 0.0},
    {"mm", Quantity::kLength, 0.001, 0.0},
    {"ft", Quantity::kLength, 0.3048, 0.0},
    {"m s-1", Quantity::kSpeed, 1.0, 0.0},
    {"cm s-1", Quantity::kSpeed, 0.01, 0.0},
    {"knot", Quantity::kSpeed, kKnot, 0.0},
    {"PSU", Quantity::kSalinity, 1.0, 0.0},
}};

// Spellings after SpellingKey (lower case, separators as single spaces, exponents written
// after their base, a denominator's exponents negated) -> the unit's name in kUnits.
struct Spelling {
  std::string_view key;
  std::string_view unit;
};

constexpr std::array<Spelling, 70> kSpellings = {{
    {"deg c", "°C"},
    {"degc", "°C"},
    {"degree c", "°C"},
    {"degrees c", "°C"},
    {"celsius", "°C"},
    {"deg celsius", "°C"},
    {"degree celsius", "°C"},
    {"degrees celsius", "°C"},
    {"cel", "°C"},
    {"k", "K"},
    {"kelvin", "K"},
    {"kelvins", "K"},
    {"deg k", "K"},
    {"degk", "K"},
    {"degree k", "K"},
    {"degrees k", "K"},
    {"deg f", "°F"},
    {"degf", "°F"},
    {"degree f", "°F"},
    {"degrees f", "°F"},
    {"fahrenheit", "°F"},
    {"degree fahrenheit", "°F"},
    {"degrees fahrenheit", "°F"},
    {"mg m-3", "mg m-3"},
    {"mg meter-3", "mg m-3"},
    {"mg metre-3", "mg m-3"},
    {"milligram m-3", "mg m-3"},
    {"milligrams m-3", "mg m-3"},
    {"milligram meter-3", "mg m-3"},
    {"milligrams meter-3", "mg m-3"},
    {"ug l-1", "µg L-1"},
    {"ug liter-1", "µg L-1"},
    {"ug litre-1", "µg L-1"},
    {"ug dm-3", "µg L-1"},
    {"mg l-1", "mg L-1"},
    {"mg liter-1", "mg L-1"},
    {"mg litre-1", "mg L-1"},
    {"g m-3", "g m-3"},
    {"kg m-3", "kg m-3"},
    {"m", "m"},
    {"meter", "m"},
    {"meters", "m"},
    {"metre", "m"},
    {"metres", "m"},
    {"cm", "cm"},
    {"centimeter", "cm"},
    {"centimeters", "cm"},
    {"mm", "mm"},
    {"ft", "ft"},
    {"foot", "ft"},
    {"feet", "ft"},
    {"m s-1", "m s-1"},
    {"meter s-1", "m s-1"},
    {"meters s-1", "m s-1"},
    {"metre s-1", "m s-1"},
    {"metres s-1", "m s-1"},
    {"meter second-1", "m s-1"},
    {"meters second-1", "m s-1"},
    {"cm s-1", "cm s-1"},
    {"knot", "knot"},
    {"knots", "knot"},
    {"kt", "knot"},
    {"kn", "knot"},
    {"psu", "PSU"},
    {"pss", "PSU"},
    {"pss-78", "PSU"},
    {"practical salinity unit", "PSU"},
    {"practical salinity units", "PSU"},
    {"1e-3", "PSU"},   // CF's canonical units of practical salinity (CMEMS "so")
    {"0 001", "PSU"},  // "0.001", the same, after '.' became a separator
}};

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// One factor's base and exponent: "m-3" -> (m, -3), "m3" -> (m, 3), "s" -> (s, 1). A factor
// that is only a number keeps it as its base.
std::pair<std::string_view, int> SplitExponent(std::string_view factor) {
  std::size_t start = factor.size();
  while (start > 0 && IsDigit(factor[start - 1])) --start;
  if (start == factor.size()) return {factor, 1};
  const bool negative = start > 0 && factor[start - 1] == '-';
  const bool sign = negative || (start > 0 && factor[start - 1] == '+');
  const std::size_t base_end = sign ? start - 1 : start;
  if (base_end == 0) return {factor, 1};
  int exponent = 0;
  const auto digits = factor.substr(start);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), exponent);
  if (ec != std::errc() || end != digits.data() + digits.size()) return {factor, 1};
  return {factor.substr(0, base_end), negative ? -exponent : exponent};
}

// "degree_C" -> "degree c", "°C" -> "deg c", "mg/m^3" -> "mg m-3", "mg.m-3" -> "mg m-3",
// "µg/L" -> "ug l-1"; "" for a form we do not read (two slashes).
std::string SpellingKey(std::string_view spelling) {
  std::string text(core::Trim(spelling));
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  text = ReplaceAll(std::move(text), "\u00b0", "deg ");  // degree sign
  text = ReplaceAll(std::move(text), "\u00ba", "deg ");  // ordinal sign, often typed for it
  text = ReplaceAll(std::move(text), "\u00b5", "u");     // micro sign
  text = ReplaceAll(std::move(text), "\u03bc", "u");     // Greek mu
  text = ReplaceAll(std::move(text), "\u00b7", " ");     // middle dot
  text = ReplaceAll(std::move(text), "**", "");
  text = ReplaceAll(std::move(text), "^", "");
  for (char& c : text) {
    if (c == '_' || c == '*' || c == '.' || c == '\t') c = ' ';
  }
  const auto slash = text.find('/');
  if (slash != std::string::npos && text.find('/', slash + 1) != std::string::npos) return "";
  const std::string_view all(text);
  const std::array<std::pair<std::string_view, int>, 2> parts = {{
      {all.substr(0, slash), 1},
      {slash == std::string::npos ? std::string_view{} : all.substr(slash + 1), -1},
  }};
  std::string key;
  for (const auto& [part, sign] : parts) {
    std::string_view rest = part;
    while (!rest.empty()) {
      const auto space = rest.find(' ');
      const auto factor = rest.substr(0, space);
      rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
      if (factor.empty()) continue;
      const auto [base, exponent] = SplitExponent(factor);
      if (!key.empty()) key += ' ';
      key += base;
      if (exponent * sign != 1) key += std::to_string(exponent * sign);
    }
  }
  return key;
}

const UnitDefinition* FindUnit(std::string_view spelling) {
  const std::string key = SpellingKey(spelling);
  if (key.empty()) return nullptr;
  for (const auto& known : kSpellings) {
    if (known.key != key) continue;
    for (const auto& unit : kUnits) {
      if (unit.name == known.unit) return &unit;
    }
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> CanonicalUnit(std::string_view spelling) {
  const auto* unit = FindUnit(spelling);
  if (unit == nullptr) return std::nullopt;
  return std::string(unit->name);
}

std::optional<UnitConversion> ConversionBetween(std::string_view from, std::string_view to) {
  const auto* source = FindUnit(from);
  const auto* target = FindUnit(to);
  if (source == nullptr || target == nullptr || source->quantity != target->quantity) {
    return std::nullopt;
  }
  // source -> the quantity's catalogue unit -> target.
  return UnitConversion{source->factor / target->factor,
                        (source->offset - target->offset) / target->factor};
}

bool SameUnit(std::string_view a, std::string_view b) {
  if (core::Trim(a) == core::Trim(b)) return true;
  const auto* first = FindUnit(a);
  return first != nullptr && first == FindUnit(b);
}

}  // namespace ocean::sources
