#include "policy/authorizer.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/internal/validate.h"

namespace confide::policy {
namespace {

Decision Deny(absl::string_view rule, std::string reason) {
  Decision decision;
  decision.rule = std::string(rule);
  decision.reason = std::move(reason);
  return decision;
}

Decision Allow(absl::string_view rule, std::string reason) {
  Decision decision = Deny(rule, std::move(reason));
  decision.allowed = true;
  return decision;
}

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& list, absl::string_view x) {
  return std::find(list.begin(), list.end(), x) != list.end();
}

// An agreement stops being served kReviewGraceDays after its review date.
bool Lapsed(const v1::Agreement& agreement, absl::CivilDay today) {
  absl::CivilDay review;
  if (!absl::ParseCivilTime(agreement.review_date(), &review)) {
    return true;
  }
  return today > review + internal::kReviewGraceDays;
}

bool ContributesTo(const v1::Agreement& agreement, absl::string_view agency,
                   absl::string_view dataset) {
  for (const v1::Contribution& contribution : agreement.contributions()) {
    if (contribution.agency() == agency && Contains(contribution.datasets(), dataset)) {
      return true;
    }
  }
  return false;
}

bool CoversDataset(const v1::Agreement& agreement, absl::string_view dataset) {
  for (const v1::Contribution& contribution : agreement.contributions()) {
    if (Contains(contribution.datasets(), dataset)) {
      return true;
    }
  }
  return false;
}

Decision AuthorizeAgent(const Policy& policy, const AccessRequest& request, absl::CivilDay today) {
  const v1::Agency* agency = policy.FindAgencyByIdentity(request.caller.uri);
  if (agency == nullptr) {
    return Deny("identity.unknown-agent",
                absl::StrCat("certificate identity ", request.caller.uri,
                             " is not listed for any agency in the policy"));
  }
  if (request.action == Action::kHealth) {
    Decision decision = Allow("health.known-identity", "any known identity may check health");
    decision.agency = agency->id();
    return decision;
  }
  if (request.action == Action::kAuditTreeHead || request.action == Action::kAuditConsistency) {
    Decision decision =
        Allow("audit.agent-witness", "agency agents may witness the audit log's signed tree heads");
    decision.agency = agency->id();
    return decision;
  }
  // Withdrawal follows the push rule: only a current contributor of the dataset may withdraw,
  // and the hub only ever removes the caller's own records.
  if (request.action != Action::kPush && request.action != Action::kGetDataset &&
      request.action != Action::kWithdraw) {
    Decision decision = Deny("agent.no-query-or-audit",
                             absl::StrCat("agents contribute data; they never query data or read "
                                          "the audit log (agency ",
                                          agency->id(), ")"));
    decision.agency = agency->id();
    return decision;
  }
  if (request.datasets.size() != 1) {
    return Deny("push.one-dataset", "a push names exactly one dataset");
  }
  const std::string& dataset = request.datasets[0];
  Decision decision;
  if (policy.FindDataset(dataset) == nullptr) {
    decision = Deny("push.unknown-dataset",
                    absl::StrCat("dataset '", dataset, "' is not defined in the policy"));
  } else {
    std::vector<std::string> lapsed;
    for (const v1::Agreement& agreement : policy.proto().agreements()) {
      if (!ContributesTo(agreement, agency->id(), dataset)) {
        continue;
      }
      if (Lapsed(agreement, today)) {
        lapsed.push_back(agreement.id());
        continue;
      }
      decision =
          Allow("push.party-contributes", absl::StrCat("agreement '", agreement.id(), "' lets ",
                                                       agency->id(), " contribute ", dataset));
      break;
    }
    if (!decision.allowed) {
      decision = lapsed.empty()
                     ? Deny("push.not-a-party", absl::StrCat("no agreement lets ", agency->id(),
                                                             " contribute '", dataset, "'"))
                     : Deny("agreement.past-review",
                            absl::StrCat("agreement '", absl::StrJoin(lapsed, "', '"),
                                         "' is past its review date and grace period"));
    }
  }
  decision.agency = agency->id();
  return decision;
}

Decision AuthorizeQuery(const Policy& policy, const v1::User& user, const AccessRequest& request,
                        absl::CivilDay today) {
  const v1::Agreement* agreement = policy.FindAgreement(request.agreement);
  if (agreement == nullptr) {
    return Deny("query.unknown-agreement",
                absl::StrCat("there is no agreement '", request.agreement, "'"));
  }
  const std::string name = absl::StrCat("agreement '", agreement->id(), "'");
  bool member =
      Contains(agreement->query_roles(), user.role()) &&
      (agreement->query_users().empty() || Contains(agreement->query_users(), user.identity()));
  if (!member) {
    return Deny("query.not-a-member",
                absl::StrCat(user.identity(), " is not permitted to query under ", name));
  }
  if (Lapsed(*agreement, today)) {
    return Deny("agreement.past-review",
                absl::StrCat(name, " is past its review date (", agreement->review_date(),
                             ") and grace period"));
  }
  if (!Contains(agreement->purposes(), request.purpose)) {
    return Deny("query.purpose-not-listed",
                absl::StrCat("purpose '", request.purpose, "' is not listed in ", name,
                             " (listed: ", absl::StrJoin(agreement->purposes(), "; "), ")"));
  }
  for (const std::string& dataset : request.datasets) {
    if (!CoversDataset(*agreement, dataset)) {
      return Deny("query.dataset-not-covered",
                  absl::StrCat(name, " does not cover dataset '", dataset, "'"));
    }
  }
  absl::StatusOr<TimeGrain> finest_time = ParseTimeGrain(agreement->finest_time());
  absl::StatusOr<GeoLevel> finest_geo = ParseGeoLevel(agreement->finest_geography());
  for (const std::string& dimension : request.dimensions) {
    if (!Contains(agreement->dimensions(), dimension)) {
      return Deny("query.dimension-not-permitted",
                  absl::StrCat(name, " does not permit dimension '", dimension, "'"));
    }
    TimeGrain grain = GrainOfTimeDimension(dimension);
    if (finest_time.ok() && grain != TimeGrain::kNone && grain < *finest_time) {
      return Deny("query.time-too-fine",
                  absl::StrCat("dimension '", dimension, "' is finer than the ",
                               agreement->finest_time(), " grain permitted by ", name));
    }
    for (const std::string& dataset_id : request.datasets) {
      const v1::Dataset* dataset = policy.FindDataset(dataset_id);
      GeoLevel level =
          dataset == nullptr ? GeoLevel::kNone : policy.GeoLevelOfDimension(*dataset, dimension);
      if (finest_geo.ok() && level != GeoLevel::kNone && level < *finest_geo) {
        return Deny("query.geography-too-fine",
                    absl::StrCat("dimension '", dimension, "' is finer than the ",
                                 agreement->finest_geography(), " level permitted by ", name));
      }
    }
  }
  return Allow("query.agreement-permits",
               absl::StrCat(name, " permits this query for purpose '", request.purpose, "'"));
}

}  // namespace

