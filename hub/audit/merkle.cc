#include "hub/audit/merkle.h"

#include <bit>

#include "absl/strings/str_cat.h"
#include "common/crypto/hash.h"

namespace confide::hub {
namespace {

std::string PrefixedHash(char prefix, absl::string_view a, absl::string_view b) {
  std::string input;
  input.reserve(1 + a.size() + b.size());
  input.push_back(prefix);
  input.append(a.data(), a.size());
  input.append(b.data(), b.size());
  return crypto::Sha256(input);
}

// Largest power of two strictly less than n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

void Path(absl::Span<const std::string> leaves, uint64_t index, std::vector<std::string>& out) {
  if (leaves.size() <= 1) {
    return;
  }
  const uint64_t k = SplitPoint(leaves.size());
  if (index < k) {
    Path(leaves.subspan(0, k), index, out);
    out.push_back(MerkleRoot(leaves.subspan(k)));
  } else {
    Path(leaves.subspan(k), index - k, out);
    out.push_back(MerkleRoot(leaves.subspan(0, k)));
  }
}

void SubProof(absl::Span<const std::string> leaves, uint64_t m, bool complete,
              std::vector<std::string>& out) {
  const uint64_t n = leaves.size();
  if (m == n) {
    if (!complete) {
      out.push_back(MerkleRoot(leaves));
    }
    return;
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    SubProof(leaves.subspan(0, k), m, complete, out);
    out.push_back(MerkleRoot(leaves.subspan(k)));
  } else {
    SubProof(leaves.subspan(k), m - k, false, out);
    out.push_back(MerkleRoot(leaves.subspan(0, k)));
  }
}

absl::Status Mismatch(absl::string_view what) {
  return absl::FailedPreconditionError(std::string(what));
}

}  // namespace

std::string MerkleLeafHash(absl::string_view leaf) { return PrefixedHash('\x00', leaf, {}); }

std::string MerkleNodeHash(absl::string_view left, absl::string_view right) {
  return PrefixedHash('\x01', left, right);
}

std::string MerkleEmptyRoot() { return crypto::Sha256(""); }

std::string MerkleRoot(absl::Span<const std::string> leaf_hashes) {
  if (leaf_hashes.empty()) {
    return MerkleEmptyRoot();
  }
  MerkleFrontier frontier;
  for (const std::string& hash : leaf_hashes) {
    frontier.Append(hash);
  }
  return frontier.Root();
}

absl::StatusOr<std::vector<std::string>> MerkleInclusionProof(
    absl::Span<const std::string> leaf_hashes, uint64_t index) {
  if (index >= leaf_hashes.size()) {
    return absl::InvalidArgumentError(absl::StrCat("expected a leaf index below the tree size ",
                                                   leaf_hashes.size(), ", got ", index));
  }
  std::vector<std::string> proof;
  Path(leaf_hashes, index, proof);
  return proof;
}

absl::StatusOr<std::vector<std::string>> MerkleConsistencyProof(
    absl::Span<const std::string> leaf_hashes, uint64_t old_size) {
  if (old_size > leaf_hashes.size()) {
    return absl::InvalidArgumentError(absl::StrCat("expected an old tree size of at most ",
                                                   leaf_hashes.size(), ", got ", old_size));
  }
  std::vector<std::string> proof;
  if (old_size > 0) {
    SubProof(leaf_hashes, old_size, true, proof);
  }
  return proof;
}

absl::Status VerifyMerkleInclusion(uint64_t index, uint64_t tree_size, absl::string_view leaf_hash,
                                   absl::Span<const std::string> proof, absl::string_view root) {
  if (index >= tree_size) {
    return Mismatch(absl::StrCat("leaf index ", index, " is not below tree size ", tree_size));
  }
  uint64_t fn = index;
  uint64_t sn = tree_size - 1;
  std::string r(leaf_hash);
  for (const std::string& p : proof) {
    if (sn == 0) {
      return Mismatch("inclusion proof is longer than the tree is deep");
    }
    if ((fn & 1) != 0 || fn == sn) {
      r = MerkleNodeHash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = MerkleNodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return Mismatch("inclusion proof is shorter than the tree is deep");
  }
  if (!crypto::ConstantTimeEquals(r, root)) {
    return Mismatch("inclusion proof does not lead to the tree head's root");
  }
  return absl::OkStatus();
}

absl::Status VerifyMerkleConsistency(uint64_t old_size, uint64_t new_size,
                                     absl::string_view old_root, absl::string_view new_root,
                                     absl::Span<const std::string> proof) {
  if (old_size > new_size) {
    return Mismatch(absl::StrCat("tree shrank from ", old_size, " to ", new_size, " entries"));
  }
  if (old_size == new_size) {
    if (!proof.empty()) {
      return Mismatch("expected an empty consistency proof between equal sizes");
    }
    if (old_root != new_root) {
      return Mismatch(absl::StrCat("two different roots for the same tree size ", old_size));
    }
    return absl::OkStatus();
  }
  if (old_size == 0) {
    // Every tree extends the empty tree.
    return proof.empty() ? absl::OkStatus()
                         : Mismatch("expected an empty consistency proof from size 0");
  }
  if (proof.empty()) {
    return Mismatch("consistency proof is empty");
  }
  std::vector<std::string> path(proof.begin(), proof.end());
  if (std::has_single_bit(old_size)) {
    path.insert(path.begin(), std::string(old_root));
  }
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  std::string fr = path[0];
  std::string sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const std::string& c = path[i];
    if (sn == 0) {
      return Mismatch("consistency proof is longer than expected");
    }
    if ((fn & 1) != 0 || fn == sn) {
      fr = MerkleNodeHash(c, fr);
      sr = MerkleNodeHash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = MerkleNodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return Mismatch("consistency proof is shorter than expected");
  }
  if (!crypto::ConstantTimeEquals(fr, old_root)) {
    return Mismatch(absl::StrCat("the log's first ", old_size,
                                 " entries no longer match the earlier head (rewritten history)"));
  }
  if (!crypto::ConstantTimeEquals(sr, new_root)) {
    return Mismatch("consistency proof does not lead to the new head's root");
  }
  return absl::OkStatus();
}

void MerkleFrontier::Append(std::string leaf_hash) {
  nodes_.push_back(std::move(leaf_hash));
  ++size_;
  // Each trailing 1-bit of the old size is a perfect subtree the new leaf now completes.
  for (uint64_t carry = size_; (carry & 1) == 0; carry >>= 1) {
    std::string right = std::move(nodes_.back());
    nodes_.pop_back();
    nodes_.back() = MerkleNodeHash(nodes_.back(), right);
  }
}

std::string MerkleFrontier::Root() const {
  if (nodes_.empty()) {
    return MerkleEmptyRoot();
  }
  std::string root = nodes_.back();
  for (size_t i = nodes_.size() - 1; i-- > 0;) {
    root = MerkleNodeHash(nodes_[i], root);
  }
  return root;
}

}  // namespace confide::hub
