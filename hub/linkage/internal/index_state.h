#pragma once

// Private to hub/linkage: the data behind PersonIndex and the steps of an update. Not
// thread-safe (PersonIndex locks around it); not copyable or movable (its hash sets look slots
// up in its own vectors).
//
// An update is staged (StageUpsert/StageRemoval record what changes, interning new tokens), then
// applied (Apply updates token memberships and reports the records whose component may have
// changed), then those components are re-clustered (Recluster, in clustering.cc).

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "confide/v1/policy.pb.h"
#include "confide/v1/storage.pb.h"
#include "hub/linkage/person_index.h"

namespace confide::hub::linkage::internal {

using TokenList = absl::InlinedVector<uint32_t, 5>;  // token slots, ascending, no repeats

struct RecordEntry {
  std::string record_id;
  uint32_t dataset = 0;  // interned names
  uint32_t agency = 0;
  bool alive = false;
  TokenList tokens;
  uint32_t person = 0;    // slot of the cluster's canonically first record
  uint32_t mark = 0;      // BFS epoch
  uint32_t position = 0;  // index in the set being re-clustered
};

inline constexpr size_t kTokenBytes = 32;

struct TokenEntry {
  std::array<char, kTokenBytes> bytes{};     // the re-keyed token, inline: no allocation per token
  bool live = false;                         // false while the slot is free
  uint16_t key = 0;                          // index into the recipe's match keys
  uint32_t version = 0;                      // interned
  uint32_t mark = 0;                         // BFS epoch
  absl::InlinedVector<uint32_t, 4> members;  // record slots, unordered
};

struct KeyRule {
  bool weak = false;
  bool exclusive = false;
};

// One staged upsert or removal. Apply() takes at most one change per record slot.
struct Change {
  uint32_t slot = 0;
  TokenList tokens;  // the record's new tokens; empty for a removal
  bool remove = false;
};

class IndexState {
 public:
  explicit IndexState(const v1::LinkageRecipe& recipe);
  IndexState(const IndexState&) = delete;
  IndexState& operator=(const IndexState&) = delete;

  // Stages `record` (new, or replacing the tokens of the record held under its key) and returns
  // its slot. Nothing is staged when the record is held with the same tokens already.
  uint32_t StageUpsert(const v1::StoredRecord& record, std::vector<Change>& out);
  void StageRemoval(uint32_t slot, std::vector<Change>& out);
  // Applies staged changes. When `seeds` is non-null, appends every record whose component may
  // have changed: upserted records and the members of each token group whose membership
  // changed, unless the group was ambiguous both before and after.
  void Apply(std::vector<Change>& changes, std::vector<uint32_t>* seeds);
  // clustering.cc: re-clusters the components holding `seeds` (every record when null).
  void Recluster(const std::vector<uint32_t>* seeds);

  absl::optional<uint32_t> FindRecord(absl::string_view dataset, absl::string_view agency,
                                      absl::string_view record_id) const;
  const RecordEntry& record(uint32_t slot) const { return records_[slot]; }
  IndexStats Stats() const;

 private:
  struct RecordProbe {
    uint32_t dataset;
    uint32_t agency;
    absl::string_view record_id;
  };
  struct TokenProbe {
    uint16_t key;
    uint32_t version;
    absl::string_view bytes;
  };
  struct RecordHash {
    using is_transparent = void;
    const IndexState* state;
    size_t operator()(uint32_t slot) const;
    size_t operator()(const RecordProbe& probe) const;
  };
  struct RecordEq {
    using is_transparent = void;
    const IndexState* state;
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t slot, const RecordProbe& probe) const;
    bool operator()(const RecordProbe& probe, uint32_t slot) const { return (*this)(slot, probe); }
  };
  struct TokenHash {
    using is_transparent = void;
    const IndexState* state;
    size_t operator()(uint32_t slot) const;
    size_t operator()(const TokenProbe& probe) const;
  };
  struct TokenEq {
    using is_transparent = void;
    const IndexState* state;
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t slot, const TokenProbe& probe) const;
    bool operator()(const TokenProbe& probe, uint32_t slot) const { return (*this)(slot, probe); }
  };

  bool Ambiguous(uint32_t token) const { return tokens_[token].members.size() > max_per_token_; }
  TokenList TokenSlots(const v1::StoredRecord& record);
  void FreeRecord(uint32_t slot);
  void FreeTokenIfEmpty(uint32_t slot);

  // clustering.cc
  uint32_t NextEpoch();
  void CollectComponents(const std::vector<uint32_t>* seeds, std::vector<uint32_t>& records,
                         std::vector<std::vector<uint32_t>>& groups_by_key);
  void SortCanonically(std::vector<uint32_t>& records) const;
  bool SharesOtherToken(uint32_t a, uint32_t b, uint16_t key) const;

  std::vector<KeyRule> keys_;
  absl::flat_hash_map<std::string, uint16_t> key_ids_;
  size_t max_per_token_ = kDefaultMaxRecordsPerToken;

  // Interned names; never removed (there are few).
  std::vector<std::string> dataset_names_, agency_names_, version_names_;
  absl::flat_hash_map<std::string, uint32_t> dataset_ids_, agency_ids_, version_ids_;

  std::vector<RecordEntry> records_;
  std::vector<uint32_t> free_records_;
  absl::flat_hash_set<uint32_t, RecordHash, RecordEq> record_slots_{0, RecordHash{this},
                                                                    RecordEq{this}};
  std::vector<TokenEntry> tokens_;
  std::vector<uint32_t> free_tokens_;
  std::vector<uint32_t> new_tokens_;  // interned since the last Apply, maybe still unused
  absl::flat_hash_set<uint32_t, TokenHash, TokenEq> token_slots_{0, TokenHash{this}, TokenEq{this}};
  uint32_t epoch_ = 0;
  int64_t live_records_ = 0;
};

}  // namespace confide::hub::linkage::internal
