#pragma once

// The hub's audit log. An event is durable (fsynced) when Append returns OK; callers must not
// answer a request whose event could not be appended (fail closed).

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "confide/v1/audit.pb.h"

namespace confide::hub {

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Assigns the next sequence number and stores the event durably. Unavailable on I/O failure.
  // Thread-safe.
  virtual absl::StatusOr<uint64_t> Append(v1::AuditEvent event) = 0;
  // Events in sequence order matching the request's filters. Thread-safe.
  virtual absl::StatusOr<std::vector<v1::AuditEvent>> List(
      const v1::ListAuditRequest& request) const = 0;
};

// True when `event` passes the filters of `request` (shared by every AuditLog implementation).
bool MatchesAuditFilter(const v1::AuditEvent& event, const v1::ListAuditRequest& request);

}  // namespace confide::hub
