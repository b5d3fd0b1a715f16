// Exchange::Query: parse, check, authorise, run, then disclosure control before anything leaves.

#include <algorithm>
#include <mutex>
#include <shared_mutex>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/analytics/publish.h"
#include "hub/analytics/scan_engine.h"
#include "hub/exchange.h"
#include "hub/query/sql_parser.h"
#include "policy/disclosure/disclosure_control.h"
#include "policy/disclosure/margins.h"
#include "policy/retention.h"

namespace confide::hub {

absl::StatusOr<v1::QueryResult> Exchange::Query(const Identity& caller,
                                                const v1::QueryRequest& request) {
  std::shared_ptr<const policy::Policy> current = policy();
  v1::AuditEvent event = NewEvent(caller, policy::Action::kQuery, *current);
  event.set_agreement(request.agreement());
  event.set_purpose(request.purpose());
  return RunQuery(current, request, caller, event);
}

absl::StatusOr<v1::QueryResult> Exchange::RunQuery(std::shared_ptr<const policy::Policy> current,
                                                   const v1::QueryRequest& request,
                                                   const Identity& caller, v1::AuditEvent& event) {
  const policy::Policy& policy = *current;
  // Agents and IG officers are refused before their query text is even parsed.
  const v1::User* user = policy.FindUser(caller.uri);
  if (caller.kind == Identity::Kind::kAgent || user == nullptr || user->role() != "analyst") {
    policy::AccessRequest access;
    access.caller = caller;
    access.action = policy::Action::kQuery;
    access.agreement = request.agreement();
    access.purpose = request.purpose();
    CONFIDE_RETURN_IF_ERROR(Authorize(policy, access, event).status());
  }
  absl::StatusOr<query::ParsedQuery> parsed = query::ParseQuery(request.sql());
  if (!parsed.ok()) {
    event.set_rule("query.syntax");
    return AuditFailure(std::move(event), parsed.status());
  }
  event.set_detail(query::ToString(*parsed));
  event.set_dataset(parsed->dataset);
  absl::Status checked = absl::OkStatus();
  // Every dataset read, sub-queries included even when they name no column, must be covered
  // by the one agreement the query runs under.
  const std::vector<std::string> datasets = query::ReferencedDatasets(*parsed);
  std::vector<std::string> dimensions;
  absl::flat_hash_set<std::string> seen;
  for (const query::ColumnRef& ref : query::ReferencedColumns(*parsed)) {
    if (seen.insert(ref.name).second) {
      dimensions.push_back(ref.name);
    }
  }
  for (const std::string& dataset : datasets) {
    if (policy.FindDataset(dataset) == nullptr && checked.ok()) {
      checked = absl::InvalidArgumentError(absl::StrCat("unknown dataset '", dataset, "'"));
    }
  }
  if (checked.ok()) {
    checked = CheckColumns(policy, *parsed);
  }
  if (!checked.ok()) {
    event.set_rule("query.check");
    return AuditFailure(std::move(event), checked);
  }
  policy::AccessRequest access;
  access.caller = caller;
  access.action = policy::Action::kQuery;
  access.agreement = request.agreement();
  access.purpose = request.purpose();
  access.datasets = datasets;
  access.dimensions = dimensions;
  CONFIDE_RETURN_IF_ERROR(Authorize(policy, access, event).status());
  // Records past this agreement's retention for a dataset are not used under it (counted or as
  // members of a linked cohort), even while another agreement with a longer retention keeps
  // them at the hub.
  const v1::Agreement& covering = *policy.FindAgreement(request.agreement());
  analytics::RunOptions options;
  const bool private_answers = covering.has_differential_privacy();
  if (private_answers) {
    for (const query::SelectItem& item : parsed->select) {
      if (item.kind == query::SelectItem::Kind::kAggregate &&
          item.aggregate.kind == query::AggregateKind::kRepeatRate) {
        event.set_rule("privacy.unsupported");
        return AuditFailure(
            std::move(event),
            absl::InvalidArgumentError(absl::StrCat(
                item.aggregate.pos.line, ":", item.aggregate.pos.column,
                ": REPEAT_RATE is not available under agreement '", covering.id(),
                "', which answers with differential privacy; ask for COUNT(DISTINCT person) "
                "instead")));
      }
    }
    // Bounded contributions keep one person's effect on any answer within the noise.
    options.max_records_per_person =
        std::max(1, covering.differential_privacy().max_records_per_person());
    options.all_groups = true;
  }
  for (const std::string& dataset : datasets) {
    absl::optional<int> retention_days = policy::AgreementRetentionDays(covering, dataset);
    if (retention_days.has_value()) {
      options.min_event_time[dataset] = policy::RetentionCutoff(
          absl::ToCivilDay(clock_.Now(), absl::UTCTimeZone()), *retention_days);
    }
  }
  // Held shared for the whole run: no store write or index update lands in between.
  std::shared_lock<std::shared_mutex> analytics_lock;
  absl::StatusOr<const analytics::ColumnStore*> columns =
      ColumnsForQuery(current, analytics::NeedsPersons(*parsed, options), analytics_lock);
  if (!columns.ok()) {
    return AuditFailure(std::move(event), columns.status());
  }
  absl::StatusOr<std::vector<analytics::ExactGroup>> groups = (*columns)->Run(*parsed, options);
  const uint64_t data_fingerprint = (*columns)->Fingerprint(*parsed);
  analytics_lock.unlock();
  if (!groups.ok()) {
    return AuditFailure(std::move(event), groups.status());
  }

  analytics::PublishOptions publish;
  if (covering.has_disclosure()) {
    publish.rules.threshold = covering.disclosure().threshold();
    publish.rules.rounding_base = covering.disclosure().rounding_base();
  }
  if (private_answers) {
    return PublishPrivately(covering, *parsed, data_fingerprint, *groups, publish, policy, caller,
                            event);
  }
  std::string failed_rule;
  absl::StatusOr<v1::QueryResult> published =
      analytics::Publish(*parsed, *groups, publish, &failed_rule);
  if (!published.ok()) {
    if (!failed_rule.empty()) {
      event.set_rule(failed_rule);
    }
    return AuditFailure(std::move(event), published.status());
  }
  v1::QueryResult& result = *published;
  int64_t suppressed = 0;
  for (const v1::ResultRow& row : result.rows()) {
    for (const v1::ResultCell& cell : row.measures()) {
      suppressed += cell.suppressed() ? 1 : 0;
    }
  }
  result.set_policy_version(policy.version());
  event.set_record_count(result.rows_size());
  event.set_reason(absl::StrCat(event.reason(), "; ", result.rows_size(), " cells, ", suppressed,
                                " suppressed"));
  CONFIDE_ASSIGN_OR_RETURN(uint64_t sequence, Audit(std::move(event)));
  result.set_audit_sequence(sequence);
  return result;
}

}  // namespace confide::hub
