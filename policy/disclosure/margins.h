#pragma once

// Linked-table protection for the margins ApplyDisclosureControl flags as disclosive.
//
// A flagged margin is a line total that would reveal a suppressed cell. When its exact value is
// below the threshold, the coarser query that publishes it suppresses it too, so nothing leaks.
// When it is at or above the threshold that query would publish it, and the suppressed cell could
// be worked out by subtraction: such a table must not be released.

#include <vector>

#include "absl/status/status.h"
#include "policy/disclosure/disclosure_control.h"

namespace confide::policy {

// FailedPrecondition naming the margin when a flagged margin of `published` (computed from the
// exact `cells`) would itself be published under `rules`. The message holds dimension values
// and no counts.
absl::Status CheckFlaggedMargins(const std::vector<TableCell>& cells,
                                 const PublishedTable& published, const DisclosureRules& rules);

}  // namespace confide::policy
