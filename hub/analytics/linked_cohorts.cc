#include "hub/analytics/linked_cohorts.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/analytics/record_dimensions.h"

namespace confide::hub {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

}  // namespace

absl::StatusOr<linkage::PersonId> PersonOfRecord(const linkage::PersonIndex& persons,
                                                 const v1::StoredRecord& record) {
  absl::optional<linkage::PersonId> person =
      persons.PersonOf(record.dataset(), record.agency(), record.record_id());
  if (!person.has_value()) {
    return absl::InternalError("a stored record is missing from the person index");
  }
  return *person;
}

absl::StatusOr<LinkedCohorts> LinkedCohorts::Build(const policy::Policy& policy,
                                                   const query::ParsedQuery& parsed,
                                                   const RecordStore& records,
                                                   const linkage::PersonIndex& persons,
                                                   const MinEventTimes& min_event_time) {
  LinkedCohorts result;
  if (parsed.where == nullptr) {
    return result;
  }
  for (const query::Expr* node : query::PersonInNodes(*parsed.where)) {
    const query::SubQuery& sub = *node->subquery;
    const v1::Dataset* dataset = policy.FindDataset(sub.dataset);
    if (dataset == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown dataset '", sub.dataset, "'"));
    }
    auto cutoff = min_event_time.find(sub.dataset);
    const int64_t min_time =
        cutoff == min_event_time.end() ? std::numeric_limits<int64_t>::min() : cutoff->second;
    Cohort& cohort = result.cohorts_[node];
    cohort.window_days = sub.window_days;
    cohort.direction = sub.direction;
    RecordRowView row(policy, *dataset);
    absl::Status lookup = absl::OkStatus();
    CONFIDE_RETURN_IF_ERROR(records.ScanDataset(sub.dataset, [&](const v1::StoredRecord& r) {
      if (!lookup.ok() || r.event_time() < min_time) {
        return;  // past the agreement's retention for this dataset: not used under it
      }
      row.Reset(r);
      if (sub.where != nullptr && !query::Matches(*sub.where, row)) {
        return;
      }
      absl::StatusOr<linkage::PersonId> person = PersonOfRecord(persons, r);
      if (!person.ok()) {
        lookup = person.status();
        return;
      }
      std::vector<int64_t>& times = cohort.times[*person];
      if (sub.window_days.has_value()) {
        times.push_back(r.event_time());
      }
    }));
    CONFIDE_RETURN_IF_ERROR(lookup);
    for (auto& [person, times] : cohort.times) {
      std::sort(times.begin(), times.end());
    }
  }
  return result;
}

query::TruthValue LinkedCohorts::Contains(const query::Expr& person_in, linkage::PersonId person,
                                          int64_t event_time) const {
  auto cohort = cohorts_.find(&person_in);
  if (cohort == cohorts_.end()) {
    return query::TruthValue::kUnknown;
  }
  auto found = cohort->second.times.find(person);
  if (found == cohort->second.times.end()) {
    return query::TruthValue::kFalse;
  }
  if (!cohort->second.window_days.has_value()) {
    return query::TruthValue::kTrue;
  }
  // The parser caps the window at a century and event times at 1900..2100: no overflow.
  const int64_t window = *cohort->second.window_days * kSecondsPerDay;
  int64_t low = event_time - window;
  int64_t high = event_time + window;
  if (cohort->second.direction == query::SubQuery::Direction::kBefore) {
    high = event_time;
  } else if (cohort->second.direction == query::SubQuery::Direction::kAfter) {
    low = event_time;
  }
  const std::vector<int64_t>& times = found->second;
  auto first = std::lower_bound(times.begin(), times.end(), low);
  return first != times.end() && *first <= high ? query::TruthValue::kTrue
                                                : query::TruthValue::kFalse;
}

}  // namespace confide::hub
