#pragma once

// The one authorisation function. Pure: no I/O, no clock (the caller passes `today`).
// Deny by default: anything not explicitly allowed by a rule below is refused, and every
// decision names the rule that made it so it can be audited.

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/identity.h"
#include "policy/policy.h"

namespace confide::policy {

enum class Action {
  kPush,        // Ingest.Push: contribute records to a dataset
  kGetDataset,  // Ingest.GetDataset: read a dataset's schema and linkage recipe
  kQuery,       // Query.Run
  kAuditRead,   // Audit.List
  kHealth,      // Admin.Health
  kWithdraw,    // Ingest.Withdraw: remove the caller's own records from a dataset it contributes
  // Audit log tamper evidence. Tree heads and consistency proofs reveal no event, so agents may
  // fetch them as witnesses; inclusion proofs are about one event, so IG officers only.
  kAuditTreeHead,     // Audit.GetTreeHead
  kAuditConsistency,  // Audit.GetConsistencyProof
  kAuditInclusion,    // Audit.GetInclusionProof
};
absl::string_view ActionName(Action action);

// Built by the hub from the authenticated peer certificate, never from request fields.
struct AccessRequest {
  Identity caller;
  Action action = Action::kHealth;
  std::string agreement;                // kQuery
  std::string purpose;                  // kQuery
  std::vector<std::string> datasets;    // kPush, kGetDataset, kWithdraw, kQuery
  std::vector<std::string> dimensions;  // kQuery: every dimension grouped on or filtered by
};

struct Decision {
  bool allowed = false;
  std::string rule;    // stable machine-readable id, e.g. "query.purpose-not-listed"
  std::string reason;  // plain English, names the agreement or rule
  std::string agency;  // the caller's agency, for agents
};

Decision Authorize(const Policy& policy, const AccessRequest& request, absl::CivilDay today);

}  // namespace confide::policy
