#include "hub/audit/tree_head.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/hash.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "hub/audit/merkle.h"

namespace confide::hub {
namespace {

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

constexpr size_t kEd25519SignatureBytes = 64;

// Drains OpenSSL's error queue (which may name a file, never key bytes) into a status.
absl::Status OpenSslError(absl::string_view what, absl::StatusCode code) {
  std::string detail;
  for (unsigned long error = ERR_get_error(); error != 0; error = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(error, buffer, sizeof(buffer));
    absl::StrAppend(&detail, detail.empty() ? "" : "; ", buffer);
  }
  return absl::Status(code, detail.empty() ? std::string(what) : absl::StrCat(what, ": ", detail));
}

BioPtr MemoryBio(absl::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

void PutBigEndian(std::string& out, uint64_t value) {
  for (int i = 7; i >= 0; --i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

absl::StatusOr<std::string> PublicKeyDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0) {
    return OpenSslError("cannot encode the audit public key", absl::StatusCode::kInternal);
  }
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

absl::StatusOr<std::string> Fingerprint(EVP_PKEY* key) {
  CONFIDE_ASSIGN_OR_RETURN(std::string der, PublicKeyDer(key));
  return absl::BytesToHexString(crypto::Sha256(der));
}

absl::Status RequireEd25519(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError("expected an Ed25519 key, got another key type");
  }
  return absl::OkStatus();
}

}  // namespace

std::string TreeHeadSigningInput(uint64_t tree_size, absl::string_view root_hash,
                                 int64_t timestamp_micros) {
  std::string out = "confide.audit.sth.v1";
  PutBigEndian(out, tree_size);
  out.append(root_hash.data(), root_hash.size());
  PutBigEndian(out, static_cast<uint64_t>(timestamp_micros));
  return out;
}

struct TreeHeadSigner::Key {
  PkeyPtr pkey;
};
struct TreeHeadVerifier::Key {
  PkeyPtr pkey;
};

TreeHeadSigner::~TreeHeadSigner() = default;
TreeHeadVerifier::~TreeHeadVerifier() = default;

absl::StatusOr<std::unique_ptr<TreeHeadSigner>> TreeHeadSigner::FromPemFile(
    const std::string& path) {
  CONFIDE_ASSIGN_OR_RETURN(std::string pem, ReadSecretFile(path));
  absl::StatusOr<std::unique_ptr<TreeHeadSigner>> signer = FromPem(pem);
  if (!signer.ok()) {
    return absl::Status(signer.status().code(),
                        absl::StrCat(path, ": ", signer.status().message()));
  }
  return signer;
}

absl::StatusOr<std::unique_ptr<TreeHeadSigner>> TreeHeadSigner::FromPem(absl::string_view pem) {
  BioPtr bio = MemoryBio(pem);
  PkeyPtr pkey(bio == nullptr ? nullptr
                              : PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (pkey == nullptr) {
    ERR_clear_error();  // the queue may quote the input
    return absl::InvalidArgumentError("expected a PEM private key, got something else");
  }
  CONFIDE_RETURN_IF_ERROR(RequireEd25519(pkey.get()));
  std::unique_ptr<TreeHeadSigner> signer(new TreeHeadSigner);
  CONFIDE_ASSIGN_OR_RETURN(signer->fingerprint_, Fingerprint(pkey.get()));
  BioPtr out(BIO_new(BIO_s_mem()));
  if (out == nullptr || PEM_write_bio_PUBKEY(out.get(), pkey.get()) != 1) {
    return OpenSslError("cannot encode the audit public key", absl::StatusCode::kInternal);
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(out.get(), &data);
  signer->public_key_pem_.assign(data, static_cast<size_t>(length));
  signer->key_ = std::make_unique<Key>();
  signer->key_->pkey = std::move(pkey);
  return signer;
}

absl::StatusOr<v1::SignedTreeHead> TreeHeadSigner::Sign(uint64_t tree_size,
                                                        absl::string_view root_hash,
                                                        int64_t timestamp_micros) const {
  if (root_hash.size() != kMerkleHashBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a 32-byte root hash, got ", root_hash.size(), " bytes"));
  }
  const std::string input = TreeHeadSigningInput(tree_size, root_hash, timestamp_micros);
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::string signature(kEd25519SignatureBytes, '\0');
  size_t signature_length = signature.size();
  // Ed25519 is one-shot (no digest): EVP_DigestSign with a null MD.
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_->pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()),
                     &signature_length, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1) {
    return OpenSslError("cannot sign the audit tree head", absl::StatusCode::kInternal);
  }
  signature.resize(signature_length);
  v1::SignedTreeHead head;
  head.set_tree_size(tree_size);
  head.set_root_hash(std::string(root_hash));
  head.set_timestamp_micros(timestamp_micros);
  head.set_signature(std::move(signature));
  head.set_key_fingerprint(fingerprint_);
  return head;
}

absl::StatusOr<std::unique_ptr<TreeHeadVerifier>> TreeHeadVerifier::FromPublicKeyPem(
    absl::string_view pem) {
  BioPtr bio = MemoryBio(pem);
  PkeyPtr pkey(bio == nullptr ? nullptr
                              : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (pkey == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("expected a PEM public key, got something else");
  }
  CONFIDE_RETURN_IF_ERROR(RequireEd25519(pkey.get()));
  std::unique_ptr<TreeHeadVerifier> verifier(new TreeHeadVerifier);
  CONFIDE_ASSIGN_OR_RETURN(verifier->fingerprint_, Fingerprint(pkey.get()));
  verifier->key_ = std::make_unique<Key>();
  verifier->key_->pkey = std::move(pkey);
  return verifier;
}

absl::Status TreeHeadVerifier::Verify(const v1::SignedTreeHead& head) const {
  if (head.key_fingerprint() != fingerprint_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "tree head names signing key ", head.key_fingerprint(), ", expected ", fingerprint_));
  }
  if (head.root_hash().size() != kMerkleHashBytes) {
    return absl::FailedPreconditionError("tree head root hash is not 32 bytes");
  }
  const std::string input =
      TreeHeadSigningInput(head.tree_size(), head.root_hash(), head.timestamp_micros());
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_->pkey.get()) != 1) {
    return OpenSslError("cannot set up signature verification", absl::StatusCode::kInternal);
  }
  const int verified = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(head.signature().data()),
      head.signature().size(), reinterpret_cast<const unsigned char*>(input.data()), input.size());
  ERR_clear_error();
  if (verified != 1) {
    return absl::FailedPreconditionError(absl::StrCat("tree head signature (size ",
                                                      head.tree_size(),
                                                      ") does not verify with key ", fingerprint_));
  }
  return absl::OkStatus();
}

}  // namespace confide::hub
