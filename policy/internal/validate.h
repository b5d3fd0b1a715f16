#pragma once

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "confide/v1/policy.pb.h"
#include "google/protobuf/text_format.h"

namespace confide::policy::internal {

struct ValidationFindings {
  std::vector<std::string> errors;  // "file:line:col: message"
  std::vector<std::string> warnings;
};

// Semantic checks on a parsed policy. `locations` maps fields back to source lines.
ValidationFindings ValidatePolicy(const v1::Policy& policy,
                                  const google::protobuf::TextFormat::ParseInfoTree& locations,
                                  const std::string& source_name, absl::CivilDay today);

// Grace period after an agreement's review date before the hub refuses to serve under it.
inline constexpr int kReviewGraceDays = 30;

}  // namespace confide::policy::internal
