#pragma once

// A loaded, validated partnership policy with the indexes the hub needs. Immutable after
// construction and safe to share between threads (the hub swaps whole policies on reload).

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "confide/v1/policy.pb.h"

namespace confide::policy {

// Calendar grains, finest first. Cyclic dimensions (hour, weekday, hour_of_week) do not locate an
// event in time and have no calendar grain.
enum class TimeGrain { kNone = 0, kHour, kDay, kWeek, kMonth, kQuarter, kYear };
// Geographic levels, finest first.
enum class GeoLevel { kNone = 0, kDistrict, kWard, kBorough };

// Dimensions derived by the hub from the event time and location of every record.
inline constexpr const char* kTimeDimensions[] = {
    "year", "financial_year", "quarter", "month", "week", "day", "weekday", "hour", "hour_of_week"};
TimeGrain GrainOfTimeDimension(absl::string_view dimension);
absl::StatusOr<TimeGrain> ParseTimeGrain(absl::string_view text);
absl::StatusOr<GeoLevel> ParseGeoLevel(absl::string_view text);

class Policy {
 public:
  // Parses protobuf text, validates it and builds indexes. `source_name` labels errors
  // ("policy.textpb:12:3: ..."). Errors are InvalidArgument with one line per problem.
  // `today` decides review-date warnings.
  static absl::StatusOr<std::shared_ptr<const Policy>> FromText(absl::string_view text,
                                                                absl::string_view source_name,
                                                                absl::CivilDay today);
  static absl::StatusOr<std::shared_ptr<const Policy>> FromFile(const std::string& path,
                                                                absl::CivilDay today);

  const v1::Policy& proto() const { return proto_; }
  // First 16 hex digits of SHA-256 over the policy text; recorded with every audited decision.
  const std::string& version() const { return version_; }
  // Non-fatal findings at load (e.g. an agreement past its review date), with file:line.
  const std::vector<std::string>& warnings() const { return warnings_; }

  const v1::Agency* FindAgencyByIdentity(absl::string_view identity) const;
  const v1::User* FindUser(absl::string_view identity) const;
  const v1::Dataset* FindDataset(absl::string_view id) const;
  const v1::Agreement* FindAgreement(absl::string_view id) const;
  const v1::Field* FindField(const v1::Dataset& dataset, absl::string_view name) const;

  // Names of the values an agent sends for `dataset`: attributes and generalised quasi-identifiers.
  std::vector<std::string> SendableValues(const v1::Dataset& dataset) const;
  // Every dimension a query on `dataset` may name: sent values plus derived time and area ones.
  std::vector<std::string> QueryableDimensions(const v1::Dataset& dataset) const;
  // Name of the age-at-event value ("age"), from which the hub derives "age_band"; "" if none.
  std::string AgeOutput(const v1::Dataset& dataset) const;
  // Geographic level of a dimension ("district", "ward", "borough"), kNone if not geographic.
  GeoLevel GeoLevelOfDimension(const v1::Dataset& dataset, absl::string_view dimension) const;
  // Borough and ward of a postcode district; empty when unknown.
  const v1::Area* FindArea(absl::string_view district) const;

 private:
  Policy() = default;
  v1::Policy proto_;
  std::string version_;
  std::vector<std::string> warnings_;
  absl::flat_hash_map<std::string, const v1::Agency*> agency_by_identity_;
  absl::flat_hash_map<std::string, const v1::User*> user_by_identity_;
  absl::flat_hash_map<std::string, const v1::Dataset*> dataset_by_id_;
  absl::flat_hash_map<std::string, const v1::Agreement*> agreement_by_id_;
  absl::flat_hash_map<std::string, const v1::Area*> area_by_code_;
};

}  // namespace confide::policy
