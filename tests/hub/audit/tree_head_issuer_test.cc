// TreeHeadIssuer over the in-memory store: heads are signed, saved before they are returned,
// reused while the tree is unchanged, and proofs from it verify against them.

#include "hub/audit/tree_head_issuer.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/audit/audit_leaf.h"
#include "hub/audit/merkle.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/in_memory_record_store.h"
#include "tests/testing/audit_keys.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub {
namespace {

using ::confide::testing::FakeClock;
using ::confide::testing::InMemoryRecordStore;
using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;

std::unique_ptr<TreeHeadSigner> NewSigner() { return testing::NewAuditSigner(); }

class TreeHeadIssuerTest : public ::testing::Test {
 protected:
  void AppendEvents(int count) {
    for (int i = 0; i < count; ++i) {
      v1::AuditEvent event;
      event.set_action(absl::StrCat("e", i));
      ASSERT_THAT(store_.Append(event), IsOk());
    }
  }
  InMemoryRecordStore store_;
  std::unique_ptr<TreeHeadSigner> signer_ = NewSigner();
  std::unique_ptr<TreeHeadVerifier> verifier_ =
      *TreeHeadVerifier::FromPublicKeyPem(signer_->public_key_pem());
  FakeClock clock_{absl::FromUnixSeconds(1700000000)};
  TreeHeadIssuer issuer_{store_, *signer_, clock_};
};

TEST_F(TreeHeadIssuerTest, HeadIsSignedSavedAndReusedUntilTheTreeGrows) {
  AppendEvents(5);
  absl::StatusOr<v1::SignedTreeHead> first = issuer_.LatestHead();
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->tree_size(), 5u);
  EXPECT_EQ(first->root_hash(), store_.CurrentTree().root_hash);
  EXPECT_EQ(first->timestamp_micros(), int64_t{1700000000} * 1000000);
  EXPECT_THAT(verifier_->Verify(*first), IsOk());
  EXPECT_EQ(store_.LatestSignedHead()->SerializeAsString(), first->SerializeAsString());

  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(issuer_.LatestHead()->timestamp_micros(), first->timestamp_micros());  // reused
  AppendEvents(1);
  absl::StatusOr<v1::SignedTreeHead> second = issuer_.LatestHead();
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->tree_size(), 6u);
  EXPECT_GT(second->timestamp_micros(), first->timestamp_micros());
}

TEST_F(TreeHeadIssuerTest, HeadThatCannotBeSavedIsNotIssued) {
  AppendEvents(2);
  store_.FailWrites(true);
  EXPECT_THAT(issuer_.LatestHead(), StatusIs(absl::StatusCode::kUnavailable));
  store_.FailWrites(false);
  EXPECT_THAT(issuer_.LatestHead(), IsOk());
}

TEST_F(TreeHeadIssuerTest, ProofsVerifyAgainstIssuedHeads) {
  AppendEvents(7);
  const v1::SignedTreeHead old_head = *issuer_.LatestHead();
  AppendEvents(12);
  const v1::SignedTreeHead new_head = *issuer_.LatestHead();
  absl::StatusOr<std::vector<std::string>> consistency = issuer_.ConsistencyProof(7, 19);
  ASSERT_THAT(consistency, IsOk());
  EXPECT_THAT(
      VerifyMerkleConsistency(7, 19, old_head.root_hash(), new_head.root_hash(), *consistency),
      IsOk());
  const std::vector<v1::AuditEvent> events = store_.AllEvents();
  for (uint64_t sequence = 1; sequence <= 19; ++sequence) {
    absl::StatusOr<InclusionProof> proof = issuer_.ProveInclusion(sequence, 19);
    ASSERT_THAT(proof, IsOk());
    EXPECT_EQ(proof->leaf_hash, AuditLeafHash(events[sequence - 1]));
    EXPECT_THAT(VerifyMerkleInclusion(proof->leaf_index, 19, proof->leaf_hash, proof->path,
                                      new_head.root_hash()),
                IsOk());
  }
}

TEST_F(TreeHeadIssuerTest, OutOfRangeRequestsAreRefused) {
  AppendEvents(3);
  EXPECT_THAT(issuer_.ConsistencyProof(3, 2), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(issuer_.ConsistencyProof(1, 4), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(issuer_.ProveInclusion(0, 3), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(issuer_.ProveInclusion(4, 3), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(issuer_.ProveInclusion(1, 4), StatusIs(absl::StatusCode::kOutOfRange));
}

}  // namespace
}  // namespace confide::hub
