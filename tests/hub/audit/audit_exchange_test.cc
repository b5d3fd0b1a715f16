// Exchange's audit tree RPCs with the in-memory store, a fake clock and the example policy:
// authorised per role (agents witness heads and consistency, IG officers everything), audited
// before answering, failing closed, and returning proofs that verify against signed heads.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/audit/audit_leaf.h"
#include "hub/audit/merkle.h"
#include "hub/audit/tree_head.h"
#include "hub/audit/tree_head_issuer.h"
#include "hub/exchange.h"
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
using ::testing::HasSubstr;

constexpr char kPolicyPath[] = CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb";
constexpr char kPoliceAgent[] = "confide://agency/merseyside-police/agent";
constexpr char kAnalyst[] = "confide://user/analyst/a.khan";
constexpr char kIg[] = "confide://user/ig/r.patel";

Identity Id(absl::string_view uri) { return ParseIdentity(uri).value_or(Identity()); }

std::unique_ptr<TreeHeadSigner> NewSigner() { return testing::NewAuditSigner(); }

class AuditExchangeTest : public ::testing::Test {
 protected:
  std::shared_ptr<const policy::Policy> policy_ =
      *policy::Policy::FromFile(kPolicyPath, absl::CivilDay(2026, 6, 1));
  InMemoryRecordStore store_;
  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 6, 1, 12, 0, 0), absl::UTCTimeZone())};
  std::unique_ptr<TreeHeadSigner> signer_ = NewSigner();
  std::unique_ptr<TreeHeadVerifier> verifier_ =
      *TreeHeadVerifier::FromPublicKeyPem(signer_->public_key_pem());
  TreeHeadIssuer issuer_{store_, *signer_, clock_};
  Exchange exchange_{
      policy_,           store_,  store_, clock_, "hub-secret-0123456789abcdef0123456789",
      ExchangeOptions(), &issuer_};
};

TEST_F(AuditExchangeTest, IgGetsASignedHeadThatCoversItsOwnRequest) {
  ASSERT_THAT(exchange_.Health(Id(kAnalyst)), IsOk());
  absl::StatusOr<v1::GetTreeHeadResponse> response = exchange_.GetTreeHead(Id(kIg));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->head().tree_size(), 2u);
  EXPECT_THAT(verifier_->Verify(response->head()), IsOk());
  EXPECT_EQ(response->public_key_pem(), signer_->public_key_pem());
  const std::vector<v1::AuditEvent> events = store_.AllEvents();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].action(), "Audit.GetTreeHead");
  EXPECT_EQ(events[1].decision(), v1::AuditEvent::ALLOW);
  EXPECT_EQ(events[1].rule(), "audit.ig-role");
}

