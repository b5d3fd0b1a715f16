#include "hub/audit/audit_log.h"

namespace confide::hub {

bool MatchesAuditFilter(const v1::AuditEvent& event, const v1::ListAuditRequest& request) {
  if (event.sequence() <= request.after_sequence()) {
    return false;
  }
  if (!request.actor().empty() && event.actor() != request.actor()) {
    return false;
  }
  if (!request.action().empty() && event.action() != request.action()) {
    return false;
  }
  if (request.decision() != v1::AuditEvent::DECISION_UNSPECIFIED &&
      event.decision() != request.decision()) {
    return false;
  }
  return true;
}

}  // namespace confide::hub
