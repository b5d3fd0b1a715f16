#include "cli/audit_filter.h"

#include <algorithm>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace confide::cli {
namespace {

constexpr absl::string_view kTimeForms =
    "YYYY-MM-DD (a day in Europe/London) or an RFC 3339 time such as 2026-06-01T14:30:00Z";

absl::Status ParseSequence(const ParsedArgs& parsed, const std::string& flag, uint64_t* out) {
  const std::string text = parsed.Get(flag);
  if (!text.empty() && !absl::SimpleAtoi(text, out)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " expects an event sequence number, got '", text, "'"));
  }
  return absl::OkStatus();
}

std::string Show(absl::Time time, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %Z", time, zone);
}

}  // namespace

absl::StatusOr<absl::TimeZone> LondonTimeZone() {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone("Europe/London", &zone)) {
    return absl::FailedPreconditionError(
        "cannot load the Europe/London time zone: install the system's tzdata package");
  }
  return zone;
}

absl::StatusOr<absl::Time> ParseTimeBound(absl::string_view text, TimeBound bound,
                                          absl::TimeZone zone) {
  absl::CivilDay day;
  // A bare date is exactly ten characters; the check keeps "2026-06-01T..." out of this branch.
  if (text.size() == 10 && absl::ParseCivilTime(text, &day)) {
    return absl::FromCivil(bound == TimeBound::kUntil ? day + 1 : day, zone);
  }
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return time;
  }
  return absl::InvalidArgumentError(absl::StrCat(bound == TimeBound::kSince ? "--since" : "--until",
                                                 " expects ", kTimeForms, ", got '", text, "'"));
}

absl::StatusOr<v1::ListAuditRequest> BuildListRequest(const ParsedArgs& parsed,
                                                      absl::TimeZone zone) {
  v1::ListAuditRequest request;
  absl::optional<absl::Time> since, until;
  if (const std::string text = parsed.Get("since"); !text.empty()) {
    absl::StatusOr<absl::Time> time = ParseTimeBound(text, TimeBound::kSince, zone);
    if (!time.ok()) {
      return time.status();
    }
    since = *time;
    request.set_since_micros(absl::ToUnixMicros(*since));
  }
  if (const std::string text = parsed.Get("until"); !text.empty()) {
    absl::StatusOr<absl::Time> time = ParseTimeBound(text, TimeBound::kUntil, zone);
    if (!time.ok()) {
      return time.status();
    }
    until = *time;
    request.set_until_micros(absl::ToUnixMicros(*until));
  }
  if (since.has_value() && until.has_value() && *until <= *since) {
    return absl::InvalidArgumentError(
        absl::StrCat("--until must be later than --since, got --since ", parsed.Get("since"), " (",
                     Show(*since, zone), ") and --until ", parsed.Get("until"), " (before ",
                     Show(*until, zone), ")"));
  }
  if (since.has_value() && *since < absl::UnixEpoch()) {
    return absl::InvalidArgumentError("--since must be after 1970-01-01");
  }
  const std::string user = parsed.Get("user"), actor = parsed.Get("actor");
  if (!user.empty() && !actor.empty()) {
    return absl::InvalidArgumentError("give --user or --actor, not both");
  }
  // A full identity is matched exactly; a bare name matches that person under any role.
  if (absl::StrContains(user, "://")) {
    request.set_actor(user);
  } else if (absl::StrContains(user, '/')) {
    return absl::InvalidArgumentError(
        absl::StrCat("--user expects a name such as a.khan or an identity such as "
                     "confide://user/analyst/a.khan, got '",
                     user, "'"));
  } else {
    request.set_user(user);
  }
  if (!actor.empty()) {
    request.set_actor(actor);
  }
  request.set_agency(parsed.Get("agency"));
  request.set_agreement(parsed.Get("agreement"));
  request.set_purpose(parsed.Get("purpose"));
  request.set_action(parsed.Get("action"));
  const std::string decision = parsed.Get("decision");
  if (decision == "allow") {
    request.set_decision(v1::AuditEvent::ALLOW);
  } else if (decision == "deny") {
    request.set_decision(v1::AuditEvent::DENY);
  } else if (decision == "error") {
    request.set_decision(v1::AuditEvent::ERROR);
  } else if (!decision.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--decision expects allow, deny or error, got '", decision, "'"));
  }
  uint64_t after = 0, up_to = 0;
  if (absl::Status status = ParseSequence(parsed, "after", &after); !status.ok()) {
    return status;
  }
  if (absl::Status status = ParseSequence(parsed, "up-to", &up_to); !status.ok()) {
    return status;
  }
  if (up_to != 0 && up_to <= after) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--up-to must be greater than --after, got --after ", after, " and --up-to ", up_to));
  }
  request.set_after_sequence(after);
  request.set_up_to_sequence(up_to);
  return request;
}

absl::StatusOr<std::vector<v1::AuditEvent>> ListAllAuditEvents(ListAuditPage list,
                                                               v1::ListAuditRequest request,
                                                               size_t max_events, int page_size) {
  std::vector<v1::AuditEvent> events;
  while (max_events == 0 || events.size() < max_events) {
    int want = page_size;
    if (max_events != 0) {
      want = static_cast<int>(std::min<size_t>(want, max_events - events.size()));
    }
    request.set_limit(want);
    absl::StatusOr<v1::ListAuditResponse> page = list(request);
    if (!page.ok()) {
      return page.status();
    }
    for (v1::AuditEvent& event : *page->mutable_events()) {
      if (event.sequence() <= request.after_sequence()) {
        return absl::DataLossError(absl::StrCat("the hub returned event ", event.sequence(),
                                                " after event ", request.after_sequence(),
                                                ": its listing is out of order"));
      }
      request.set_after_sequence(event.sequence());
      if (max_events != 0 && events.size() >= max_events) {
        break;  // a hub that ignored the limit
      }
      events.push_back(std::move(event));
    }
    // A short page is the last: the hub had no more matching events when it answered.
    if (page->events_size() < want) {
      break;
    }
  }
  return events;
}

}  // namespace confide::cli
