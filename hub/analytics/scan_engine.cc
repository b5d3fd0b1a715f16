#include "hub/analytics/scan_engine.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "hub/analytics/record_dimensions.h"

namespace confide::hub {

absl::Status CheckColumns(const policy::Policy& policy, const query::ParsedQuery& parsed) {
  for (const query::ColumnRef& ref : query::ReferencedColumns(parsed)) {
    const v1::Dataset* dataset = policy.FindDataset(ref.dataset);
    if (dataset == nullptr) {
      continue;  // reported by the dataset check
    }
    std::vector<std::string> known = policy.QueryableDimensions(*dataset);
    if (std::find(known.begin(), known.end(), ref.name) == known.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          ref.pos.line, ":", ref.pos.column, ": unknown column '", ref.name, "' in dataset '",
          ref.dataset, "' (available: ", absl::StrJoin(known, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

bool UsesPersons(const query::ParsedQuery& parsed) {
  for (const query::SelectItem& item : parsed.select) {
    if (item.kind == query::SelectItem::Kind::kAggregate &&
        item.aggregate.kind == query::AggregateKind::kCountDistinctPerson) {
      return true;
    }
  }
  return parsed.where != nullptr && !query::PersonInNodes(*parsed.where).empty();
}

absl::StatusOr<std::vector<query::GroupRow>> RunScan(const policy::Policy& policy,
                                                     const query::ParsedQuery& parsed,
                                                     const RecordStore& records,
                                                     const ScanOptions& options) {
  const v1::Dataset* dataset = policy.FindDataset(parsed.dataset);
  if (dataset == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown dataset '", parsed.dataset, "'"));
  }
  const bool uses_persons = UsesPersons(parsed);
  if (uses_persons && options.persons == nullptr) {
    return absl::FailedPreconditionError("this query needs the person index");
  }
  query::ParsedQuery unordered;
  unordered.dataset = parsed.dataset;
  for (const query::SelectItem& item : parsed.select) {
    unordered.select.push_back(item);
  }
  unordered.group_by = parsed.group_by;
  CONFIDE_ASSIGN_OR_RETURN(query::GroupAccumulator accumulator,
                           query::GroupAccumulator::Create(unordered));
  LinkedCohorts cohorts;
  if (uses_persons) {
    CONFIDE_ASSIGN_OR_RETURN(
        cohorts,
        LinkedCohorts::Build(policy, parsed, records, *options.persons, options.min_event_time));
  }
  auto cutoff = options.min_event_time.find(parsed.dataset);
  const int64_t min_event_time =
      cutoff == options.min_event_time.end() ? std::numeric_limits<int64_t>::min() : cutoff->second;
  RecordRowView row(policy, *dataset);
  row.SetCohorts(&cohorts);
  absl::Status lookup = absl::OkStatus();
  CONFIDE_RETURN_IF_ERROR(records.ScanDataset(parsed.dataset, [&](const v1::StoredRecord& r) {
    if (!lookup.ok() || r.event_time() < min_event_time) {
      return;
    }
    row.Reset(r);
    linkage::PersonId person = 0;
    if (uses_persons) {
      absl::StatusOr<linkage::PersonId> found = PersonOfRecord(*options.persons, r);
      if (!found.ok()) {
        lookup = found.status();
        return;
      }
      person = *found;
      row.SetPerson(person);
    }
    if (parsed.where == nullptr || query::Matches(*parsed.where, row)) {
      // The accumulator counts distinct person keys; the id's bytes are one.
      accumulator.Add(row, uses_persons ? absl::string_view(reinterpret_cast<const char*>(&person),
                                                            sizeof(person))
                                        : absl::string_view());
    }
  }));
  CONFIDE_RETURN_IF_ERROR(lookup);
  return accumulator.Finish();
}

}  // namespace confide::hub
