// Quality control on every write of observations: the QARTOD tests of science/qartod*.hpp,
// configured per parameter and per location by config/qc.json, run over each written series
// together with its stored neighbours in time, inside the write's transaction (the stores run
// a storage::FlagReview there). See docs/qc.md.
#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/types.hpp"
#include "science/qartod_config.hpp"
#include "storage/flag_review.hpp"

namespace ocean::jobs {

// config/qc.json, parsed:
//   {"parameters": {"<parameter>": {"qartod": {<ioos_qc tests>}}, ...},
//    "locations": {"<location>": {"<parameter>": {"qartod": {<tests or some of their keys>}}}}}
// A location's test replaces the parameter's keys it names and keeps the others. Every
// parameter of the catalogue gets a gross range test whose fail span, unless configured, is the
// parameter's valid range.
class QcRules {
 public:
  // Throws science::QcError naming the field for an unknown parameter, a test ioos_qc would
  // refuse, or a wrong shape.
  static QcRules Parse(const boost::json::value& root);
  // Parse on the file's JSON; an empty path: no file, the catalogue's gross range tests only.
  // Throws std::runtime_error when the file cannot be read or parsed.
  static QcRules Load(const std::string& path);

  // The tests for one series; null when the parameter has none (not in the catalogue).
  const science::QartodConfig* Find(std::string_view location, std::string_view parameter) const;

 private:
  std::map<std::string, science::QartodConfig, std::less<>> by_parameter_;
  std::map<std::pair<std::string, std::string>, science::QartodConfig, std::less<>> by_location_;
};

// The flag stored for a row: the worse of what the tests say and what the row arrived with,
// "worse" in QARTOD's aggregate order (fail, suspect, pass, not evaluated, missing), so an
// upstream "bad" stays bad and an upstream "good" stands where no test could judge the row.
core::QualityFlag MergeUpstream(core::QualityFlag qc, core::QualityFlag upstream);

// Rows of a series on each side of a batch that the tests need to judge every row whose flag
// the batch can change: a row's spike flag depends on the row after it and the flat-line flag
// on the `count` rows before it (count as ioos_qc derives it from the median time step of
// `times`), so the batch changes rows from one before it to `count` after it, and those need
// their own context.
int NeighboursNeeded(const science::QartodConfig& config, std::span<const core::EpochMs> times);

// One row of a window whose stored flag is to change.
struct Reflag {
  std::size_t index = 0;  // into the window
  core::QualityFlag quality_flag = core::QualityFlag::kNotEvaluated;
};

// Runs the tests over `window` (one series in time order, the batch's rows included) and
// returns the rows whose merged flag differs from the stored one, among the rows the batch
// (its rows span first_ms..last_ms) can affect. Rows further out only give context: their
// flags here would be computed without their own neighbours. Throws science::QcError when a
// test refuses the window (see science::RunQartod).
std::vector<Reflag> ReflagWindow(const science::QartodConfig& config,
                                 std::span<const storage::FlaggedRow> window,
                                 core::EpochMs first_ms, core::EpochMs last_ms);

// The storage::FlagReview of every write: per series of the batch, reads its window and
// returns the changed flags. A series whose window a test refuses keeps its arriving flags
// (logged): a write is never refused for its quality control.
class QualityReview final : public storage::FlagReview {
 public:
  explicit QualityReview(QcRules rules) : rules_(std::move(rules)) {}
  std::vector<storage::FlagChange> Review(std::span<const core::Observation> rows,
                                          storage::SeriesWindowReader& reader) const override;

 private:
  QcRules rules_;
};

}  // namespace ocean::jobs
