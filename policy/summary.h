#pragma once

#include <string>

#include "policy/policy.h"

namespace confide::policy {

// A plain-English account of what a policy allows, for an IG officer to review and sign off:
// who may send what, who may see what, for which purpose, at what grain, kept how long,
// reviewed when.
std::string SummarisePolicy(const Policy& policy);

}  // namespace confide::policy
