#pragma once

// Retention rules. Each agreement sets how long each of its datasets may be used under it; the
// hub keeps a record only as long as the longest of those, then purges it.

#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/optional.h"
#include "policy/policy.h"

namespace confide::policy {

// Days `agreement` lets `dataset` be used; nullopt if it does not cover the dataset.
absl::optional<int> AgreementRetentionDays(const v1::Agreement& agreement,
                                           absl::string_view dataset);

// The longest retention of any agreement covering `dataset`; nullopt if none covers it (the
// hub then keeps the records and raises an alert rather than delete on a policy mistake).
absl::optional<int> DatasetRetentionDays(const Policy& policy, absl::string_view dataset);

// Records whose event time (civil seconds since 1970-01-01) is before the returned cutoff are
// past `days` of retention on `today`.
int64_t RetentionCutoff(absl::CivilDay today, int days);

}  // namespace confide::policy
