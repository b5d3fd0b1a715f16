// The witness's decision on a new signed tree head: an honest append-only log is accepted, and
// each way a hub can lie is refused with a message naming it: a rollback, a rewrite at the same
// size, a rewritten prefix under a valid signature (split view), a forged proof, another key.

#include "hub/audit/witness.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/audit/merkle.h"
#include "tests/testing/audit_keys.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::NewAuditSigner;
using ::testing::HasSubstr;

constexpr int64_t kSignedAt = 1795000000000000;

std::vector<std::string> Leaves(int count, absl::string_view branch = "main") {
  std::vector<std::string> leaves;
  for (int i = 0; i < count; ++i) {
    leaves.push_back(MerkleLeafHash(absl::StrCat(branch, " event ", i)));
  }
  return leaves;
}

class WitnessTest : public ::testing::Test {
 protected:
  v1::SignedTreeHead HeadOf(const std::vector<std::string>& leaves, int size,
                            const TreeHeadSigner& signer) {
    std::vector<std::string> prefix(leaves.begin(), leaves.begin() + size);
    return *signer.Sign(size, MerkleRoot(prefix), kSignedAt + size);
  }
  v1::SignedTreeHead HeadOf(const std::vector<std::string>& leaves, int size) {
    return HeadOf(leaves, size, *signer_);
  }
  std::vector<std::string> Proof(const std::vector<std::string>& leaves, int old_size,
                                 int new_size) {
    std::vector<std::string> prefix(leaves.begin(), leaves.begin() + new_size);
    return *MerkleConsistencyProof(prefix, old_size);
  }

  std::unique_ptr<TreeHeadSigner> signer_ = NewAuditSigner();
  std::unique_ptr<TreeHeadVerifier> verifier_ =
      *TreeHeadVerifier::FromPublicKeyPem(signer_->public_key_pem());
};

TEST_F(WitnessTest, AcceptsEveryAppendOnlyGrowth) {
  const std::vector<std::string> leaves = Leaves(40);
  for (int old_size : {1, 2, 3, 7, 8, 16, 25}) {
    for (int new_size : {old_size, old_size + 1, 33, 40}) {
      if (new_size < old_size) {
        continue;
      }
      EXPECT_THAT(CheckTreeHeadExtends(*verifier_, HeadOf(leaves, old_size),
                                       HeadOf(leaves, new_size), Proof(leaves, old_size, new_size)),
                  IsOk())
          << old_size << " -> " << new_size;
    }
  }
}

TEST_F(WitnessTest, RollbackIsRefused) {
  const std::vector<std::string> leaves = Leaves(20);
  absl::Status status =
      CheckTreeHeadExtends(*verifier_, HeadOf(leaves, 20), HeadOf(leaves, 12), {});
  EXPECT_TRUE(absl::IsDataLoss(status));
  EXPECT_THAT(status.message(), HasSubstr("went back from 20 to 12 events"));
  EXPECT_THAT(status.message(), HasSubstr("rolled back"));
}

TEST_F(WitnessTest, TwoHistoriesOfTheSameSizeAreRefused) {
  const std::vector<std::string> honest = Leaves(9);
  std::vector<std::string> edited = honest;
  edited[4] = MerkleLeafHash("an edited event");
  absl::Status status = CheckTreeHeadExtends(*verifier_, HeadOf(honest, 9), HeadOf(edited, 9), {});
  EXPECT_TRUE(absl::IsDataLoss(status));
  EXPECT_THAT(status.message(), HasSubstr("two different audit histories of the same size 9"));
}

TEST_F(WitnessTest, ARewrittenPrefixIsRefusedWhateverProofTheHubSends) {
  // A fork: both branches are validly signed, but the later one does not extend the earlier.
  const std::vector<std::string> seen = Leaves(10, "seen");
  std::vector<std::string> fork = seen;
  fork[3] = MerkleLeafHash("rewritten");
  for (int i = 0; i < 6; ++i) {
    fork.push_back(MerkleLeafHash(absl::StrCat("later ", i)));
  }
  const v1::SignedTreeHead last = HeadOf(seen, 10);
  const v1::SignedTreeHead current = HeadOf(fork, 16);
  for (const std::vector<std::string>& proof :
       {Proof(fork, 10, 16), Proof(seen, 5, 10), std::vector<std::string>()}) {
    absl::Status status = CheckTreeHeadExtends(*verifier_, last, current, proof);
    EXPECT_TRUE(absl::IsDataLoss(status)) << status;
    EXPECT_THAT(status.message(), HasSubstr("does not extend the one this witness verified at 10"));
  }
}

TEST_F(WitnessTest, AHeadSignedWithAnotherKeyIsRefused) {
  const std::vector<std::string> leaves = Leaves(12);
  std::unique_ptr<TreeHeadSigner> other = NewAuditSigner();
  absl::Status status = CheckTreeHeadExtends(*verifier_, HeadOf(leaves, 4),
                                             HeadOf(leaves, 12, *other), Proof(leaves, 4, 12));
  EXPECT_TRUE(absl::IsDataLoss(status));
  EXPECT_THAT(status.message(), HasSubstr("not validly signed by the pinned audit key"));
}

TEST_F(WitnessTest, AnEditedSignedFieldIsRefused) {
  const std::vector<std::string> leaves = Leaves(12);
  v1::SignedTreeHead current = HeadOf(leaves, 12);
  current.set_timestamp_micros(current.timestamp_micros() + 1);
  EXPECT_TRUE(absl::IsDataLoss(
      CheckTreeHeadExtends(*verifier_, HeadOf(leaves, 4), current, Proof(leaves, 4, 12))));
}

TEST_F(WitnessTest, DescribesAHeadWithoutItsSignature) {
  const v1::SignedTreeHead head = HeadOf(Leaves(3), 3);
  const std::string text = DescribeTreeHead(head);
  EXPECT_THAT(text, HasSubstr("size 3, root "));
  EXPECT_THAT(text, HasSubstr(" UTC"));
}

}  // namespace
}  // namespace confide::hub
