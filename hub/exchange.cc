#include "hub/exchange.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/crypto/hash.h"
#include "common/status_macros.h"

namespace confide::hub {

Exchange::Exchange(std::shared_ptr<const policy::Policy> policy, RecordStore& records,
                   AuditLog& audit, const Clock& clock, std::string hub_secret,
                   ExchangeOptions options, TreeHeadIssuer* tree_heads,
                   PrivacyLedger* privacy_ledger)
    : policy_(std::move(policy)),
      records_(records),
      audit_(audit),
      clock_(clock),
      hub_secret_(std::move(hub_secret)),
      options_(options),
      started_(clock.Now()),
      tree_heads_(tree_heads),
      privacy_ledger_(privacy_ledger),
      noise_key_(crypto::HmacSha256(hub_secret_, "confide-dp-noise-key-v1")) {}

void Exchange::ReplacePolicy(std::shared_ptr<const policy::Policy> policy) {
  {
    std::lock_guard<std::mutex> lock(policy_mu_);
    policy_ = policy;
  }
  MaybeRebuildLinkage(policy);
}

std::shared_ptr<const policy::Policy> Exchange::policy() const {
  std::lock_guard<std::mutex> lock(policy_mu_);
  return policy_;
}

v1::AuditEvent Exchange::NewEvent(const Identity& caller, policy::Action action,
                                  const policy::Policy& policy) const {
  v1::AuditEvent event;
  event.set_time_micros(absl::ToUnixMicros(clock_.Now()));
  event.set_actor(caller.uri);
  event.set_agency(caller.agency);
  event.set_role(caller.role);
  event.set_action(std::string(policy::ActionName(action)));
  event.set_policy_version(policy.version());
  return event;
}

absl::StatusOr<uint64_t> Exchange::Audit(v1::AuditEvent event) {
  absl::StatusOr<uint64_t> sequence = audit_.Append(std::move(event));
  if (!sequence.ok()) {
    // Fail closed: the caller must not answer a request whose audit event is not durable.
    return absl::UnavailableError(
        absl::StrCat("the audit log is unavailable, so the request was not processed: ",
                     sequence.status().message()));
  }
  return sequence;
}

absl::Status Exchange::AuditFailure(v1::AuditEvent event, const absl::Status& status) {
  event.set_decision(absl::IsPermissionDenied(status) ? v1::AuditEvent::DENY
                                                      : v1::AuditEvent::ERROR);
  // The failure is the reason, even when authorisation had already filled in why it allowed.
  event.set_reason(std::string(status.message()));
  CONFIDE_RETURN_IF_ERROR(Audit(std::move(event)).status());
  return status;
}

absl::StatusOr<policy::Decision> Exchange::Authorize(const policy::Policy& policy,
                                                     const policy::AccessRequest& request,
                                                     v1::AuditEvent& event) {
  absl::CivilDay today = absl::ToCivilDay(clock_.Now(), absl::UTCTimeZone());
  policy::Decision decision = policy::Authorize(policy, request, today);
  event.set_rule(decision.rule);
  event.set_reason(decision.reason);
  if (!decision.agency.empty()) {
    event.set_agency(decision.agency);
  }
  if (!decision.allowed) {
    event.set_decision(v1::AuditEvent::DENY);
    CONFIDE_RETURN_IF_ERROR(Audit(event).status());
    return absl::PermissionDeniedError(
        absl::StrCat(decision.reason, " [rule ", decision.rule, "]"));
  }
  event.set_decision(v1::AuditEvent::ALLOW);
  return decision;
}

absl::StatusOr<v1::GetDatasetResponse> Exchange::GetDataset(const Identity& caller,
                                                            const v1::GetDatasetRequest& request) {
  std::shared_ptr<const policy::Policy> current = policy();
  v1::AuditEvent event = NewEvent(caller, policy::Action::kGetDataset, *current);
  event.set_dataset(request.dataset());
  policy::AccessRequest access;
  access.caller = caller;
  access.action = policy::Action::kGetDataset;
  access.datasets = {request.dataset()};
  CONFIDE_RETURN_IF_ERROR(Authorize(*current, access, event).status());
  v1::GetDatasetResponse response;
  *response.mutable_dataset() = *current->FindDataset(request.dataset());
  *response.mutable_linkage() = current->proto().linkage();
  response.set_policy_version(current->version());
  CONFIDE_RETURN_IF_ERROR(Audit(std::move(event)).status());
  return response;
}

absl::StatusOr<v1::ListAuditResponse> Exchange::ListAudit(const Identity& caller,
                                                          const v1::ListAuditRequest& request) {
  std::shared_ptr<const policy::Policy> current = policy();
  v1::AuditEvent event = NewEvent(caller, policy::Action::kAuditRead, *current);
  policy::AccessRequest access;
  access.caller = caller;
  access.action = policy::Action::kAuditRead;
  // What was asked for is recorded even when the read is refused.
  event.set_detail(DescribeAuditFilter(request));
  CONFIDE_RETURN_IF_ERROR(Authorize(*current, access, event).status());
  if (absl::Status valid = ValidateAuditFilter(request); !valid.ok()) {
    return AuditFailure(std::move(event), valid);
  }
  absl::StatusOr<std::vector<v1::AuditEvent>> events = audit_.List(request);
  if (!events.ok()) {
    return AuditFailure(std::move(event), events.status());
  }
  event.set_record_count(static_cast<int64_t>(events->size()));
  // The read itself is audited before the events are returned.
  CONFIDE_RETURN_IF_ERROR(Audit(std::move(event)).status());
  v1::ListAuditResponse response;
  for (v1::AuditEvent& listed : *events) {
    *response.add_events() = std::move(listed);
  }
  return response;
}

absl::StatusOr<v1::HealthResponse> Exchange::Health(const Identity& caller) {
  std::shared_ptr<const policy::Policy> current = policy();
  v1::AuditEvent event = NewEvent(caller, policy::Action::kHealth, *current);
  policy::AccessRequest access;
  access.caller = caller;
  access.action = policy::Action::kHealth;
  CONFIDE_RETURN_IF_ERROR(Authorize(*current, access, event).status());
  CONFIDE_ASSIGN_OR_RETURN(uint64_t sequence, Audit(std::move(event)));
  v1::HealthResponse response;
  response.set_status("serving");
  response.set_policy_version(current->version());
  response.set_uptime_seconds(absl::ToInt64Seconds(clock_.Now() - started_));
  response.set_audit_events(sequence);
  return response;
}

absl::Status Exchange::RecordRefusal(absl::string_view action, absl::string_view peer,
                                     const absl::Status& why) {
  v1::AuditEvent event;
  event.set_time_micros(absl::ToUnixMicros(clock_.Now()));
  event.set_actor(std::string(peer));
  event.set_action(std::string(action));
  event.set_decision(v1::AuditEvent::DENY);
  event.set_rule("identity.certificate");
  event.set_reason(std::string(why.message()));
  event.set_policy_version(policy()->version());
  CONFIDE_RETURN_IF_ERROR(Audit(std::move(event)).status());
  return why;
}

absl::Status Exchange::RecordEvent(absl::string_view action, v1::AuditEvent::Decision decision,
                                   absl::string_view detail) {
  v1::AuditEvent event;
  event.set_time_micros(absl::ToUnixMicros(clock_.Now()));
  event.set_actor("confide://hub");
  event.set_action(std::string(action));
  event.set_decision(decision);
  event.set_detail(std::string(detail));
  event.set_policy_version(policy()->version());
  return Audit(std::move(event)).status();
}

}  // namespace confide::hub
