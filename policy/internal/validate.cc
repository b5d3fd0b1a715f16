#include "policy/internal/validate.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/identity.h"
#include "policy/internal/validate_linkage.h"
#include "policy/policy.h"

namespace confide::policy::internal {
namespace {

using google::protobuf::Message;
using google::protobuf::TextFormat;

class Checker final : public FindingSink {
 public:
  Checker(const v1::Policy& policy, const TextFormat::ParseInfoTree& locations,
          std::string source_name, absl::CivilDay today)
      : policy_(policy), locations_(locations), source_(std::move(source_name)), today_(today) {}

  ValidationFindings Run();

  void Error(const FieldPath& path, absl::string_view message) override {
    findings_.errors.push_back(absl::StrCat(Where(path), ": ", message));
  }
  void Warning(const FieldPath& path, absl::string_view message) override {
    findings_.warnings.push_back(absl::StrCat(Where(path), ": warning: ", message));
  }

 private:
  std::string Where(const FieldPath& path) const;

  void CheckAgencies();
  void CheckUsers();
  void CheckDatasets();
  void CheckDataset(const v1::Dataset& dataset, int index);
  void CheckAgreements();
  void CheckAgreement(const v1::Agreement& agreement, int index);
  void CheckReference();

  const v1::Policy& policy_;
  const TextFormat::ParseInfoTree& locations_;
  std::string source_;
  absl::CivilDay today_;
  ValidationFindings findings_;
  absl::flat_hash_set<std::string> agency_ids_, user_ids_, dataset_ids_;
};

std::string Checker::Where(const FieldPath& path) const {
  // Walk the location tree as deep as the path allows; report the deepest known position.
  const Message* message = &policy_;
  const TextFormat::ParseInfoTree* tree = &locations_;
  int line = -1, column = -1;
  for (const auto& [name, index] : path) {
    const google::protobuf::FieldDescriptor* field =
        message->GetDescriptor()->FindFieldByName(name);
    if (field == nullptr || tree == nullptr) {
      break;
    }
    TextFormat::ParseLocation location = tree->GetLocation(field, index);
    // A short-form list ("dimensions: [a, b, c]") records one location for all its elements;
    // point at the list rather than at the enclosing message.
    for (int earlier = index - 1; location.line < 0 && earlier >= 0; --earlier) {
      location = tree->GetLocation(field, earlier);
    }
    if (location.line < 0) {
      break;
    }
    line = location.line;
    column = location.column;
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      break;
    }
    const google::protobuf::Reflection* reflection = message->GetReflection();
    if (field->is_repeated()) {
      if (index < 0 || index >= reflection->FieldSize(*message, field)) {
        break;
      }
      message = &reflection->GetRepeatedMessage(*message, field, index);
    } else {
      message = &reflection->GetMessage(*message, field);
    }
    tree = tree->GetTreeForNested(field, index);
  }
  if (line < 0) {
    return source_;
  }
  return absl::StrFormat("%s:%d:%d", source_, line + 1, column + 1);
}

ValidationFindings Checker::Run() {
  CheckAgencies();
  CheckUsers();
  CheckDatasets();
  CheckLinkageRecipe(policy_, *this);
  CheckAgreements();
  CheckReference();
  return std::move(findings_);
}

void Checker::CheckAgencies() {
  if (policy_.agencies().empty()) {
    Error({}, "the policy declares no agencies");
  }
  for (int i = 0; i < policy_.agencies_size(); ++i) {
    const v1::Agency& agency = policy_.agencies(i);
    if (agency.id().empty()) {
      Error({{"agencies", i}}, "agency has no id");
      continue;
    }
    if (!agency_ids_.insert(agency.id()).second) {
      Error({{"agencies", i}, {"id", -1}}, absl::StrCat("duplicate agency id '", agency.id(), "'"));
    }
    for (int j = 0; j < agency.identities_size(); ++j) {
      absl::StatusOr<Identity> identity = ParseIdentity(agency.identities(j));
      if (!identity.ok()) {
        Error({{"agencies", i}, {"identities", j}}, identity.status().message());
      } else if (identity->kind != Identity::Kind::kAgent || identity->agency != agency.id()) {
        Error({{"agencies", i}, {"identities", j}},
              absl::StrCat("expected confide://agency/", agency.id(), "/agent, got '",
                           agency.identities(j), "'"));
      }
    }
  }
}

void Checker::CheckUsers() {
  for (int i = 0; i < policy_.users_size(); ++i) {
    const v1::User& user = policy_.users(i);
    absl::StatusOr<Identity> identity = ParseIdentity(user.identity());
    if (!identity.ok() || identity->kind != Identity::Kind::kUser) {
      Error({{"users", i}, {"identity", -1}},
            absl::StrCat("expected confide://user/<role>/<name>, got '", user.identity(), "'"));
      continue;
    }
    if (user.role() != "analyst" && user.role() != "ig") {
      Error({{"users", i}, {"role", -1}},
            absl::StrCat("expected role analyst or ig, got '", user.role(), "'"));
    } else if (identity->role != user.role()) {
      Error({{"users", i}, {"role", -1}},
            absl::StrCat("role '", user.role(), "' does not match the identity's role '",
                         identity->role, "'"));
    }
    if (!user_ids_.insert(user.identity()).second) {
      Error({{"users", i}}, absl::StrCat("duplicate user '", user.identity(), "'"));
    }
  }
}

void Checker::CheckDatasets() {
  for (int i = 0; i < policy_.datasets_size(); ++i) {
    CheckDataset(policy_.datasets(i), i);
  }
}

void Checker::CheckDataset(const v1::Dataset& dataset, int i) {
  if (dataset.id().empty()) {
    Error({{"datasets", i}}, "dataset has no id");
    return;
  }
  if (!dataset_ids_.insert(dataset.id()).second) {
    Error({{"datasets", i}, {"id", -1}}, absl::StrCat("duplicate dataset '", dataset.id(), "'"));
  }
  absl::flat_hash_map<std::string, const v1::Field*> fields;
  absl::flat_hash_set<std::string> outputs;
  for (int j = 0; j < dataset.fields_size(); ++j) {
    const v1::Field& field = dataset.fields(j);
    FieldPath at = {{"datasets", i}, {"fields", j}};
    if (field.name().empty()) {
      Error(at, "field has no name");
      continue;
    }
    if (!fields.emplace(field.name(), &field).second) {
      Error(at, absl::StrCat("duplicate field '", field.name(), "'"));
    }
    if (field.type() == v1::Field::TYPE_UNSPECIFIED) {
      Error(at, absl::StrCat("field '", field.name(), "' has no type"));
    }
    if (field.class_() == v1::Field::CLASS_UNSPECIFIED) {
      Error(at, absl::StrCat("field '", field.name(),
                             "' has no class (DIRECT_IDENTIFIER, QUASI_IDENTIFIER or ATTRIBUTE)"));
    }
    if (field.type() == v1::Field::ENUM && field.codes().empty()) {
      Error(at, absl::StrCat("ENUM field '", field.name(), "' lists no codes"));
    }
    if (field.class_() == v1::Field::QUASI_IDENTIFIER) {
      if (field.generalisation() == v1::Field::GENERALISATION_UNSPECIFIED ||
          field.output_name().empty()) {
        Error(at, absl::StrCat("quasi-identifier '", field.name(),
                               "' needs a generalisation and an output_name"));
      }
      if (!field.output_name().empty()) {
        outputs.insert(field.output_name());
      }
    } else if (field.generalisation() != v1::Field::GENERALISATION_UNSPECIFIED) {
      Error(at, absl::StrCat("field '", field.name(),
                             "' has a generalisation but is not a QUASI_IDENTIFIER"));
    }
    // Sex alone identifies nobody, so it may be both a linkage element and a sent attribute.
    if (field.person_element() != v1::PERSON_ELEMENT_UNSPECIFIED &&
        field.person_element() != v1::SEX && field.class_() == v1::Field::ATTRIBUTE) {
      Error(at, absl::StrCat("field '", field.name(),
                             "' feeds linkage so it must be a DIRECT_IDENTIFIER or "
                             "QUASI_IDENTIFIER, not an ATTRIBUTE"));
    }
  }
  auto field_of = [&](const std::string& name) -> const v1::Field* {
    auto it = fields.find(name);
    return it == fields.end() ? nullptr : it->second;
  };
  const v1::Field* event_time = field_of(dataset.event_time_field());
  if (event_time == nullptr ||
      (event_time->type() != v1::Field::DATE && event_time->type() != v1::Field::DATETIME)) {
    Error({{"datasets", i}, {"event_time_field", -1}},
          absl::StrCat("event_time_field must name a DATE or DATETIME field of '", dataset.id(),
                       "', got '", dataset.event_time_field(), "'"));
  }
  if (!dataset.record_reference_field().empty()) {
    const v1::Field* ref = field_of(dataset.record_reference_field());
    if (ref == nullptr || ref->class_() != v1::Field::DIRECT_IDENTIFIER) {
      Error({{"datasets", i}, {"record_reference_field", -1}},
            "record_reference_field must name a DIRECT_IDENTIFIER field");
    }
  } else {
    Error({{"datasets", i}}, absl::StrCat("dataset '", dataset.id(),
                                          "' has no record_reference_field: records could not "
                                          "be updated or withdrawn"));
  }
  if (!dataset.location_field().empty()) {
    const v1::Field* location = field_of(dataset.location_field());
    if (location == nullptr || location->class_() != v1::Field::QUASI_IDENTIFIER ||
        location->generalisation() != v1::Field::POSTCODE_DISTRICT) {
      Error({{"datasets", i}, {"location_field", -1}},
            "location_field must name a QUASI_IDENTIFIER generalised to POSTCODE_DISTRICT");
    }
  }
  if (!dataset.harm_field().empty()) {
    const v1::Field* harm = field_of(dataset.harm_field());
    if (harm == nullptr || harm->class_() != v1::Field::ATTRIBUTE) {
      Error({{"datasets", i}, {"harm_field", -1}},
            absl::StrCat("harm_field '", dataset.harm_field(),
                         "' must name an ATTRIBUTE of the dataset (its codes carry the weights)"));
    }
  }
  for (const char* derived : {"borough", "ward", "age_band"}) {
    if (fields.contains(derived) || outputs.contains(derived)) {
      Error({{"datasets", i}},
            absl::StrCat("'", derived, "' is derived by the hub and cannot be a field name"));
    }
  }
}

void Checker::CheckAgreements() {
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < policy_.agreements_size(); ++i) {
    if (!ids.insert(policy_.agreements(i).id()).second) {
      Error({{"agreements", i}, {"id", -1}},
            absl::StrCat("duplicate agreement '", policy_.agreements(i).id(), "'"));
    }
    CheckAgreement(policy_.agreements(i), i);
  }
}
void Checker::CheckAgreement(const v1::Agreement& agreement, int i) {
  FieldPath at = {{"agreements", i}};
  const std::string name = absl::StrCat("agreement '", agreement.id(), "'");
  if (agreement.id().empty()) {
    Error(at, "agreement has no id");
  }
  if (agreement.purposes().empty()) {
    Error(at, absl::StrCat(name, " lists no purposes"));
  }
  if (agreement.lawful_basis().empty()) {
    Error(at, absl::StrCat(name, " states no lawful_basis"));
  }
  absl::flat_hash_set<std::string> datasets;
  for (int j = 0; j < agreement.contributions_size(); ++j) {
    const v1::Contribution& contribution = agreement.contributions(j);
    FieldPath cat = {{"agreements", i}, {"contributions", j}};
    if (!agency_ids_.contains(contribution.agency())) {
      Error(cat, absl::StrCat(name, " names unknown agency '", contribution.agency(), "'"));
    }
    for (int k = 0; k < contribution.datasets_size(); ++k) {
      if (!dataset_ids_.contains(contribution.datasets(k))) {
        Error({{"agreements", i}, {"contributions", j}, {"datasets", k}},
              absl::StrCat(name, " names unknown dataset '", contribution.datasets(k), "'"));
      }
      datasets.insert(contribution.datasets(k));
    }
  }
  for (int j = 0; j < agreement.query_roles_size(); ++j) {
    if (agreement.query_roles(j) != "analyst") {
      Error({{"agreements", i}, {"query_roles", j}},
            absl::StrCat("expected query role 'analyst', got '", agreement.query_roles(j),
                         "' (IG officers read the audit log, never data)"));
    }
  }
  for (int j = 0; j < agreement.query_users_size(); ++j) {
    const v1::User* user = nullptr;
    for (const v1::User& candidate : policy_.users()) {
      if (candidate.identity() == agreement.query_users(j)) {
        user = &candidate;
      }
    }
    if (user == nullptr) {
      Error({{"agreements", i}, {"query_users", j}},
            absl::StrCat(name, " names unknown user '", agreement.query_users(j), "'"));
    } else if (user->role() != "analyst") {
      Error({{"agreements", i}, {"query_users", j}},
            absl::StrCat(name, " lets '", user->identity(), "' query but their role is '",
                         user->role(), "'"));
    }
  }
  // Dimensions must exist in at least one dataset of the agreement and never be identifiers.
  for (int j = 0; j < agreement.dimensions_size(); ++j) {
    const std::string& dimension = agreement.dimensions(j);
    bool known = false, identifier = false;
    for (const v1::Dataset& dataset : policy_.datasets()) {
      if (!datasets.contains(dataset.id())) {
        continue;
      }
      for (const v1::Field& field : dataset.fields()) {
        if (field.name() == dimension) {
          identifier = identifier || field.class_() != v1::Field::ATTRIBUTE;
          known = known || field.class_() == v1::Field::ATTRIBUTE;
        }
        known = known ||
                (field.class_() == v1::Field::QUASI_IDENTIFIER && field.output_name() == dimension);
      }
    }
    known = known || dimension == "borough" || dimension == "ward" || dimension == "age_band" ||
            GrainOfTimeDimension(dimension) != TimeGrain::kNone || dimension == "hour" ||
            dimension == "weekday" || dimension == "hour_of_week";
    if (identifier) {
      Error({{"agreements", i}, {"dimensions", j}},
            absl::StrCat(name, " lists '", dimension,
                         "' as a dimension but it is an identifier; only attributes and "
                         "generalised values may be dimensions"));
    } else if (!known) {
      Error({{"agreements", i}, {"dimensions", j}},
            absl::StrCat(name, " lists unknown dimension '", dimension, "'"));
    }
  }
  if (agreement.has_disclosure()) {
    if (agreement.disclosure().threshold() < 1) {
      Error({{"agreements", i}, {"disclosure", -1}},
            absl::StrCat("expected disclosure threshold >= 1, got ",
                         agreement.disclosure().threshold()));
    }
    if (agreement.disclosure().rounding_base() < 1) {
      Error({{"agreements", i}, {"disclosure", -1}},
            absl::StrCat("expected disclosure rounding_base >= 1, got ",
                         agreement.disclosure().rounding_base()));
    }
  }
  absl::flat_hash_set<std::string> retained;
  for (int j = 0; j < agreement.retention_size(); ++j) {
    const v1::Retention& retention = agreement.retention(j);
    if (retention.days() <= 0) {
      Error({{"agreements", i}, {"retention", j}},
            absl::StrCat("expected retention days > 0 for '", retention.dataset(), "', got ",
                         retention.days()));
    }
    retained.insert(retention.dataset());
  }
  for (const std::string& dataset : datasets) {
    if (!retained.contains(dataset)) {
      Error(at, absl::StrCat(name, " sets no retention for dataset '", dataset, "'"));
    }
  }
  absl::CivilDay review;
  if (!absl::ParseCivilTime(agreement.review_date(), &review)) {
    Error({{"agreements", i}, {"review_date", -1}},
          absl::StrCat(name, ": expected review_date as YYYY-MM-DD, got '", agreement.review_date(),
                       "'"));
  } else if (review < today_) {
    Warning({{"agreements", i}, {"review_date", -1}},
            absl::StrCat(name, " was due for review on ", agreement.review_date(),
                         "; the hub stops serving it ", kReviewGraceDays, " days after that date"));
  }
  if (!agreement.finest_geography().empty() && !ParseGeoLevel(agreement.finest_geography()).ok()) {
    Error({{"agreements", i}, {"finest_geography", -1}},
          absl::StrCat("expected finest_geography district, ward or borough, got '",
                       agreement.finest_geography(), "'"));
  }
  if (agreement.has_differential_privacy()) {
    const v1::DifferentialPrivacy& dp = agreement.differential_privacy();
    FieldPath dp_at = {{"agreements", i}, {"differential_privacy", -1}};
    if (!(dp.epsilon_per_query() >= 1e-3 && dp.epsilon_per_query() <= 100)) {
      Error(dp_at, absl::StrCat("epsilon_per_query must be between 0.001 and 100, got ",
                                dp.epsilon_per_query()));
    } else if (!(dp.budget() >= dp.epsilon_per_query() && dp.budget() <= 1e6)) {
      Error(dp_at,
            absl::StrCat("budget must be at least epsilon_per_query (", dp.epsilon_per_query(),
                         ") and at most 1000000, got ", dp.budget()));
    }
    if (dp.max_records_per_person() < 0 || dp.max_records_per_person() > 1000) {
      Error(dp_at,
            absl::StrCat("max_records_per_person must be between 0 (meaning 1) and 1000, got ",
                         dp.max_records_per_person()));
    }
  }
  if (!agreement.finest_time().empty() && !ParseTimeGrain(agreement.finest_time()).ok()) {
    Error({{"agreements", i}, {"finest_time", -1}},
          absl::StrCat("expected finest_time hour, day, week, month, quarter or year, got '",
                       agreement.finest_time(), "'"));
  }
}