absl::string_view ActionName(Action action) {
  switch (action) {
    case Action::kPush:
      return "Ingest.Push";
    case Action::kGetDataset:
      return "Ingest.GetDataset";
    case Action::kQuery:
      return "Query.Run";
    case Action::kAuditRead:
      return "Audit.List";
    case Action::kHealth:
      return "Admin.Health";
    case Action::kWithdraw:
      return "Ingest.Withdraw";
    case Action::kAuditTreeHead:
      return "Audit.GetTreeHead";
    case Action::kAuditConsistency:
      return "Audit.GetConsistencyProof";
    case Action::kAuditInclusion:
      return "Audit.GetInclusionProof";
  }
  return "unknown";
}

Decision Authorize(const Policy& policy, const AccessRequest& request, absl::CivilDay today) {
  if (request.caller.kind == Identity::Kind::kAgent) {
    return AuthorizeAgent(policy, request, today);
  }
  const v1::User* user = policy.FindUser(request.caller.uri);
  if (user == nullptr) {
    return Deny("identity.unknown-user", absl::StrCat("certificate identity ", request.caller.uri,
                                                      " is not a user in the policy"));
  }
  switch (request.action) {
    case Action::kHealth:
      return Allow("health.known-identity", "any known identity may check health");
    case Action::kAuditRead:
    case Action::kAuditTreeHead:
    case Action::kAuditConsistency:
    case Action::kAuditInclusion:
      if (user->role() == "ig") {
        return Allow("audit.ig-role", "IG officers read the audit log");
      }
      return Deny("audit.ig-only", absl::StrCat("only the ig role reads the audit log; ",
                                                user->identity(), " has role ", user->role()));
    case Action::kQuery:
      if (user->role() != "analyst") {
        return Deny("query.analyst-only",
                    absl::StrCat("only analysts query data; ", user->identity(), " has role ",
                                 user->role(), " (IG officers read audit, never data)"));
      }
      return AuthorizeQuery(policy, *user, request, today);
    case Action::kPush:
    case Action::kGetDataset:
    case Action::kWithdraw:
      return Deny("ingest.agents-only", absl::StrCat("only agency agents contribute data; ",
                                                     user->identity(), " is a user"));
  }
  return Deny("default.deny", "no rule allows this request");
}

}  // namespace confide::policy
