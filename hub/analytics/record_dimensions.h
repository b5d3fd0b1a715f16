#pragma once

// The dimensions an analyst may name for a stored record: its sent values plus those the hub
// derives from the event time (year, month, hour_of_week, ...) and location (ward, borough).

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "confide/v1/storage.pb.h"
#include "hub/query/evaluator.h"
#include "policy/policy.h"

namespace confide::hub {

class LinkedCohorts;

// Age band of a whole-years age: 0-9, 10-17, 18-24, 25-34, 35-44, 45-54, 55-64, 65+.
std::string AgeBandOf(int age);

// Value of a derived time dimension for an event time (civil seconds since 1970-01-01T00:00),
// or nullopt if `dimension` is not a time dimension. Formats sort in time order:
// year "2025", financial_year "2025/26", quarter "2025-Q1", month "2025-03", week "2025-W09"
// (ISO), day "2025-03-14", weekday "1 Mon".."7 Sun", hour "00".."23",
// hour_of_week "1 Mon 00".."7 Sun 23".
absl::optional<std::string> TimeDimension(absl::string_view dimension, int64_t event_time);

// A RowView over one stored record. Not thread-safe; reuse across records with Reset().
class RecordRowView final : public query::RowView {
 public:
  RecordRowView(const policy::Policy& policy, const v1::Dataset& dataset);
  void Reset(const v1::StoredRecord& record);
  absl::optional<absl::string_view> Get(absl::string_view column) const override;

  // Linked measures: the cohorts person IN conditions are tested against (not owned; null when
  // the query has none) and the current record's person (set after each Reset()).
  void SetCohorts(const LinkedCohorts* cohorts) { cohorts_ = cohorts; }
  void SetPerson(uint64_t person) { person_ = person; }
  query::TruthValue PersonIn(const query::Expr& person_in) const override;

 private:
  const policy::Policy& policy_;
  const LinkedCohorts* cohorts_ = nullptr;
  uint64_t person_ = 0;
  std::string location_output_;  // name of the generalised location value, e.g. "district"
  std::string age_output_;       // name of the age-at-event value, e.g. "age"
  const v1::StoredRecord* record_ = nullptr;
  mutable std::string scratch_;
};

}  // namespace confide::hub
