#include "core/types.hpp"

namespace ocean::core {

std::string_view ToString(QualityFlag flag) {
  switch (flag) {
    case QualityFlag::kGood:
      return "good";
    case QualityFlag::kNotEvaluated:
      return "not_evaluated";
    case QualityFlag::kSuspect:
      return "suspect";
    case QualityFlag::kBad:
      return "bad";
    case QualityFlag::kMissing:
      return "missing";
  }
  return "not_evaluated";
}

std::optional<QualityFlag> ParseQualityFlag(std::string_view text) {
  if (text == "good") return QualityFlag::kGood;
  if (text == "not_evaluated") return QualityFlag::kNotEvaluated;
  if (text == "suspect") return QualityFlag::kSuspect;
  if (text == "bad") return QualityFlag::kBad;
  if (text == "missing") return QualityFlag::kMissing;
  return std::nullopt;
}

}  // namespace ocean::core
