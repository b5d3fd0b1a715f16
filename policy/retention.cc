#include "policy/retention.h"

#include <algorithm>

namespace confide::policy {

absl::optional<int> AgreementRetentionDays(const v1::Agreement& agreement,
                                           absl::string_view dataset) {
  for (const v1::Retention& retention : agreement.retention()) {
    if (retention.dataset() == dataset) {
      return retention.days();
    }
  }
  return absl::nullopt;
}

absl::optional<int> DatasetRetentionDays(const Policy& policy, absl::string_view dataset) {
  absl::optional<int> longest;
  for (const v1::Agreement& agreement : policy.proto().agreements()) {
    absl::optional<int> days = AgreementRetentionDays(agreement, dataset);
    if (days.has_value()) {
      longest = std::max(longest.value_or(0), *days);
    }
  }
  return longest;
}

int64_t RetentionCutoff(absl::CivilDay today, int days) {
  return absl::CivilSecond(today - days) - absl::CivilSecond(1970, 1, 1);
}

}  // namespace confide::policy
