// Exchange::Query: parse, check, authorise, run, then disclosure control before anything leaves.

#include <algorithm>
#include <mutex>
#include <shared_mutex>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/analytics/scan_engine.h"
#include "hub/exchange.h"
#include "hub/query/sql_parser.h"
#include "policy/disclosure/disclosure_control.h"
#include "policy/disclosure/margins.h"
#include "policy/retention.h"

namespace confide::hub {
namespace {

bool IsCount(query::AggregateKind kind) {
  return kind == query::AggregateKind::kCountStar ||
         kind == query::AggregateKind::kCountDistinctPerson;
}

std::string MeasureName(const query::Aggregate& aggregate) {
  return aggregate.alias.empty() ? query::ToString(aggregate) : aggregate.alias;
}

// Sort published rows by the query's ORDER BY on published values only; suppressed cells sort
// as the lowest values and ties fall back to dimension order, so order reveals nothing hidden.
void OrderPublished(const query::ParsedQuery& parsed, const std::vector<size_t>& dim_select,
                    const std::vector<size_t>& measure_select, v1::QueryResult& result) {
  auto key = [&](const v1::ResultRow& row, size_t select_index, bool& is_measure) -> double {
    for (size_t m = 0; m < measure_select.size(); ++m) {
      if (measure_select[m] == select_index) {
        is_measure = true;
        const v1::ResultCell& cell = row.measures(static_cast<int>(m));
        return cell.suppressed() ? -1 : cell.value();
      }
    }
    is_measure = false;
    return 0;
  };
  auto dim_position = [&](size_t select_index) -> int {
    for (size_t d = 0; d < dim_select.size(); ++d) {
      if (dim_select[d] == select_index) {
        return static_cast<int>(d);
      }
    }
    return -1;
  };
  auto rows = result.mutable_rows();
  std::stable_sort(rows->begin(), rows->end(), [&](const v1::ResultRow& a, const v1::ResultRow& b) {
    for (const query::OrderItem& item : parsed.order_by) {
      bool is_measure = false;
      double ka = key(a, item.select_index, is_measure);
      double kb = key(b, item.select_index, is_measure);
      int cmp = 0;
      if (is_measure) {
        cmp = ka < kb ? -1 : (ka > kb ? 1 : 0);
      } else {
        int d = dim_position(item.select_index);
        cmp = d < 0 ? 0 : query::CompareForSort(a.dimensions(d), b.dimensions(d));
      }
      if (cmp != 0) {
        return item.descending ? cmp > 0 : cmp < 0;
      }
    }
    return false;  // stable: keeps the engine's dimension order
  });
  if (parsed.limit.has_value() && result.rows_size() > *parsed.limit) {
    rows->DeleteSubrange(static_cast<int>(*parsed.limit),
                         result.rows_size() - static_cast<int>(*parsed.limit));
  }
}

}  // namespace

absl::StatusOr<v1::QueryResult> Exchange::Query(const Identity& caller,
                                                const v1::QueryRequest& request) {
  std::shared_ptr<const policy::Policy> current = policy();
  v1::AuditEvent event = NewEvent(caller, policy::Action::kQuery, *current);
  event.set_agreement(request.agreement());
  event.set_purpose(request.purpose());
  return RunQuery(*current, request, caller, event);
}

absl::StatusOr<v1::QueryResult> Exchange::RunQuery(const policy::Policy& policy,
                                                   const v1::QueryRequest& request,
                                                   const Identity& caller, v1::AuditEvent& event) {
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
  if (checked.ok()) {
    checked = query::CheckSupported(*parsed);
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
  ScanOptions options;
  for (const std::string& dataset : datasets) {
    absl::optional<int> retention_days = policy::AgreementRetentionDays(covering, dataset);
    if (retention_days.has_value()) {
      options.min_event_time[dataset] = policy::RetentionCutoff(
          absl::ToCivilDay(clock_.Now(), absl::UTCTimeZone()), *retention_days);
    }
  }
  absl::StatusOr<std::vector<query::GroupRow>> groups;
  if (UsesPersons(*parsed)) {
    // Held shared for the whole scan: no store write or index update lands in between.
    std::shared_lock<std::shared_mutex> linkage_lock;
    absl::StatusOr<const linkage::PersonIndex*> persons = PersonsForQuery(policy, linkage_lock);
    if (!persons.ok()) {
      return AuditFailure(std::move(event), persons.status());
    }
    options.persons = *persons;
    groups = RunScan(policy, *parsed, records_, options);
    linkage_lock.unlock();
    if (absl::IsInternal(groups.status())) {
      DropLinkage();  // out of step with the store: rebuilt by the next query that needs it
    }
  } else {
    groups = RunScan(policy, *parsed, records_, options);
  }
  if (!groups.ok()) {
    return AuditFailure(std::move(event), groups.status());
  }

  const v1::Agreement& agreement = *policy.FindAgreement(request.agreement());
  policy::DisclosureRules rules;
  if (agreement.has_disclosure()) {
    rules.threshold = agreement.disclosure().threshold();
    rules.rounding_base = agreement.disclosure().rounding_base();
  }
  v1::QueryResult result;
  std::vector<size_t> dim_select, measure_select;
  for (size_t i = 0; i < parsed->select.size(); ++i) {
    const query::SelectItem& item = parsed->select[i];
    if (item.kind == query::SelectItem::Kind::kDimension) {
      dim_select.push_back(i);
      result.add_dimension_names(item.column.name);
    } else {
      measure_select.push_back(i);
      result.add_measure_names(MeasureName(item.aggregate));
    }
  }
  for (const query::GroupRow& group : *groups) {
    v1::ResultRow* row = result.add_rows();
    for (const std::string& dim : group.dims) {
      row->add_dimensions(dim);
    }
    for (size_t m = 0; m < group.measures.size(); ++m) {
      row->add_measures();
    }
  }
  int64_t suppressed = 0;
  for (size_t m = 0; m < measure_select.size(); ++m) {
    if (!IsCount(parsed->select[measure_select[m]].aggregate.kind)) {
      continue;
    }
    std::vector<policy::TableCell> cells;
    for (const query::GroupRow& group : *groups) {
      cells.push_back({group.dims, static_cast<int64_t>(group.measures[m])});
    }
    absl::StatusOr<policy::PublishedTable> published = policy::ApplyDisclosureControl(cells, rules);
    if (!published.ok()) {
      return AuditFailure(std::move(event), published.status());
    }
    absl::Status margins = policy::CheckFlaggedMargins(cells, *published, rules);
    if (!margins.ok()) {
      event.set_rule("disclosure.recoverable-from-margin");
      return AuditFailure(std::move(event), margins);
    }
    for (size_t r = 0; r < published->cells.size(); ++r) {
      const policy::PublishedCell& cell = published->cells[r];
      v1::ResultCell* out =
          result.mutable_rows(static_cast<int>(r))->mutable_measures(static_cast<int>(m));
      out->set_display(cell.display);
      out->set_suppressed(!cell.value.has_value());
      out->set_value(cell.value.has_value() ? static_cast<double>(*cell.value) : 0);
    }
    for (const std::string& note : published->notes) {
      result.add_notes(measure_select.size() > 1
                           ? absl::StrCat(result.measure_names(static_cast<int>(m)), ": ", note)
                           : note);
    }
    suppressed += published->primary_suppressed + published->secondary_suppressed;
  }
  OrderPublished(*parsed, dim_select, measure_select, result);
  result.set_policy_version(policy.version());
  event.set_record_count(result.rows_size());
  event.set_reason(absl::StrCat(event.reason(), "; ", result.rows_size(), " cells, ", suppressed,
                                " suppressed"));
  CONFIDE_ASSIGN_OR_RETURN(uint64_t sequence, Audit(std::move(event)));
  result.set_audit_sequence(sequence);
  return result;
}

}  // namespace confide::hub
