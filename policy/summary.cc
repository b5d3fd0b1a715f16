#include "policy/summary.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/retention.h"

namespace confide::policy {
namespace {

std::string List(const google::protobuf::RepeatedPtrField<std::string>& items) {
  return items.empty() ? "(none)" : absl::StrJoin(items, ", ");
}

std::string AgencyName(const Policy& policy, const std::string& id) {
  for (const v1::Agency& agency : policy.proto().agencies()) {
    if (agency.id() == id) {
      return agency.name().empty() ? id : absl::StrCat(agency.name(), " (", id, ")");
    }
  }
  return id;
}

void SummariseAgreement(const Policy& policy, const v1::Agreement& agreement, std::string& out) {
  absl::StrAppend(&out, "\nAgreement ", agreement.id(), ": ", agreement.title(), "\n");
  absl::StrAppend(&out, "  Lawful basis: ", agreement.lawful_basis(), "\n");
  absl::StrAppend(&out, "  Purposes: ", absl::StrJoin(agreement.purposes(), "; "), "\n");
  absl::StrAppend(&out, "  Who may send what:\n");
  for (const v1::Contribution& contribution : agreement.contributions()) {
    absl::StrAppend(&out, "    ", AgencyName(policy, contribution.agency()), " sends ",
                    List(contribution.datasets()), "\n");
  }
  absl::StrAppend(&out, "  Who may see what: ");
  if (agreement.query_roles().empty()) {
    absl::StrAppend(&out, "nobody may query under this agreement\n");
  } else if (agreement.query_users().empty()) {
    absl::StrAppend(&out, "every user with role ", List(agreement.query_roles()), "\n");
  } else {
    absl::StrAppend(&out, "only ", List(agreement.query_users()), "\n");
  }
  absl::StrAppend(&out, "    aggregate counts only, grouped or filtered by: ",
                  List(agreement.dimensions()), "\n");
  absl::StrAppend(
      &out, "    finest geography: ",
      agreement.finest_geography().empty() ? "any permitted dimension"
                                           : agreement.finest_geography(),
      "; finest time: ",
      agreement.finest_time().empty() ? "any permitted dimension" : agreement.finest_time(), "\n");
  int64_t threshold = agreement.has_disclosure() ? agreement.disclosure().threshold() : 8;
  int64_t rounding = agreement.has_disclosure() ? agreement.disclosure().rounding_base() : 5;
  absl::StrAppend(&out, "    disclosure control: counts of 1 to ", threshold - 1,
                  " are suppressed (shown as *), with secondary suppression so they cannot be "
                  "worked out from totals; other counts are rounded to the nearest ",
                  rounding, "\n");
  if (threshold <= 1) {
    absl::StrAppend(&out, "    WARNING: threshold 1 suppresses nothing\n");
  }
  absl::StrAppend(&out, "  Kept how long (older records are not used under this agreement):\n");
  for (const v1::Retention& retention : agreement.retention()) {
    absl::StrAppend(&out, "    ", retention.dataset(), ": ", retention.days(), " days\n");
  }
  absl::StrAppend(&out, "  Reviewed by: ", agreement.review_date(), "\n");
}

}  // namespace

std::string SummarisePolicy(const Policy& policy) {
  const v1::Policy& proto = policy.proto();
  std::string out = absl::StrCat(
      "Policy for ", proto.partnership().empty() ? "(unnamed partnership)" : proto.partnership(),
      " (version ", policy.version(), ")\n");
  absl::StrAppend(&out, "\nAgencies and the certificates that act for them:\n");
  for (const v1::Agency& agency : proto.agencies()) {
    absl::StrAppend(&out, "  ", AgencyName(policy, agency.id()), ": ", List(agency.identities()),
                    "\n");
  }
  absl::StrAppend(&out, "\nPeople:\n");
  for (const v1::User& user : proto.users()) {
    absl::StrAppend(&out, "  ", user.display_name().empty() ? user.identity() : user.display_name(),
                    " (", user.identity(), ") role ", user.role(),
                    user.role() == "ig" ? ": reads the audit log, never data" : "", "\n");
  }
  absl::StrAppend(&out, "\nDatasets (identifiers never leave the agency):\n");
  for (const v1::Dataset& dataset : proto.datasets()) {
    std::vector<std::string> identifiers, generalised, attributes;
    for (const v1::Field& field : dataset.fields()) {
      if (field.class_() == v1::Field::DIRECT_IDENTIFIER) {
        identifiers.push_back(field.name());
      } else if (field.class_() == v1::Field::QUASI_IDENTIFIER) {
        generalised.push_back(absl::StrCat(field.name(), " -> ", field.output_name()));
      } else if (field.name() == dataset.event_time_field()) {
        attributes.push_back(absl::StrCat(field.name(), " (to the hour)"));
      } else {
        attributes.push_back(field.name());
      }
    }
    absl::StrAppend(&out, "  ", dataset.id(), ": ", dataset.description(), "\n");
    absl::StrAppend(&out, "    used only for keyed match tokens, never sent: ",
                    identifiers.empty() ? "(none)" : absl::StrJoin(identifiers, ", "), "\n");
    absl::StrAppend(&out, "    sent only generalised: ",
                    generalised.empty() ? "(none)" : absl::StrJoin(generalised, ", "), "\n");
    absl::StrAppend(&out, "    sent as recorded: ",
                    attributes.empty() ? "(none)" : absl::StrJoin(attributes, ", "), "\n");
  }
  absl::StrAppend(&out, "\nLinkage match keys (HMAC-SHA256 under the partnership key):\n");
  for (const v1::MatchKey& key : proto.linkage().match_keys()) {
    std::vector<std::string> elements;
    for (int element : key.elements()) {
      elements.push_back(v1::PersonElement_Name(element));
    }
    absl::StrAppend(&out, "  ", key.id(), ": ", absl::StrJoin(elements, " + "),
                    key.weak() ? " (weak: needs a second agreeing key)" : "", "\n");
  }
  for (const v1::Agreement& agreement : proto.agreements()) {
    SummariseAgreement(policy, agreement, out);
  }
  absl::StrAppend(&out,
                  "\nRetention at the hub (records are purged once no agreement may use them):\n");
  for (const v1::Dataset& dataset : proto.datasets()) {
    absl::optional<int> days = DatasetRetentionDays(policy, dataset.id());
    absl::StrAppend(&out, "  ", dataset.id(), ": ",
                    days.has_value() ? absl::StrCat("purged ", *days, " days after the event")
                                     : "not covered by any agreement: nobody may send it",
                    "\n");
  }
  for (const std::string& warning : policy.warnings()) {
    absl::StrAppend(&out, "\n", warning, "\n");
  }
  return out;
}

}  // namespace confide::policy
