#include "hub/analytics/scan_engine.h"

#include <algorithm>

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

absl::StatusOr<std::vector<query::GroupRow>> RunScan(const policy::Policy& policy,
                                                     const query::ParsedQuery& parsed,
                                                     const RecordStore& records,
                                                     int64_t min_event_time) {
  const v1::Dataset* dataset = policy.FindDataset(parsed.dataset);
  if (dataset == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown dataset '", parsed.dataset, "'"));
  }
  query::ParsedQuery unordered;
  unordered.dataset = parsed.dataset;
  for (const query::SelectItem& item : parsed.select) {
    unordered.select.push_back(item);
  }
  unordered.group_by = parsed.group_by;
  CONFIDE_ASSIGN_OR_RETURN(query::GroupAccumulator accumulator,
                           query::GroupAccumulator::Create(unordered));
  RecordRowView row(policy, *dataset);
  CONFIDE_RETURN_IF_ERROR(records.ScanDataset(parsed.dataset, [&](const v1::StoredRecord& r) {
    if (r.event_time() < min_event_time) {
      return;
    }
    row.Reset(r);
    if (parsed.where == nullptr || query::Matches(*parsed.where, row)) {
      accumulator.Add(row, {});
    }
  }));
  return accumulator.Finish();
}

}  // namespace confide::hub