void Checker::CheckReference() {
  absl::flat_hash_set<std::string> codes;
  for (int i = 0; i < policy_.reference().areas_size(); ++i) {
    const v1::Area& area = policy_.reference().areas(i);
    FieldPath at = {{"reference", -1}, {"areas", i}};
    if (area.code().empty() || area.borough().empty()) {
      Error(at, "area needs a code and a borough");
    } else if (!codes.insert(area.code()).second) {
      Error(at, absl::StrCat("duplicate area '", area.code(), "'"));
    }
  }
  for (int i = 0; i < policy_.reference().populations_size(); ++i) {
    if (policy_.reference().populations(i).population() <= 0) {
      Error({{"reference", -1}, {"populations", i}}, "population must be positive");
    }
  }
  absl::flat_hash_set<std::string> weighted;
  for (int i = 0; i < policy_.reference().harm_weights_size(); ++i) {
    const v1::HarmWeight& weight = policy_.reference().harm_weights(i);
    FieldPath at = {{"reference", -1}, {"harm_weights", i}};
    const v1::Dataset* dataset = nullptr;
    for (const v1::Dataset& candidate : policy_.datasets()) {
      if (candidate.id() == weight.dataset()) {
        dataset = &candidate;
      }
    }
    if (dataset == nullptr || dataset->harm_field().empty()) {
      Error(at, absl::StrCat("harm weight for dataset '", weight.dataset(),
                             "', which is unknown or has no harm_field"));
      continue;
    }
    if (!(weight.weight() >= 0 && weight.weight() <= 1e6)) {
      Error(at, absl::StrCat("harm weight must be between 0 and 1000000, got ", weight.weight()));
    }
    if (!weighted.insert(absl::StrCat(weight.dataset(), "/", weight.code())).second) {
      Error(at, absl::StrCat("duplicate harm weight for '", weight.code(), "'"));
    }
    for (const v1::Field& field : dataset->fields()) {
      if (field.name() == dataset->harm_field() && field.type() == v1::Field::ENUM &&
          std::find(field.codes().begin(), field.codes().end(), weight.code()) ==
              field.codes().end()) {
        Error(at, absl::StrCat("'", weight.code(), "' is not a code of ", weight.dataset(), ".",
                               field.name()));
      }
    }
  }
}

}  // namespace

ValidationFindings ValidatePolicy(const v1::Policy& policy,
                                  const TextFormat::ParseInfoTree& locations,
                                  const std::string& source_name, absl::CivilDay today) {
  return Checker(policy, locations, source_name, today).Run();
}

}  // namespace confide::policy::internal
