#include "sources/source.hpp"

#include "core/catalogue.hpp"
#include "sources/copernicus.hpp"
#include "sources/erddap.hpp"
#include "sources/ndbc.hpp"

namespace ocean::sources {

FetchResult FetchSource(const SourceConfig& source, std::span<const core::Location> locations,
                        const FetchWindow& window, HttpClient& http) {
  switch (source.kind) {
    case SourceKind::kErddapGriddap:
      return FetchErddap(source, locations, window, http);
    case SourceKind::kNdbcRealtime:
      return FetchNdbc(source, locations, window, http);
    case SourceKind::kCopernicusArco:
      return FetchCopernicus(source, locations, window, http);
  }
  FetchResult result;
  result.failed = true;
  result.errors.push_back(source.id + ": unknown source kind");
  return result;
}

core::QualityFlag FlagForValue(std::string_view parameter, double value) {
  const auto* definition = core::FindParameter(parameter);
  if (definition == nullptr) return core::QualityFlag::kNotEvaluated;
  if (value < definition->valid_min || value > definition->valid_max)
    return core::QualityFlag::kBad;
  return core::QualityFlag::kNotEvaluated;
}

}  // namespace ocean::sources
