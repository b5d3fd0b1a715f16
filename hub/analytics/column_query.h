#pragma once

// Query execution over DatasetTables (see hub/analytics/column_store.h for the contract).

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hub/analytics/column_store.h"
#include "hub/analytics/dataset_table.h"
#include "hub/query/ast.h"
#include "policy/policy.h"

namespace confide::hub::analytics {

struct QueryInputs {
  const policy::Policy& policy;
  std::function<const DatasetTable*(absl::string_view)> table_of;
  uint32_t person_count = 0;
  bool persons_current = false;
};

absl::StatusOr<std::vector<ExactGroup>> RunColumnQuery(const QueryInputs& inputs,
                                                       const query::ParsedQuery& parsed,
                                                       const RunOptions& options);

}  // namespace confide::hub::analytics
