#include "hub/audit/audit_log.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

namespace confide::hub {
namespace {

constexpr absl::string_view kUserPrefix = "confide://user/";

// confide://user/<role>/<name> carries the name last; agents and the hub have no user name.
bool ActorIsUser(absl::string_view actor, absl::string_view user) {
  if (!absl::StartsWith(actor, kUserPrefix)) {
    return false;
  }
  const size_t slash = actor.rfind('/');
  return slash >= kUserPrefix.size() && actor.substr(slash + 1) == user;
}

std::string Rfc3339(int64_t micros) {
  return absl::FormatTime(absl::RFC3339_full, absl::FromUnixMicros(micros), absl::UTCTimeZone());
}

}  // namespace

bool MatchesAuditFilter(const v1::AuditEvent& event, const v1::ListAuditRequest& request) {
  if (event.sequence() <= request.after_sequence()) {
    return false;
  }
  if (request.up_to_sequence() != 0 && event.sequence() > request.up_to_sequence()) {
    return false;
  }
  if (request.since_micros() != 0 && event.time_micros() < request.since_micros()) {
    return false;
  }
  if (request.until_micros() != 0 && event.time_micros() >= request.until_micros()) {
    return false;
  }
  if (!request.actor().empty() && event.actor() != request.actor()) {
    return false;
  }
  if (!request.user().empty() && !ActorIsUser(event.actor(), request.user())) {
    return false;
  }
  if (!request.agency().empty() && event.agency() != request.agency()) {
    return false;
  }
  if (!request.agreement().empty() && event.agreement() != request.agreement()) {
    return false;
  }
  if (!request.purpose().empty() && event.purpose() != request.purpose()) {
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

absl::Status ValidateAuditFilter(const v1::ListAuditRequest& request) {
  if (request.limit() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a limit of 0 (meaning 1000) or more, got ", request.limit()));
  }
  if (request.since_micros() < 0 || request.until_micros() < 0) {
    return absl::InvalidArgumentError("expected since and until after 1970-01-01, got earlier");
  }
  if (request.since_micros() != 0 && request.until_micros() != 0 &&
      request.until_micros() <= request.since_micros()) {
    return absl::InvalidArgumentError(absl::StrCat("expected until later than since, got since ",
                                                   Rfc3339(request.since_micros()), " and until ",
                                                   Rfc3339(request.until_micros())));
  }
  if (request.up_to_sequence() != 0 && request.up_to_sequence() <= request.after_sequence()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected up_to_sequence greater than after_sequence, got ",
                     request.up_to_sequence(), " and ", request.after_sequence()));
  }
  if (!v1::AuditEvent::Decision_IsValid(request.decision())) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected decision allow, deny or error (or none), got ", request.decision()));
  }
  if (absl::StrContains(request.user(), '/')) {
    return absl::InvalidArgumentError(absl::StrCat("expected a user name such as a.khan, got '",
                                                   request.user(),
                                                   "'; a full identity goes in actor"));
  }
  return absl::OkStatus();
}

std::string DescribeAuditFilter(const v1::ListAuditRequest& request) {
  std::vector<std::string> filters;
  if (request.up_to_sequence() != 0) {
    filters.push_back(absl::StrCat("up to sequence ", request.up_to_sequence()));
  }
  if (request.since_micros() != 0) {
    filters.push_back(absl::StrCat("since ", Rfc3339(request.since_micros())));
  }
  if (request.until_micros() != 0) {
    filters.push_back(absl::StrCat("until ", Rfc3339(request.until_micros())));
  }
  for (const auto& [name, value] :
       {std::pair<const char*, const std::string*>{"actor", &request.actor()},
        {"user", &request.user()},
        {"agency", &request.agency()},
        {"agreement", &request.agreement()},
        {"purpose", &request.purpose()},
        {"action", &request.action()}}) {
    if (!value->empty()) {
      filters.push_back(absl::StrCat(name, " '", *value, "'"));
    }
  }
  if (request.decision() != v1::AuditEvent::DECISION_UNSPECIFIED) {
    filters.push_back(absl::StrCat("decision ", v1::AuditEvent::Decision_Name(request.decision())));
  }
  std::string out = absl::StrCat("listed events after sequence ", request.after_sequence());
  if (!filters.empty()) {
    absl::StrAppend(&out, " (", absl::StrJoin(filters, ", "), ")");
  }
  return out;
}

}  // namespace confide::hub
