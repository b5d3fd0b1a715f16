// RFC 6962 Merkle tree: reference vectors from Certificate Transparency, an independent naive
// MTH computed here, and proofs that verify while tampered ones fail.

#include "hub/audit/merkle.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/audit/audit_leaf.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;

// The eight leaves of the Certificate Transparency merkle_tree_test.
std::vector<std::string> CtLeaves() {
  const char* hex[] = {"",
                       "00",
                       "10",
                       "2021",
                       "3031",
                       "40414243",
                       "5051525354555657",
                       "606162636465666768696a6b6c6d6e6f"};
  std::vector<std::string> leaves;
  for (const char* h : hex) {
    leaves.push_back(absl::HexStringToBytes(h));
  }
  return leaves;
}

// Straight from RFC 6962 §2.1, written independently of merkle.cc (no frontier, no shared
// helpers beyond SHA-256).
std::string NaiveRoot(const std::vector<std::string>& leaves, size_t begin, size_t end) {
  const size_t n = end - begin;
  if (n == 0) {
    return crypto::Sha256("");
  }
  if (n == 1) {
    return crypto::Sha256(absl::StrCat(std::string(1, '\0'), leaves[begin]));
  }
  size_t k = 1;
  while (k * 2 < n) {
    k *= 2;
  }
  return crypto::Sha256(absl::StrCat(std::string(1, '\1'), NaiveRoot(leaves, begin, begin + k),
                                     NaiveRoot(leaves, begin + k, end)));
}

std::vector<std::string> HashAll(const std::vector<std::string>& leaves, size_t n) {
  std::vector<std::string> hashes;
  for (size_t i = 0; i < n; ++i) {
    hashes.push_back(MerkleLeafHash(leaves[i]));
  }
  return hashes;
}

std::vector<std::string> RandomLeaves(std::mt19937_64& rng, size_t n) {
  std::vector<std::string> leaves;
  for (size_t i = 0; i < n; ++i) {
    leaves.push_back(absl::StrCat("leaf-", i, "-", rng()));
  }
  return leaves;
}

