#pragma once

// The hub's audit log. An event is durable (fsynced) when Append returns OK; callers must not
// answer a request whose event could not be appended (fail closed).

#include <cstdint>
#include <string>
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

// InvalidArgument, saying what was expected, for a request whose filters make no sense (an empty
// time or sequence range, a negative limit or time, an unknown decision, a path as a user name),
// so a mistake is refused instead of answered with an empty list.
absl::Status ValidateAuditFilter(const v1::ListAuditRequest& request);

// "listed events after sequence N (since ..., user 'a.khan', ...)": the detail of the audit
// event recording a read of the log, so the log shows what each reader asked for.
std::string DescribeAuditFilter(const v1::ListAuditRequest& request);

}  // namespace confide::hub
