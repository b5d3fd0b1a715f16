#include "policy/policy.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/crypto/hash.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "policy/internal/validate.h"

namespace confide::policy {
namespace {

class LineErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  explicit LineErrorCollector(absl::string_view source) : source_(source) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    errors_.push_back(absl::StrCat(source_, ":", line + 1, ":", column + 1, ": ", message));
  }
  std::vector<std::string> errors_;

 private:
  std::string source_;
};

}  // namespace

TimeGrain GrainOfTimeDimension(absl::string_view dimension) {
  if (dimension == "year" || dimension == "financial_year") {
    return TimeGrain::kYear;
  }
  if (dimension == "quarter") {
    return TimeGrain::kQuarter;
  }
  if (dimension == "month") {
    return TimeGrain::kMonth;
  }
  if (dimension == "week") {
    return TimeGrain::kWeek;
  }
  if (dimension == "day") {
    return TimeGrain::kDay;
  }
  return TimeGrain::kNone;  // includes the cyclic hour, weekday and hour_of_week
}

absl::StatusOr<TimeGrain> ParseTimeGrain(absl::string_view text) {
  static const std::pair<const char*, TimeGrain> kGrains[] = {
      {"hour", TimeGrain::kHour},   {"day", TimeGrain::kDay},         {"week", TimeGrain::kWeek},
      {"month", TimeGrain::kMonth}, {"quarter", TimeGrain::kQuarter}, {"year", TimeGrain::kYear}};
  for (const auto& [name, grain] : kGrains) {
    if (text == name) {
      return grain;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown time grain '", text, "'"));
}

absl::StatusOr<GeoLevel> ParseGeoLevel(absl::string_view text) {
  if (text == "district") {
    return GeoLevel::kDistrict;
  }
  if (text == "ward") {
    return GeoLevel::kWard;
  }
  if (text == "borough") {
    return GeoLevel::kBorough;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown geography level '", text, "'"));
}

absl::StatusOr<std::shared_ptr<const Policy>> Policy::FromText(absl::string_view text,
                                                               absl::string_view source_name,
                                                               absl::CivilDay today) {
  std::shared_ptr<Policy> policy(new Policy);
  google::protobuf::TextFormat::Parser parser;
  LineErrorCollector collector(source_name);
  google::protobuf::TextFormat::ParseInfoTree locations;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(&locations);
  if (!parser.ParseFromString(std::string(text), &policy->proto_) || !collector.errors_.empty()) {
    if (collector.errors_.empty()) {
      collector.errors_.push_back(absl::StrCat(source_name, ": not valid protobuf text format"));
    }
    return absl::InvalidArgumentError(absl::StrJoin(collector.errors_, "\n"));
  }
  internal::ValidationFindings findings =
      internal::ValidatePolicy(policy->proto_, locations, std::string(source_name), today);
  if (!findings.errors.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(findings.errors, "\n"));
  }
  policy->warnings_ = std::move(findings.warnings);
  policy->version_ = absl::BytesToHexString(crypto::Sha256(text)).substr(0, 16);
  for (const v1::Agency& agency : policy->proto_.agencies()) {
    for (const std::string& identity : agency.identities()) {
      policy->agency_by_identity_[identity] = &agency;
    }
  }
  for (const v1::User& user : policy->proto_.users()) {
    policy->user_by_identity_[user.identity()] = &user;
  }
  for (const v1::Dataset& dataset : policy->proto_.datasets()) {
    policy->dataset_by_id_[dataset.id()] = &dataset;
  }
  for (const v1::Agreement& agreement : policy->proto_.agreements()) {
    policy->agreement_by_id_[agreement.id()] = &agreement;
  }
  for (const v1::Area& area : policy->proto_.reference().areas()) {
    policy->area_by_code_[area.code()] = &area;
  }
  return std::shared_ptr<const Policy>(std::move(policy));
}

absl::StatusOr<std::shared_ptr<const Policy>> Policy::FromFile(const std::string& path,
                                                               absl::CivilDay today) {
  CONFIDE_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return FromText(text, path, today);
}

namespace {
template <typename Map>
auto FindIn(const Map& map, absl::string_view key) -> typename Map::mapped_type {
  auto it = map.find(key);
  return it == map.end() ? nullptr : it->second;
}
}  // namespace

const v1::Agency* Policy::FindAgencyByIdentity(absl::string_view identity) const {
  return FindIn(agency_by_identity_, identity);
}
const v1::User* Policy::FindUser(absl::string_view identity) const {
  return FindIn(user_by_identity_, identity);
}
const v1::Dataset* Policy::FindDataset(absl::string_view id) const {
  return FindIn(dataset_by_id_, id);
}
const v1::Agreement* Policy::FindAgreement(absl::string_view id) const {
  return FindIn(agreement_by_id_, id);
}
const v1::Area* Policy::FindArea(absl::string_view district) const {
  return FindIn(area_by_code_, district);
}

const v1::Field* Policy::FindField(const v1::Dataset& dataset, absl::string_view name) const {
  for (const v1::Field& field : dataset.fields()) {
    if (field.name() == name) {
      return &field;
    }
  }
  return nullptr;
}

std::vector<std::string> Policy::SendableValues(const v1::Dataset& dataset) const {
  std::vector<std::string> names;
  for (const v1::Field& field : dataset.fields()) {
    if (field.class_() == v1::Field::ATTRIBUTE && field.name() != dataset.event_time_field()) {
      names.push_back(field.name());
    } else if (field.class_() == v1::Field::QUASI_IDENTIFIER) {
      names.push_back(field.output_name());
    }
  }
  return names;
}

std::vector<std::string> Policy::QueryableDimensions(const v1::Dataset& dataset) const {
  std::vector<std::string> names = SendableValues(dataset);
  for (const char* dimension : kTimeDimensions) {
    names.push_back(dimension);
  }
  if (!dataset.location_field().empty()) {
    names.push_back("ward");
    names.push_back("borough");
  }
  if (!AgeOutput(dataset).empty()) {
    names.push_back("age_band");
  }
  return names;
}

std::string Policy::AgeOutput(const v1::Dataset& dataset) const {
  for (const v1::Field& field : dataset.fields()) {
    if (field.class_() == v1::Field::QUASI_IDENTIFIER &&
        field.generalisation() == v1::Field::AGE_AT_EVENT) {
      return field.output_name();
    }
  }
  return "";
}

GeoLevel Policy::GeoLevelOfDimension(const v1::Dataset& dataset,
                                     absl::string_view dimension) const {
  if (dimension == "borough") {
    return GeoLevel::kBorough;
  }
  if (dimension == "ward") {
    return GeoLevel::kWard;
  }
  const v1::Field* location = FindField(dataset, dataset.location_field());
  if (location != nullptr && location->output_name() == dimension) {
    return GeoLevel::kDistrict;
  }
  return GeoLevel::kNone;
}

}  // namespace confide::policy
