// Ed25519 signed tree heads: sign, verify, and refuse every tampered field, foreign key and
// badly protected key file.

#include "hub/audit/tree_head.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/crypto/hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/audit/merkle.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

// A fresh private key in PEM, as `openssl genpkey -algorithm <type>` would write it.
std::string NewPrivateKeyPem(const char* type) {
  EVP_PKEY* key = std::string(type) == "EC" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                                            : EVP_PKEY_Q_keygen(nullptr, nullptr, type);
  EXPECT_NE(key, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  EXPECT_EQ(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(length));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

class TreeHeadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<TreeHeadSigner>> signer =
        TreeHeadSigner::FromPem(NewPrivateKeyPem("ED25519"));
    ASSERT_THAT(signer, IsOk());
    signer_ = *std::move(signer);
    absl::StatusOr<std::unique_ptr<TreeHeadVerifier>> verifier =
        TreeHeadVerifier::FromPublicKeyPem(signer_->public_key_pem());
    ASSERT_THAT(verifier, IsOk());
    verifier_ = *std::move(verifier);
  }
  v1::SignedTreeHead SignedHead() {
    absl::StatusOr<v1::SignedTreeHead> head =
        signer_->Sign(42, crypto::Sha256("root"), 1700000000123456);
    EXPECT_THAT(head, IsOk());
    return head.ok() ? *head : v1::SignedTreeHead();
  }
  std::unique_ptr<TreeHeadSigner> signer_;
  std::unique_ptr<TreeHeadVerifier> verifier_;
};

TEST_F(TreeHeadTest, SignedHeadVerifiesAndNamesItsKey) {
  v1::SignedTreeHead head = SignedHead();
  EXPECT_EQ(head.tree_size(), 42u);
  EXPECT_EQ(head.signature().size(), 64u);
  EXPECT_EQ(head.key_fingerprint(), signer_->key_fingerprint());
  EXPECT_EQ(verifier_->key_fingerprint(), signer_->key_fingerprint());
  EXPECT_EQ(signer_->key_fingerprint().size(), 64u);
  EXPECT_THAT(verifier_->Verify(head), IsOk());
  EXPECT_THAT(signer_->public_key_pem(), HasSubstr("BEGIN PUBLIC KEY"));
}

TEST_F(TreeHeadTest, EveryTamperedFieldFails) {
  const v1::SignedTreeHead good = SignedHead();
  v1::SignedTreeHead bad = good;
  bad.set_tree_size(41);
  EXPECT_THAT(verifier_->Verify(bad), StatusIs(absl::StatusCode::kFailedPrecondition));
  bad = good;
  bad.set_timestamp_micros(good.timestamp_micros() + 1);
  EXPECT_THAT(verifier_->Verify(bad), StatusIs(absl::StatusCode::kFailedPrecondition));
  bad = good;
  bad.mutable_root_hash()->at(0) ^= 1;
  EXPECT_THAT(verifier_->Verify(bad), StatusIs(absl::StatusCode::kFailedPrecondition));
  bad = good;
  bad.mutable_signature()->at(63) ^= 1;
  EXPECT_THAT(verifier_->Verify(bad), StatusIs(absl::StatusCode::kFailedPrecondition));
  bad = good;
  bad.set_signature("");
  EXPECT_THAT(verifier_->Verify(bad), StatusIs(absl::StatusCode::kFailedPrecondition));
  bad = good;
  bad.set_key_fingerprint(std::string(64, '0'));
  EXPECT_THAT(verifier_->Verify(bad), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(TreeHeadTest, HeadFromAnotherKeyFails) {
  std::unique_ptr<TreeHeadSigner> other = *TreeHeadSigner::FromPem(NewPrivateKeyPem("ED25519"));
  v1::SignedTreeHead head = *other->Sign(42, crypto::Sha256("root"), 1);
  EXPECT_THAT(verifier_->Verify(head), StatusIs(absl::StatusCode::kFailedPrecondition));
  head.set_key_fingerprint(verifier_->key_fingerprint());  // lying about the key does not help
  EXPECT_THAT(verifier_->Verify(head), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(TreeHeadTest, RootMustBe32Bytes) {
  EXPECT_THAT(signer_->Sign(1, "short", 1), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(TreeHeadKeyTest, NonEd25519AndGarbageKeysAreRefused) {
  EXPECT_THAT(TreeHeadSigner::FromPem(NewPrivateKeyPem("EC")),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(TreeHeadSigner::FromPem("not a key"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(TreeHeadVerifier::FromPublicKeyPem("not a key"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(TreeHeadKeyTest, KeyFileMustBeOwnerOnly) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/audit-signing-", getpid(), ".key");
  {
    std::ofstream out(path);
    out << NewPrivateKeyPem("ED25519");
  }
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  absl::StatusOr<std::unique_ptr<TreeHeadSigner>> loose = TreeHeadSigner::FromPemFile(path);
  EXPECT_THAT(loose, Not(IsOk()));
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  EXPECT_THAT(TreeHeadSigner::FromPemFile(path), IsOk());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace confide::hub
