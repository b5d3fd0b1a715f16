#pragma once

// Issues the hub's signed tree heads and the proofs that tie events and heads together, over the
// tree its store keeps (AuditTree). Every head it hands out is saved durably first, so a
// restarted hub rebuilds its tree and checks it against every head it ever signed.
//
// Thread-safe. Holds references only: the tree, signer and clock must outlive it.
//
// TODO(audit): agent-side witnessing is not wired yet. Agents are authorised to call
// Audit.GetTreeHead and Audit.GetConsistencyProof (policy rule "audit.agent-witness"), but they
// do not yet fetch a head on each push, keep the last one in their journal and check
// consistency. That belongs in agent/ (hub_client + journal) and is left to the agent owners.

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "confide/v1/audit.pb.h"
#include "hub/audit/audit_tree.h"
#include "hub/audit/tree_head.h"

namespace confide::hub {

struct InclusionProof {
  uint64_t leaf_index = 0;  // sequence - 1
  std::string leaf_hash;
  std::vector<std::string> path;
};

class TreeHeadIssuer {
 public:
  TreeHeadIssuer(AuditTree& tree, const TreeHeadSigner& signer, const Clock& clock);

  // A head over every durable event: the latest saved head when the tree has not grown since,
  // else a newly signed and saved one. Unavailable when it cannot be saved (nothing returned).
  absl::StatusOr<v1::SignedTreeHead> LatestHead();

  // RFC 6962 consistency proof from `first` to `second` events. InvalidArgument unless
  // first <= second; OutOfRange when second exceeds the tree.
  absl::StatusOr<std::vector<std::string>> ConsistencyProof(uint64_t first, uint64_t second) const;

  // Proof that event `sequence` (1-based) is in the tree of `tree_size` events. InvalidArgument
  // unless 1 <= sequence <= tree_size; OutOfRange when tree_size exceeds the tree.
  absl::StatusOr<InclusionProof> ProveInclusion(uint64_t sequence, uint64_t tree_size) const;

  const TreeHeadSigner& signer() const { return signer_; }

 private:
  AuditTree& tree_;
  const TreeHeadSigner& signer_;
  const Clock& clock_;
  std::mutex issue_mu_;  // one head signed and saved at a time
};

}  // namespace confide::hub
