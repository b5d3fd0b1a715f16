#pragma once

// One dataset's rows in columns (see hub/analytics/column_store.h). Stored values are
// dictionary-encoded (code 0 is "no value"); the event time is kept in seconds and as an hour
// number, from which every time dimension is a lookup table. Removed rows are tombstoned and
// compacted away once they are a quarter of the table.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "confide/v1/storage.pb.h"
#include "policy/policy.h"

namespace confide::hub::analytics {

inline constexpr uint32_t kNoValue = 0;

// Dictionary-encoded column: codes[row] indexes values; values[0] is the missing value.
struct DictColumn {
  std::vector<uint32_t> codes;
  std::vector<std::string> values{std::string()};
  absl::flat_hash_map<std::string, uint32_t> index;

  uint32_t Intern(absl::string_view value);
};

// A dimension as seen by a query: per row, output code = map[source[row] - offset] (or
// source[row] itself when map is empty); names[code] is the value, names[0] meaning missing.
struct ResolvedDimension {
  const uint32_t* codes = nullptr;  // a DictColumn's codes, or null for time dimensions
  const int32_t* hours = nullptr;   // hour numbers, for time dimensions
  int64_t offset = 0;               // subtracted from an hour number before the map
  std::vector<uint32_t> map;        // source code (or hour - offset) -> output code
  std::vector<std::string> names;   // output code -> value; names[0] = missing
};

class DatasetTable {
 public:
  DatasetTable(const policy::Policy& policy, const v1::Dataset& dataset);

  void Upsert(const v1::StoredRecord& record);
  void Remove(absl::string_view agency, absl::string_view record_id);

  // Rows are 0..size()-1; live(row) tells whether the row is held.
  size_t size() const { return event_time_.size(); }
  int64_t live_count() const { return live_count_; }
  bool live(size_t row) const { return live_[row] != 0; }
  const std::vector<uint8_t>& live_flags() const { return live_; }
  const std::vector<int64_t>& event_times() const { return event_time_; }
  const std::vector<uint32_t>& persons() const { return person_; }
  const std::vector<uint64_t>& row_hashes() const { return row_hash_; }
  const std::string& id() const { return dataset_.id(); }
  absl::string_view agency_of(size_t row) const { return agencies_.values[agencies_.codes[row]]; }
  const std::string& record_id_of(size_t row) const { return record_ids_[row]; }
  uint64_t fingerprint() const { return fingerprint_; }

  // Sets the person ordinal of every row (the vector is resized to size()).
  std::vector<uint32_t>& mutable_persons() { return person_; }

  // Resolves a queryable dimension; nullopt when the dataset does not have it. Thread-safe
  // (derived lookup tables are cached under a mutex and rebuilt when their source grows).
  absl::optional<std::shared_ptr<const ResolvedDimension>> Resolve(absl::string_view name) const;

  // Harm weight per code of the harm field, with the column's codes; nullopt when the dataset
  // has no harm field.
  struct Harm {
    const uint32_t* codes = nullptr;
    std::vector<double> weight_by_code;
  };
  absl::optional<Harm> HarmWeights() const;

 private:
  void Compact();
  uint64_t HashOf(size_t row) const;

  const policy::Policy& policy_;
  const v1::Dataset& dataset_;
  std::vector<std::string> value_names_;  // the sent values, in policy order
  std::vector<DictColumn> columns_;       // one per value_names_
  std::string location_output_;           // e.g. "district"
  std::string age_output_;                // e.g. "age"
  DictColumn agencies_;
  std::vector<std::string> record_ids_;
  std::vector<int64_t> event_time_;
  std::vector<int32_t> hour_;
  std::vector<uint8_t> live_;
  std::vector<uint32_t> person_;
  std::vector<uint64_t> row_hash_;  // content hash, for the fingerprint and the keyed order
  absl::flat_hash_map<std::string, uint32_t> row_of_key_;  // agency '\0' record id -> row
  int64_t live_count_ = 0;
  uint64_t fingerprint_ = 0;  // XOR of live rows' hashes
  int32_t min_hour_ = 0;
  int32_t max_hour_ = -1;

  mutable std::mutex cache_mu_;
  struct CacheEntry {
    std::shared_ptr<const ResolvedDimension> dimension;  // its column pointers are not used
    size_t source_size = 0;  // dictionary size or hour span it was built for
    int64_t source_offset = 0;
  };
  mutable absl::flat_hash_map<std::string, CacheEntry> cache_;
};

// A fixed 64-bit hash (FNV-1a, then a finaliser), stable across runs and builds.
uint64_t StableHash(absl::string_view bytes, uint64_t seed = 0);

}  // namespace confide::hub::analytics