TEST(MerkleTest, CertificateTransparencyReferenceRoots) {
  const char* expected[] = {
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
  const std::vector<std::string> leaves = CtLeaves();
  for (size_t n = 0; n <= 8; ++n) {
    const std::string root = MerkleRoot(HashAll(leaves, n));
    EXPECT_EQ(absl::BytesToHexString(root), expected[n]) << "size " << n;
    EXPECT_EQ(root, NaiveRoot(leaves, 0, n)) << "size " << n;
  }
}

TEST(MerkleTest, FrontierMatchesNaiveRootForRandomSizes) {
  std::mt19937_64 rng(6962);
  for (int round = 0; round < 20; ++round) {
    const size_t n = std::uniform_int_distribution<size_t>(0, 300)(rng);
    const std::vector<std::string> leaves = RandomLeaves(rng, n);
    MerkleFrontier frontier;
    for (size_t i = 0; i < n; ++i) {
      frontier.Append(MerkleLeafHash(leaves[i]));
      if (i % 37 == 0 || i + 1 == n) {
        ASSERT_EQ(frontier.Root(), NaiveRoot(leaves, 0, i + 1)) << "size " << i + 1;
      }
    }
    EXPECT_EQ(frontier.size(), n);
    EXPECT_EQ(MerkleRoot(HashAll(leaves, n)), NaiveRoot(leaves, 0, n));
  }
}

TEST(MerkleTest, EveryInclusionProofVerifiesUpToSize33) {
  std::mt19937_64 rng(1);
  const std::vector<std::string> leaves = RandomLeaves(rng, 33);
  for (size_t n = 1; n <= leaves.size(); ++n) {
    const std::vector<std::string> hashes = HashAll(leaves, n);
    const std::string root = NaiveRoot(leaves, 0, n);
    for (size_t i = 0; i < n; ++i) {
      absl::StatusOr<std::vector<std::string>> proof = MerkleInclusionProof(hashes, i);
      ASSERT_THAT(proof, IsOk());
      EXPECT_THAT(VerifyMerkleInclusion(i, n, hashes[i], *proof, root), IsOk())
          << "leaf " << i << " of " << n;
    }
  }
}

TEST(MerkleTest, TamperedInclusionProofsFail) {
  std::mt19937_64 rng(2);
  const std::vector<std::string> leaves = RandomLeaves(rng, 13);
  const std::vector<std::string> hashes = HashAll(leaves, 13);
  const std::string root = MerkleRoot(hashes);
  const std::vector<std::string> proof = *MerkleInclusionProof(hashes, 5);
  ASSERT_THAT(VerifyMerkleInclusion(5, 13, hashes[5], proof, root), IsOk());
  // Wrong leaf, wrong index, wrong size, wrong root.
  EXPECT_THAT(VerifyMerkleInclusion(5, 13, hashes[6], proof, root),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(VerifyMerkleInclusion(4, 13, hashes[5], proof, root),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  // (A size with the same path shape proves nothing new: the signed head binds size to root.)
  EXPECT_THAT(VerifyMerkleInclusion(5, 6, hashes[5], proof, root),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(VerifyMerkleInclusion(5, 13, hashes[5], proof, MerkleRoot(HashAll(leaves, 12))),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(VerifyMerkleInclusion(13, 13, hashes[5], proof, root),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  // Each node flipped, one dropped, one extra.
  for (size_t i = 0; i < proof.size(); ++i) {
    std::vector<std::string> bad = proof;
    bad[i][0] = static_cast<char>(bad[i][0] ^ 1);
    EXPECT_THAT(VerifyMerkleInclusion(5, 13, hashes[5], bad, root),
                StatusIs(absl::StatusCode::kFailedPrecondition));
  }
  std::vector<std::string> shorter(proof.begin(), proof.end() - 1);
  EXPECT_THAT(VerifyMerkleInclusion(5, 13, hashes[5], shorter, root),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  std::vector<std::string> longer = proof;
  longer.push_back(root);
  EXPECT_THAT(VerifyMerkleInclusion(5, 13, hashes[5], longer, root),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(MerkleInclusionProof(hashes, 13), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(MerkleTest, EveryConsistencyProofVerifiesUpToSize33) {
  std::mt19937_64 rng(3);
  const std::vector<std::string> leaves = RandomLeaves(rng, 33);
  const std::vector<std::string> hashes = HashAll(leaves, leaves.size());
  for (size_t n = 0; n <= leaves.size(); ++n) {
    const std::vector<std::string> prefix(hashes.begin(), hashes.begin() + n);
    const std::string new_root = NaiveRoot(leaves, 0, n);
    for (size_t m = 0; m <= n; ++m) {
      absl::StatusOr<std::vector<std::string>> proof = MerkleConsistencyProof(prefix, m);
      ASSERT_THAT(proof, IsOk());
      EXPECT_THAT(VerifyMerkleConsistency(m, n, NaiveRoot(leaves, 0, m), new_root, *proof), IsOk())
          << m << " -> " << n;
    }
  }
}

TEST(MerkleTest, RewrittenHistoryFailsConsistency) {
  std::mt19937_64 rng(4);
  std::vector<std::string> leaves = RandomLeaves(rng, 20);
  const std::string old_root = MerkleRoot(HashAll(leaves, 7));
  std::vector<std::string> forked = leaves;
  forked[3] = "forged";
  const std::vector<std::string> forked_hashes = HashAll(forked, 20);
  const std::vector<std::string> proof = *MerkleConsistencyProof(forked_hashes, 7);
  EXPECT_THAT(VerifyMerkleConsistency(7, 20, old_root, MerkleRoot(forked_hashes), proof),
              StatusIs(absl::StatusCode::kFailedPrecondition));

  const std::vector<std::string> hashes = HashAll(leaves, 20);
  const std::string new_root = MerkleRoot(hashes);
  const std::vector<std::string> good = *MerkleConsistencyProof(hashes, 7);
  ASSERT_THAT(VerifyMerkleConsistency(7, 20, old_root, new_root, good), IsOk());
  for (size_t i = 0; i < good.size(); ++i) {
    std::vector<std::string> bad = good;
    bad[i][31] = static_cast<char>(bad[i][31] ^ 0x80);
    EXPECT_THAT(VerifyMerkleConsistency(7, 20, old_root, new_root, bad),
                StatusIs(absl::StatusCode::kFailedPrecondition));
  }
  // A shrinking tree (rollback) and a different root for the same size (split view).
  EXPECT_THAT(VerifyMerkleConsistency(20, 7, new_root, old_root, {}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(VerifyMerkleConsistency(20, 20, new_root, MerkleRoot(forked_hashes), {}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(VerifyMerkleConsistency(7, 20, old_root, new_root, {}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(MerkleConsistencyProof(hashes, 21), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(AuditLeafTest, EncodesEveryFieldSoAnyChangeChangesTheHash) {
  // A field added to AuditEvent must be added to AuditLeafBytes (with a new version tag).
  EXPECT_EQ(v1::AuditEvent::descriptor()->field_count(), 15);
  v1::AuditEvent event;
  event.set_sequence(7);
  event.set_action("Query.Run");
  event.set_detail("ab");
  const std::string base = AuditLeafHash(event);
  v1::AuditEvent moved = event;
  moved.set_action("Query.Ru");
  moved.set_detail("nab");  // same concatenation, different split: length prefixes tell apart
  EXPECT_NE(AuditLeafHash(moved), base);
  v1::AuditEvent renumbered = event;
  renumbered.set_sequence(8);
  EXPECT_NE(AuditLeafHash(renumbered), base);
  v1::AuditEvent redecided = event;
  redecided.set_decision(v1::AuditEvent::DENY);
  EXPECT_NE(AuditLeafHash(redecided), base);
  EXPECT_EQ(AuditLeafHash(event), base);
}

}  // namespace
}  // namespace confide::hub
