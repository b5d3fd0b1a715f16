#include "hub/audit/tree_head_issuer.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "hub/audit/merkle.h"

namespace confide::hub {

TreeHeadIssuer::TreeHeadIssuer(AuditTree& tree, const TreeHeadSigner& signer, const Clock& clock)
    : tree_(tree), signer_(signer), clock_(clock) {}

absl::StatusOr<v1::SignedTreeHead> TreeHeadIssuer::LatestHead() {
  std::lock_guard<std::mutex> lock(issue_mu_);
  const AuditTreeState state = tree_.CurrentTree();
  absl::StatusOr<v1::SignedTreeHead> saved = tree_.LatestSignedHead();
  if (saved.ok() && saved->tree_size() == state.tree_size &&
      saved->root_hash() == state.root_hash &&
      saved->key_fingerprint() == signer_.key_fingerprint()) {
    return *saved;
  }
  if (!saved.ok() && saved.status().code() != absl::StatusCode::kNotFound) {
    return absl::UnavailableError(
        absl::StrCat("cannot read the saved audit tree head: ", saved.status().message()));
  }
  CONFIDE_ASSIGN_OR_RETURN(v1::SignedTreeHead head, signer_.Sign(state.tree_size, state.root_hash,
                                                                 absl::ToUnixMicros(clock_.Now())));
  if (absl::Status status = tree_.SaveSignedHead(head); !status.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot save the audit tree head: ", status.message()));
  }
  return head;
}

absl::StatusOr<std::vector<std::string>> TreeHeadIssuer::ConsistencyProof(uint64_t first,
                                                                          uint64_t second) const {
  if (first > second) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected first <= second, got ", first, " and ", second));
  }
  CONFIDE_ASSIGN_OR_RETURN(std::vector<std::string> hashes, tree_.LeafHashes(second));
  return MerkleConsistencyProof(hashes, first);
}

absl::StatusOr<InclusionProof> TreeHeadIssuer::ProveInclusion(uint64_t sequence,
                                                              uint64_t tree_size) const {
  if (sequence == 0 || sequence > tree_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected a sequence between 1 and the tree size ", tree_size, ", got ", sequence));
  }
  CONFIDE_ASSIGN_OR_RETURN(std::vector<std::string> hashes, tree_.LeafHashes(tree_size));
  InclusionProof proof;
  proof.leaf_index = sequence - 1;
  proof.leaf_hash = hashes[proof.leaf_index];
  CONFIDE_ASSIGN_OR_RETURN(proof.path, MerkleInclusionProof(hashes, proof.leaf_index));
  return proof;
}

}  // namespace confide::hub
