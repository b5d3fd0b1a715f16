#pragma once

// From exact groups to what an analyst sees: optional differential-privacy noise, then
// disclosure control on every measure, then ORDER BY and LIMIT on published values only.
//
// Each measure is controlled through the counts it is made of (ExactGroup::numerators and
// denominators): a count directly; RATE_PER_1000 is computed from the published (rounded)
// count, so it cannot be turned back into an exact one; SUM(harm) is hidden wherever the
// number of records summed would be, and rounded like a count; REPEAT_RATE is computed from the
// published numbers of repeat persons and of persons, and hidden when either is.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "confide/v1/query.pb.h"
#include "hub/analytics/column_store.h"
#include "hub/query/ast.h"
#include "policy/disclosure/disclosure_control.h"

namespace confide::hub::analytics {

struct PublishOptions {
  policy::DisclosureRules rules;
  // Differential privacy: when set, every count and sum passes through these before
  // disclosure control (which is then post-processing). `measure` indexes the aggregates.
  std::function<int64_t(size_t measure, const ExactGroup& group, int64_t exact)> noisy_count;
  std::function<double(size_t measure, const ExactGroup& group, double exact)> noisy_sum;
};

// On failure `failed_rule` names the audit rule (e.g. "disclosure.recoverable-from-margin").
absl::StatusOr<v1::QueryResult> Publish(const query::ParsedQuery& parsed,
                                        const std::vector<ExactGroup>& groups,
                                        const PublishOptions& options, std::string* failed_rule);

}  // namespace confide::hub::analytics
