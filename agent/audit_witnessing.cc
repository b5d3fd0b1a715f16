#include "agent/audit_witnessing.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "agent/private_file.h"
#include "common/files.h"
#include "common/grpc_client.h"
#include "common/status_macros.h"

namespace confide::agent {

absl::StatusOr<std::unique_ptr<hub::AuditWitness>> OpenAgentWitness(const v1::AgentConfig& config) {
  CONFIDE_RETURN_IF_ERROR(MakePrivateDirs(config.journal_dir()));
  return hub::AuditWitness::OpenWithKeyFile(
      absl::StrCat(config.journal_dir(), "/audit-witness.json"), config.audit_public_key_file());
}

int WitnessHub(hub::AuditWitness& witness, v1::Audit::StubInterface& hub,
               absl::string_view moment) {
  absl::StatusOr<hub::AuditWitness::Observation> observed = witness.Observe(hub);
  if (observed.ok()) {
    if (observed->key_pinned_now) {
      std::cerr << "confide-agent: note: pinned the hub's audit signing key on first use (set "
                   "audit_public_key_file to the key your IG officer gave you to check it)\n";
    }
    return kExitOk;
  }
  if (absl::IsDataLoss(observed.status())) {
    std::cerr << "confide-agent: STOPPED " << moment
              << ": THE HUB'S AUDIT LOG FAILED VERIFICATION.\n"
              << "confide-agent: " << observed.status().message() << "\n"
              << "confide-agent: nothing more will be sent. Tell your information governance "
                 "officer and the hub operator now, and keep "
              << witness.state_path() << " unchanged: it is the evidence.\n";
    return kExitAuditVerifyFailed;
  }
  std::string message;
  const int code = ExitCodeFor(observed.status(), &message);
  std::cerr << "confide-agent: checking the hub's audit log " << moment << ": " << message << "\n";
  return code;
}

}  // namespace confide::agent
