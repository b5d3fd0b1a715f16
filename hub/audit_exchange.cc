// Exchange: the audit log's tamper evidence (signed tree heads and Merkle proofs). Authorised
// and audited like every other request; the proofs carry hashes only, never event contents.

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/exchange.h"

namespace confide::hub {
namespace {

absl::Status NoTreeHeads() {
  return absl::UnavailableError("the hub was started without an audit signing key");
}

}  // namespace

absl::StatusOr<v1::GetTreeHeadResponse> Exchange::GetTreeHead(const Identity& caller) {
  std::shared_ptr<const policy::Policy> current = policy();
  v1::AuditEvent event = NewEvent(caller, policy::Action::kAuditTreeHead, *current);
  policy::AccessRequest access;
  access.caller = caller;
  access.action = policy::Action::kAuditTreeHead;
  CONFIDE_RETURN_IF_ERROR(Authorize(*current, access, event).status());
  if (tree_heads_ == nullptr) {
    return AuditFailure(std::move(event), NoTreeHeads());
  }
  // Audited first, so the head returned covers this request too.
  CONFIDE_RETURN_IF_ERROR(Audit(std::move(event)).status());
  CONFIDE_ASSIGN_OR_RETURN(v1::SignedTreeHead head, tree_heads_->LatestHead());
  v1::GetTreeHeadResponse response;
  *response.mutable_head() = std::move(head);
  response.set_public_key_pem(tree_heads_->signer().public_key_pem());
  return response;
}

absl::StatusOr<v1::GetConsistencyProofResponse> Exchange::GetConsistencyProof(
    const Identity& caller, const v1::GetConsistencyProofRequest& request) {
  std::shared_ptr<const policy::Policy> current = policy();
  v1::AuditEvent event = NewEvent(caller, policy::Action::kAuditConsistency, *current);
  event.set_detail(absl::StrCat("tree sizes ", request.first(), " to ", request.second()));
  policy::AccessRequest access;
  access.caller = caller;
  access.action = policy::Action::kAuditConsistency;
  CONFIDE_RETURN_IF_ERROR(Authorize(*current, access, event).status());
  if (tree_heads_ == nullptr) {
    return AuditFailure(std::move(event), NoTreeHeads());
  }
  absl::StatusOr<std::vector<std::string>> proof =
      tree_heads_->ConsistencyProof(request.first(), request.second());
  if (!proof.ok()) {
    return AuditFailure(std::move(event), proof.status());
  }
  CONFIDE_RETURN_IF_ERROR(Audit(std::move(event)).status());
  v1::GetConsistencyProofResponse response;
  for (std::string& node : *proof) {
    response.add_proof(std::move(node));
  }
  return response;
}

absl::StatusOr<v1::GetInclusionProofResponse> Exchange::GetInclusionProof(
    const Identity& caller, const v1::GetInclusionProofRequest& request) {
  std::shared_ptr<const policy::Policy> current = policy();
  v1::AuditEvent event = NewEvent(caller, policy::Action::kAuditInclusion, *current);
  event.set_detail(
      absl::StrCat("event ", request.sequence(), " in tree size ", request.tree_size()));
  policy::AccessRequest access;
  access.caller = caller;
  access.action = policy::Action::kAuditInclusion;
  CONFIDE_RETURN_IF_ERROR(Authorize(*current, access, event).status());
  if (tree_heads_ == nullptr) {
    return AuditFailure(std::move(event), NoTreeHeads());
  }
  uint64_t tree_size = request.tree_size();
  if (tree_size == 0) {
    absl::StatusOr<v1::SignedTreeHead> head = tree_heads_->LatestHead();
    if (!head.ok()) {
      return AuditFailure(std::move(event), head.status());
    }
    tree_size = head->tree_size();
  }
  absl::StatusOr<InclusionProof> proof = tree_heads_->ProveInclusion(request.sequence(), tree_size);
  if (!proof.ok()) {
    return AuditFailure(std::move(event), proof.status());
  }
  CONFIDE_RETURN_IF_ERROR(Audit(std::move(event)).status());
  v1::GetInclusionProofResponse response;
  response.set_leaf_index(proof->leaf_index);
  response.set_leaf_hash(std::move(proof->leaf_hash));
  for (std::string& node : proof->path) {
    response.add_proof(std::move(node));
  }
  response.set_tree_size(tree_size);
  return response;
}

}  // namespace confide::hub
