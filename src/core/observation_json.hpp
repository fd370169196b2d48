// An observation as JSON, written in one place for every reader of it: the API's pages, the
// ingest body that `fetch --ingest-url` and the Lambda fetchers post, and the jobs.
#pragma once

#include <span>
#include <string>

#include "core/json_writer.hpp"
#include "core/types.hpp"

namespace ocean::core {

// {"location_id", "parameter", "timestamp", "value", "quality_flag", "source"}. Written into
// a stack buffer in one go and copied once: a page writes 1,000 of them, and field by field
// (a size check and a separator decision per piece) was a large share of a page's CPU.
void WriteObservation(JsonWriter& w, const Observation& o);
// The six fields alone, into an object the caller has begun (and may extend).
void WriteObservationFields(JsonWriter& w, const Observation& o);
// The same as WriteObservation, field by field through the writer: for rows too long for the
// buffer. Exposed for its test.
void WriteObservationByField(JsonWriter& w, const Observation& o);

// A JSON array of observations: the body POST /api/observations/ingest/ accepts.
std::string ObservationsJson(std::span<const Observation> rows);

}  // namespace ocean::core
