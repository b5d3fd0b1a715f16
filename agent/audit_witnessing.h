#pragma once

// The agent as a witness of the hub's audit log: every push checks the hub's signed tree head
// before sending and again after the last acknowledgement, against the last head this agent
// verified (kept in its journal directory). A rewritten or rolled-back history stops the push.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "confide/v1/config.pb.h"
#include "hub/audit/witness_client.h"

namespace confide::agent {

// Opens the witness whose state is `journal_dir`/audit-witness.json, pinning the key in
// config.audit_public_key_file when set.
absl::StatusOr<std::unique_ptr<hub::AuditWitness>> OpenAgentWitness(const v1::AgentConfig& config);

// Observes the hub's head. Returns the exit code to stop with (after printing why) or 0.
// A rewritten history is printed loudly with what to do; `moment` says when ("before sending").
int WitnessHub(hub::AuditWitness& witness, v1::Audit::StubInterface& hub, absl::string_view moment);

}  // namespace confide::agent
