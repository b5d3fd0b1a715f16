#pragma once

// RFC 6962 (Certificate Transparency) Merkle tree over SHA-256: leaf hash SHA-256(0x00 || leaf),
// node hash SHA-256(0x01 || left || right), the root of n leaves, inclusion proofs (audit paths)
// and consistency proofs between tree sizes, and their verifiers (RFC 9162 §2.1.3.2, §2.1.4.2).
// All functions are pure and thread-safe. Hashes are raw 32-byte strings.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace confide::hub {

inline constexpr size_t kMerkleHashBytes = 32;

std::string MerkleLeafHash(absl::string_view leaf);
std::string MerkleNodeHash(absl::string_view left, absl::string_view right);
// The root of the empty tree, SHA-256 of the empty string.
std::string MerkleEmptyRoot();

// MTH(D[n]) over already-hashed leaves. O(n).
std::string MerkleRoot(absl::Span<const std::string> leaf_hashes);

// PATH(index, D[n]) for the tree of all `leaf_hashes`. InvalidArgument when index >= n.
absl::StatusOr<std::vector<std::string>> MerkleInclusionProof(
    absl::Span<const std::string> leaf_hashes, uint64_t index);

// PROOF(old_size, D[n]) for the tree of all `leaf_hashes`. InvalidArgument unless
// old_size <= n. Empty when old_size is 0 or n.
absl::StatusOr<std::vector<std::string>> MerkleConsistencyProof(
    absl::Span<const std::string> leaf_hashes, uint64_t old_size);

// OK when `proof` shows the leaf with `leaf_hash` at `index` is in the tree of `tree_size`
// leaves with `root`; FailedPrecondition (with what is wrong) otherwise.
absl::Status VerifyMerkleInclusion(uint64_t index, uint64_t tree_size, absl::string_view leaf_hash,
                                   absl::Span<const std::string> proof, absl::string_view root);

// OK when `proof` shows the tree of `old_size` leaves with `old_root` is a prefix of the tree of
// `new_size` leaves with `new_root` (append-only); FailedPrecondition otherwise.
absl::Status VerifyMerkleConsistency(uint64_t old_size, uint64_t new_size,
                                     absl::string_view old_root, absl::string_view new_root,
                                     absl::Span<const std::string> proof);

// The right edge of a growing tree: the roots of its perfect subtrees, largest first (one per
// set bit of size()). Append and Root are O(log n). Not thread-safe; copyable.
class MerkleFrontier {
 public:
  void Append(std::string leaf_hash);
  uint64_t size() const { return size_; }
  std::string Root() const;

 private:
  uint64_t size_ = 0;
  std::vector<std::string> nodes_;  // perfect-subtree roots, largest (leftmost) first
};

}  // namespace confide::hub
