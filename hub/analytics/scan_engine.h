#pragma once

// The scan engine: answers a parsed query by scanning the stored records of its dataset. Exact
// counts leave this file only to go through disclosure control.

#include <vector>

#include "absl/status/statusor.h"
#include "hub/query/ast.h"
#include "hub/query/evaluator.h"
#include "hub/storage/record_store.h"
#include "policy/policy.h"

namespace confide::hub {

// Checks every column the query names against the dataset's queryable dimensions.
// InvalidArgument "line:column: unknown column 'x' in dataset 'y' (available: ...)".
absl::Status CheckColumns(const policy::Policy& policy, const query::ParsedQuery& parsed);

// Exact groups, without ORDER BY and LIMIT (applied after disclosure control, on published
// values, so ordering cannot leak suppressed counts).
// Records whose event time is before `min_event_time` (civil seconds since 1970) are past the
// agreement's retention for this dataset and are not counted.
absl::StatusOr<std::vector<query::GroupRow>> RunScan(const policy::Policy& policy,
                                                     const query::ParsedQuery& parsed,
                                                     const RecordStore& records,
                                                     int64_t min_event_time);

}  // namespace confide::hub
