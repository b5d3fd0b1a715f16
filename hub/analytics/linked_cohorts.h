#pragma once

// Linked cohorts: for each `person IN (SELECT person FROM d [WHERE w]) [WITHIN n DAYS
// [BEFORE|AFTER]]` of a query, the persons with at least one usable record of `d` matching `w`,
// with those records' event times when a window is asked for.
//
// A record is in the cohort when its person has such a record whose event time lies in
// [t - n days, t] (BEFORE), [t, t + n days] (AFTER) or [t - n days, t + n days] (no direction),
// t being the record's own event time; without WITHIN any such record will do.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "confide/v1/storage.pb.h"
#include "hub/linkage/person_index.h"
#include "hub/query/ast.h"
#include "hub/query/evaluator.h"
#include "hub/storage/record_store.h"
#include "policy/policy.h"

namespace confide::hub {

// Earliest usable event time (civil seconds since 1970) per dataset, from the agreement's
// retention; a dataset without an entry has no cut-off.
using MinEventTimes = absl::flat_hash_map<std::string, int64_t>;

// The person of a stored record. Internal when the index does not hold the record: the caller
// holds the index in step with the store, so this is a broken invariant, not bad input.
absl::StatusOr<linkage::PersonId> PersonOfRecord(const linkage::PersonIndex& persons,
                                                 const v1::StoredRecord& record);

class LinkedCohorts {
 public:
  // Scans the dataset of every person IN node of `parsed` once. `parsed` must outlive this.
  static absl::StatusOr<LinkedCohorts> Build(const policy::Policy& policy,
                                             const query::ParsedQuery& parsed,
                                             const RecordStore& records,
                                             const linkage::PersonIndex& persons,
                                             const MinEventTimes& min_event_time);

  // TRUE or FALSE: whether `person`, for a record at `event_time`, is in the cohort of
  // `person_in`; UNKNOWN for a node Build() did not see.
  query::TruthValue Contains(const query::Expr& person_in, linkage::PersonId person,
                             int64_t event_time) const;

 private:
  struct Cohort {
    absl::optional<int64_t> window_days;
    query::SubQuery::Direction direction = query::SubQuery::Direction::kEither;
    // Person -> event times of the matching records, ascending (empty without a window).
    absl::flat_hash_map<linkage::PersonId, std::vector<int64_t>> times;
  };
  absl::flat_hash_map<const query::Expr*, Cohort> cohorts_;
};

}  // namespace confide::hub
