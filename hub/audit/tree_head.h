#pragma once

// Signed tree heads (STH): Ed25519 signatures (OpenSSL 3) over a canonical encoding of
// (tree_size, root_hash, timestamp_micros). The hub signs with a private key it alone holds;
// anyone with the PEM public key (`audit-signing.pub`) verifies offline. Key material never
// appears in errors or logs.

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "confide/v1/audit.pb.h"

namespace confide::hub {

// "confide.audit.sth.v1" || u64 tree_size || 32-byte root_hash || i64 timestamp_micros, integers
// big-endian. This is exactly what is signed.
std::string TreeHeadSigningInput(uint64_t tree_size, absl::string_view root_hash,
                                 int64_t timestamp_micros);

// Thread-safe; immutable after construction.
class TreeHeadSigner {
 public:
  // Reads a PEM Ed25519 private key (PKCS#8, as `openssl genpkey -algorithm ed25519` writes it).
  // FailedPrecondition when group or others may read or write the file; InvalidArgument when it
  // is not an Ed25519 private key.
  static absl::StatusOr<std::unique_ptr<TreeHeadSigner>> FromPemFile(const std::string& path);
  static absl::StatusOr<std::unique_ptr<TreeHeadSigner>> FromPem(absl::string_view pem);
  ~TreeHeadSigner();

  absl::StatusOr<v1::SignedTreeHead> Sign(uint64_t tree_size, absl::string_view root_hash,
                                          int64_t timestamp_micros) const;
  // The matching public key, PEM (SubjectPublicKeyInfo).
  const std::string& public_key_pem() const { return public_key_pem_; }
  // Hex SHA-256 of the public key's DER encoding; names the key in heads and exports.
  const std::string& key_fingerprint() const { return fingerprint_; }

 private:
  struct Key;
  TreeHeadSigner() = default;
  std::unique_ptr<Key> key_;
  std::string public_key_pem_;
  std::string fingerprint_;
};

// Thread-safe; immutable after construction.
class TreeHeadVerifier {
 public:
  // InvalidArgument unless `pem` is an Ed25519 public key.
  static absl::StatusOr<std::unique_ptr<TreeHeadVerifier>> FromPublicKeyPem(absl::string_view pem);
  ~TreeHeadVerifier();

  // OK when `head` carries a valid signature by this key over its own fields and names this
  // key; FailedPrecondition (saying which) otherwise.
  absl::Status Verify(const v1::SignedTreeHead& head) const;
  const std::string& key_fingerprint() const { return fingerprint_; }

 private:
  struct Key;
  TreeHeadVerifier() = default;
  std::unique_ptr<Key> key_;
  std::string fingerprint_;
};

}  // namespace confide::hub
