#pragma once

// The analytics benchmark's data: a deterministic (seeded) stream of police_crime and
// ed_attendance records, random-access by index, so each system under test can regenerate the
// same rows on its own (the engine as StoredRecords, SQLite through its C API, DuckDB from the
// CSV files written here) without any of them holding the whole set twice.
//
// Records [0, police()) are police_crime, the rest ed_attendance. Each has a person (persons
// are shared between the datasets, with repeats, and knife-involved persons are more likely to
// appear in the knife records of both), an event time truncated to the hour in 2020-2025, a
// postcode district of the policy's reference areas (so every record has a borough), an age and
// a sex. About 1% of records have no knife / admitted value, to exercise missing-value logic.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "confide/v1/storage.pb.h"
#include "policy/policy.h"

namespace confide::bench {

// One generated record, as plain values (string values point at static or policy storage).
// Boolean values are "true", "false" or null (missing).
struct SyntheticRow {
  bool police = false;
  int64_t index = 0;
  uint64_t person = 0;
  int64_t event_time = 0;          // civil seconds since 1970, a whole hour
  const char* category = nullptr;  // offence_group (police) or means_of_assault (ED)
  const char* flag = nullptr;      // knife (police) or admitted (ED); null when missing
  const char* firearm = nullptr;   // police only
  const char* domestic = nullptr;  // police only
  const std::string* district = nullptr;
  int age = 0;
  const char* sex = nullptr;
};

class SyntheticRecords {
 public:
  // `records` in all, `police_share` of them police_crime. The districts are the policy's
  // reference area codes, which must not be empty.
  SyntheticRecords(const policy::Policy& policy, int64_t records, double police_share,
                   uint64_t seed);

  int64_t size() const { return records_; }
  int64_t police() const { return police_; }
  uint64_t persons() const { return persons_; }

  SyntheticRow Row(int64_t index) const;
  // Record `index` as the hub stores it: dataset, agency, record id, event time and values
  // keyed by the policy's sent value names (no match tokens: the bench gives persons directly).
  void Fill(int64_t index, v1::StoredRecord& record) const;
  uint64_t PersonOf(int64_t index) const;
  // Record ids are 32 bytes, like the agents' keyed hashes (HMAC-SHA256) of source references:
  // the index, little-endian, then 24 bytes that look random. RecordId(i) is record i's.
  static constexpr size_t kRecordIdBytes = 32;
  static std::string RecordId(int64_t index);
  // The index of a record id made by RecordId(), or -1 when it is not one.
  static int64_t IndexOfRecordId(absl::string_view record_id);

  // Writes police_crime.csv, ed_attendance.csv, areas.csv (district,ward,borough) and
  // populations.csv (area,population) into `dir`, with a header line each. Missing values are
  // empty fields; no value needs quoting.
  absl::Status WriteCsv(const std::string& dir) const;

  const policy::Policy& policy() const { return policy_; }

 private:
  const policy::Policy& policy_;
  int64_t records_;
  int64_t police_;
  uint64_t persons_;
  uint64_t knife_pool_;  // persons [0, knife_pool_) are the knife-involved ones
  uint64_t seed_;
  std::vector<std::string> districts_;
  std::vector<double> district_cdf_;
};

}  // namespace confide::bench
