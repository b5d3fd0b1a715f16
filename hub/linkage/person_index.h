#pragma once

// PersonIndex: clusters the hub's stored records into persons from their (re-keyed) match
// tokens, without ever seeing who anyone is.
//
// Partition rule (a pure function of the current record set and the recipe; arrival order,
// batch boundaries and update history make no difference):
//  * A token group is the set of records holding one (key_id, key_version, token). A group with
//    more records than recipe.max_records_per_token (0 means 50) is ambiguous (a placeholder
//    identity): it links nothing and blocks nothing.
//  * Records are ordered canonically by (dataset, agency, record_id). Match keys are applied in
//    recipe order; within a key, groups in lexicographic order of their (ordered) records; within
//    a group, records in order. Every record starts as its own cluster.
//  * Strong key: each record of the group joins the first cluster met earlier in the same group
//    that it can join, else it stays apart (and later records may join it).
//  * Weak key: two records of the group join only if they also share a token of another key
//    (from an unambiguous group); pairs are taken in canonical order.
//  * Exclusive key: a join never happens if the merged cluster would hold two different tokens
//    of the same exclusive key and key version (two NHS numbers are two people).
//  * A record without tokens, or with only ambiguous ones, is a person of its own.
// Each person is identified by its canonically first record, so a PersonId is only meaningful
// while the index is unchanged; compare partitions, never ids across states.
//
// Updates are incremental: only the connected components (records joined through unambiguous
// groups) that an update touches are re-clustered, which gives the same partition as a rebuild.
//
// Thread-safe: readers share a lock, updates are exclusive. The index holds re-keyed tokens in
// memory only; it never logs them. Person ids never leave the hub.

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "absl/types/span.h"
#include "confide/v1/policy.pb.h"
#include "confide/v1/storage.pb.h"
#include "hub/storage/record_store.h"
#include "policy/policy.h"

namespace confide::hub::linkage {
namespace internal {
class IndexState;
}  // namespace internal

using PersonId = uint64_t;

inline constexpr int kDefaultMaxRecordsPerToken = 50;

// A stored record's identity: the key the store keeps it under.
struct RecordRef {
  std::string dataset;
  std::string agency;
  std::string record_id;
};

struct IndexStats {
  int64_t records = 0;
  int64_t persons = 0;
  int64_t tokens = 0;            // distinct (key, version, token) groups
  int64_t ambiguous_tokens = 0;  // groups over the per-token limit
};

class PersonIndex {
 public:
  explicit PersonIndex(const v1::LinkageRecipe& recipe);
  PersonIndex(const PersonIndex&) = delete;
  PersonIndex& operator=(const PersonIndex&) = delete;
  ~PersonIndex();

  // Builds the index over every dataset of `policy` held in `store`, under the policy's recipe.
  // Errors are the store's scan errors. Used by the hub at start-up and by offline tools that
  // open a stopped hub's data directory.
  static absl::StatusOr<std::unique_ptr<PersonIndex>> Build(const RecordStore& store,
                                                            const policy::Policy& policy);

  // Adds records, or replaces the tokens of records already held under the same
  // (dataset, agency, record_id). Tokens of keys not in the recipe, or not 32 bytes, are ignored.
  void Upsert(absl::Span<const v1::StoredRecord> records);
  // Removes records; unknown ones are ignored.
  void Remove(absl::Span<const RecordRef> records);

  // The person of a record, or nullopt when the index does not hold it.
  absl::optional<PersonId> PersonOf(absl::string_view dataset, absl::string_view agency,
                                    absl::string_view record_id) const;
  IndexStats Stats() const;

 private:
  mutable std::shared_mutex mu_;
  std::unique_ptr<internal::IndexState> state_;  // guarded by mu_
};

}  // namespace confide::hub::linkage
