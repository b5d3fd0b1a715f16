#pragma once

// The columnar engine: every stored record of every dataset held in memory as columns of
// dictionary codes, one column per queryable dimension, kept in step with RocksDB as batches
// land (Upsert/Remove under the caller's write lock) and rebuilt from the store on start-up.
//
// A query is answered from these columns alone: WHERE is evaluated once per dictionary entry
// and then per row by table lookup, groups are dense arrays indexed by code, rows are split
// between threads. Derived dimensions (year .. hour_of_week, ward, borough, age_band) are
// lookup tables over a base column (hour number, district, age), so no string is touched per
// row. Exact results leave this file only to go through disclosure control.
//
// Not thread-safe for writers: Upsert/Remove/RefreshPersons need exclusive access; Run() may be
// called concurrently with other Run() calls.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "confide/v1/storage.pb.h"
#include "hub/query/ast.h"
#include "hub/query/evaluator.h"
#include "policy/policy.h"

namespace confide::hub::analytics {

class DatasetTable;  // hub/analytics/dataset_table.h

// Gives the person of a stored record, identified by (dataset, agency, record id); nullopt
// when the person index does not hold it (a broken invariant: the query fails Internal).
using PersonLookup = std::function<absl::optional<uint64_t>(
    absl::string_view dataset, absl::string_view agency, absl::string_view record_id)>;

struct RunOptions {
  // Records before their dataset's cut-off (civil seconds since 1970) are past the agreement's
  // retention: neither counted nor members of a linked cohort.
  absl::flat_hash_map<std::string, int64_t> min_event_time;
  // Differential privacy's contribution bound: when > 0, each person adds at most this many
  // records to COUNT(*) and SUM(harm), and appears in at most this many groups of
  // COUNT(DISTINCT person). The records kept are chosen by a keyed order of record ids, so the
  // choice does not depend on arrival order.
  int max_records_per_person = 0;
  // Worker threads for the scan; 0 means std::thread::hardware_concurrency().
  int threads = 0;
  // Every combination of the dimensions' known values is a group, matched or not (counts 0),
  // so that which groups exist reveals nothing (differential privacy). ResourceExhausted beyond
  // 100,000 combinations.
  bool all_groups = false;
};

// One group of an exact result. measures[i] is the i-th aggregate of the SELECT list:
// COUNT(*) and COUNT(DISTINCT person) are counts; SUM(harm) a sum of weights; RATE_PER_1000
// and REPEAT_RATE carry their parts in `numerators`/`denominators` (below) and measures[i] is
// the exact ratio (rate per 1,000, or a percentage of persons).
struct ExactGroup {
  std::vector<std::string> dims;  // one per dimension, in SELECT order
  std::vector<double> measures;   // one per aggregate, in SELECT order
  // Per aggregate, the counts disclosure control works on: for a ratio its numerator (events or
  // persons; repeat persons for REPEAT_RATE) and denominator (population; persons for
  // REPEAT_RATE); for SUM(harm) the number of records summed; for a count the count itself.
  std::vector<int64_t> numerators;
  std::vector<int64_t> denominators;  // 0 where there is none (or no reference population)
};

// Whether answering `parsed` with `options` needs the person of each row (ColumnStore::
// RefreshPersons first).
bool NeedsPersons(const query::ParsedQuery& parsed, const RunOptions& options);

class ColumnStore {
 public:
  // The policy gives datasets, their dimensions and the reference data (area hierarchy,
  // populations, harm weights). A policy change that alters any of these needs a new store.
  explicit ColumnStore(std::shared_ptr<const policy::Policy> policy);
  ~ColumnStore();
  ColumnStore(const ColumnStore&) = delete;
  ColumnStore& operator=(const ColumnStore&) = delete;

  // Adds a record, replacing the one with the same (dataset, agency, record id) if any.
  // Records of datasets the policy does not know are ignored.
  void Upsert(const v1::StoredRecord& record);
  // Removes a record; no effect when it is not held.
  void Remove(absl::string_view dataset, absl::string_view agency, absl::string_view record_id);

  // Live rows of `dataset`.
  int64_t RowCount(absl::string_view dataset) const;

  // Records the person of every row. Needed before a query that uses persons; the caller calls
  // it again whenever the person index has changed (persons of existing rows can merge).
  absl::Status RefreshPersons(const PersonLookup& person_of);
  // Whether every row has a person recorded since the last Upsert/Remove/RefreshPersons.
  bool PersonsCurrent() const { return persons_current_; }

  // A fingerprint of the rows of the datasets `parsed` reads: equal fingerprints mean equal
  // record sets (an order-independent digest of record keys and contents).
  uint64_t Fingerprint(const query::ParsedQuery& parsed) const;

  // Exact groups, in dimension order (numbers numerically, then strings), before disclosure
  // control, ORDER BY and LIMIT. Errors: InvalidArgument for a dimension or aggregate the
  // dataset cannot answer (e.g. SUM(harm) without harm weights, RATE_PER_1000 grouped by a
  // dimension with no reference population); FailedPrecondition when the query uses persons
  // and PersonsCurrent() is false.
  absl::StatusOr<std::vector<ExactGroup>> Run(const query::ParsedQuery& parsed,
                                              const RunOptions& options) const;

 private:
  const DatasetTable* Table(absl::string_view dataset) const;

  std::shared_ptr<const policy::Policy> policy_;
  absl::flat_hash_map<std::string, std::unique_ptr<DatasetTable>> tables_;
  bool persons_current_ = true;  // no rows yet
  uint32_t person_count_ = 0;    // person ordinals are 0..person_count_-1
};

}  // namespace confide::hub::analytics
