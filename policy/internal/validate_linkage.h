#pragma once

// Checks of the policy's linkage recipe, part of ValidatePolicy (validate.h).

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "confide/v1/policy.pb.h"

namespace confide::policy::internal {

// A path from the root message to a field: (field name, index or -1 for singular fields).
using FieldPath = std::vector<std::pair<std::string, int>>;

// Receives findings; the implementation turns paths into "file:line:col".
class FindingSink {
 public:
  virtual ~FindingSink() = default;
  virtual void Error(const FieldPath& path, absl::string_view message) = 0;
  virtual void Warning(const FieldPath& path, absl::string_view message) = 0;
};

// Errors: match keys with an empty or repeated id, no elements, a repeated or unspecified
// element, or both exclusive and weak; a derived element (SURNAME_PHONETIC...) on a dataset
// field; a negative max_records_per_token; nickname entries that are not lower-case ASCII
// letters, give a name twice, list a variant under two names, or list a variant that is another
// entry's name; empty or repeated key_versions.
// Warnings: a match key no dataset can ever produce, because no field provides one of its
// elements (or the element a derived one comes from).
void CheckLinkageRecipe(const v1::Policy& policy, FindingSink& findings);

}  // namespace confide::policy::internal
