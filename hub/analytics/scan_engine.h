#pragma once

// The scan engine: answers a parsed query by scanning the stored records of its dataset (and of
// its linked cohorts' datasets). Exact counts leave this file only to go through disclosure
// control.

#include <vector>

#include "absl/status/statusor.h"
#include "hub/analytics/linked_cohorts.h"
#include "hub/linkage/person_index.h"
#include "hub/query/ast.h"
#include "hub/query/evaluator.h"
#include "hub/storage/record_store.h"
#include "policy/policy.h"

namespace confide::hub {

// Checks every column the query names against the dataset's queryable dimensions.
// InvalidArgument "line:column: unknown column 'x' in dataset 'y' (available: ...)".
absl::Status CheckColumns(const policy::Policy& policy, const query::ParsedQuery& parsed);

// Whether the query needs persons: COUNT(DISTINCT person) or a linked cohort.
bool UsesPersons(const query::ParsedQuery& parsed);

struct ScanOptions {
  // Records before their dataset's cut-off are past the agreement's retention and are not used,
  // neither counted nor as members of a linked cohort.
  MinEventTimes min_event_time;
  // Required (not owned) when UsesPersons(); must be in step with `records` for the whole scan.
  const linkage::PersonIndex* persons = nullptr;
};

// Exact groups, without ORDER BY and LIMIT (applied after disclosure control, on published
// values, so ordering cannot leak suppressed counts). COUNT(DISTINCT person) counts the distinct
// persons among the matching records of each group. Errors: FailedPrecondition when the query
// needs persons and none were given; the store's scan errors; Internal when a record is missing
// from the person index.
absl::StatusOr<std::vector<query::GroupRow>> RunScan(const policy::Policy& policy,
                                                     const query::ParsedQuery& parsed,
                                                     const RecordStore& records,
                                                     const ScanOptions& options);

}  // namespace confide::hub