TEST_F(AuditExchangeTest, AgentsWitnessHeadsAndConsistencyButNotEvents) {
  absl::StatusOr<v1::GetTreeHeadResponse> first = exchange_.GetTreeHead(Id(kPoliceAgent));
  ASSERT_THAT(first, IsOk());
  for (int i = 0; i < 5; ++i) {
    ASSERT_THAT(exchange_.Health(Id(kAnalyst)), IsOk());
  }
  absl::StatusOr<v1::GetTreeHeadResponse> second = exchange_.GetTreeHead(Id(kPoliceAgent));
  ASSERT_THAT(second, IsOk());
  v1::GetConsistencyProofRequest request;
  request.set_first(first->head().tree_size());
  request.set_second(second->head().tree_size());
  absl::StatusOr<v1::GetConsistencyProofResponse> proof =
      exchange_.GetConsistencyProof(Id(kPoliceAgent), request);
  ASSERT_THAT(proof, IsOk());
  std::vector<std::string> nodes(proof->proof().begin(), proof->proof().end());
  EXPECT_THAT(VerifyMerkleConsistency(first->head().tree_size(), second->head().tree_size(),
                                      first->head().root_hash(), second->head().root_hash(), nodes),
              IsOk());
  v1::GetInclusionProofRequest inclusion;
  inclusion.set_sequence(1);
  EXPECT_THAT(exchange_.GetInclusionProof(Id(kPoliceAgent), inclusion),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(store_.AllEvents().back().action(), "Audit.GetInclusionProof");
  EXPECT_EQ(store_.AllEvents().back().decision(), v1::AuditEvent::DENY);
}

TEST_F(AuditExchangeTest, AnalystsAreRefusedAndTheRefusalIsAudited) {
  EXPECT_THAT(exchange_.GetTreeHead(Id(kAnalyst)), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(store_.AllEvents().back().rule(), "audit.ig-only");
  EXPECT_THAT(store_.LatestSignedHead(), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(AuditExchangeTest, InclusionProofsVerifyAgainstTheLatestHead) {
  for (int i = 0; i < 9; ++i) {
    ASSERT_THAT(exchange_.Health(Id(kAnalyst)), IsOk());
  }
  v1::SignedTreeHead head = exchange_.GetTreeHead(Id(kIg))->head();
  const std::vector<v1::AuditEvent> events = store_.AllEvents();
  for (uint64_t sequence = 1; sequence <= head.tree_size(); ++sequence) {
    v1::GetInclusionProofRequest request;
    request.set_sequence(sequence);
    request.set_tree_size(head.tree_size());
    absl::StatusOr<v1::GetInclusionProofResponse> proof =
        exchange_.GetInclusionProof(Id(kIg), request);
    ASSERT_THAT(proof, IsOk());
    EXPECT_EQ(proof->leaf_hash(), AuditLeafHash(events[sequence - 1]));
    std::vector<std::string> path(proof->proof().begin(), proof->proof().end());
    EXPECT_THAT(VerifyMerkleInclusion(proof->leaf_index(), head.tree_size(), proof->leaf_hash(),
                                      path, head.root_hash()),
                IsOk());
  }
  v1::GetInclusionProofRequest beyond;
  beyond.set_sequence(head.tree_size() + 100);
  EXPECT_THAT(exchange_.GetInclusionProof(Id(kIg), beyond),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(store_.AllEvents().back().decision(), v1::AuditEvent::ERROR);
}

TEST_F(AuditExchangeTest, TreeRequestsFailClosedWhileTheAuditCannotBeWritten) {
  ASSERT_THAT(exchange_.GetTreeHead(Id(kIg)), IsOk());
  const size_t events = store_.AllEvents().size();
  store_.FailWrites(true);
  const auto unavailable = StatusIs(absl::StatusCode::kUnavailable);
  EXPECT_THAT(exchange_.GetTreeHead(Id(kIg)), unavailable);
  EXPECT_THAT(exchange_.GetTreeHead(Id(kAnalyst)), unavailable);  // even a denial
  v1::GetConsistencyProofRequest consistency;
  consistency.set_first(1);
  consistency.set_second(1);
  EXPECT_THAT(exchange_.GetConsistencyProof(Id(kPoliceAgent), consistency), unavailable);
  v1::GetInclusionProofRequest inclusion;
  inclusion.set_sequence(1);
  EXPECT_THAT(exchange_.GetInclusionProof(Id(kIg), inclusion), unavailable);
  EXPECT_EQ(store_.AllEvents().size(), events);
  store_.FailWrites(false);
  absl::StatusOr<v1::GetTreeHeadResponse> resumed = exchange_.GetTreeHead(Id(kIg));
  ASSERT_THAT(resumed, IsOk());
  EXPECT_EQ(resumed->head().tree_size(), events + 1);
}

TEST(AuditExchangeWithoutKeyTest, TreeRequestsAreUnavailableAndAudited) {
  std::shared_ptr<const policy::Policy> policy =
      *policy::Policy::FromFile(kPolicyPath, absl::CivilDay(2026, 6, 1));
  InMemoryRecordStore store;
  FakeClock clock(absl::FromCivil(absl::CivilSecond(2026, 6, 1), absl::UTCTimeZone()));
  Exchange exchange(policy, store, store, clock, "hub-secret-0123456789abcdef0123456789");
  absl::StatusOr<v1::GetTreeHeadResponse> head = exchange.GetTreeHead(Id(kIg));
  EXPECT_THAT(head, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(head.status().message(), HasSubstr("audit signing key"));
  EXPECT_EQ(store.AllEvents().back().decision(), v1::AuditEvent::ERROR);
}

}  // namespace
}  // namespace confide::hub
