#pragma once

// The witness's decision: does the hub's current signed tree head extend the last one this
// witness verified? A hub that rolls its store back, rewrites or drops events, re-signs with
// another key, or shows different witnesses different histories (a split view) fails here.
// Pure; thread-safe.

#include <string>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "confide/v1/audit.pb.h"
#include "hub/audit/tree_head.h"

namespace confide::hub {

// OK when `current` carries a valid signature by `verifier` and `proof` (RFC 6962
// PROOF(last.tree_size, D[current.tree_size])) shows the tree of `last` is a prefix of it.
// DataLoss, saying exactly what is wrong (signature, rollback, rewrite at the same size, proof
// that does not verify), otherwise. `last` must already have been verified.
absl::Status CheckTreeHeadExtends(const TreeHeadVerifier& verifier, const v1::SignedTreeHead& last,
                                  const v1::SignedTreeHead& current,
                                  absl::Span<const std::string> proof);

// A short human label for a head: "size 123, root 1a2b3c4d…, 2026-11-21 10:00:00 UTC".
std::string DescribeTreeHead(const v1::SignedTreeHead& head);

}  // namespace confide::hub
