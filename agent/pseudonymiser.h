#pragma once

// Keyed pseudonyms computed at the agency. The linkage keys never leave the agency and are never
// logged; only HMAC outputs are sent.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "agent/normalise.h"
#include "common/crypto/hash.h"
#include "confide/v1/ingest.pb.h"
#include "confide/v1/policy.pb.h"

namespace confide::agent {

// One version of the partnership linkage key.
struct LinkageKey {
  std::string version;  // e.g. "2026-1"; travels with every token
  std::string secret;   // key bytes
};

// The keys an agent tokenises with: one version normally, two during a key rotation
// (docs/operator-guide.md), when every record carries tokens under both.
struct LinkageKeys {
  std::vector<LinkageKey> versions;  // the current version first
  // Key for record and batch ids. Empty: derived from the first version's secret, which is fine
  // until that key is retired; pinning it keeps record ids stable across a rotation.
  std::string record_id_secret;
};

// InvalidArgument for no versions, an empty version name or secret, a version listed twice or
// the same secret under two versions (a rotation needs a newly generated key).
absl::Status ValidateLinkageKeys(const LinkageKeys& keys);

// The record-id key derived from a linkage key: HMAC-SHA256(linkage key,
// "confide-record-id-key-v1"). Written to a file, it pins record ids before a rotation.
std::string DeriveRecordIdKey(absl::string_view linkage_key);

// Not thread-safe (holds HMAC contexts); use one per thread.
class Pseudonymiser {
 public:
  // Errors as ValidateLinkageKeys.
  static absl::StatusOr<std::unique_ptr<Pseudonymiser>> Create(LinkageKeys keys,
                                                               v1::LinkageRecipe recipe);
  // One key version, record ids derived from it.
  Pseudonymiser(absl::string_view linkage_key, std::string key_version, v1::LinkageRecipe recipe);

  // For each key version in turn, one token per match key whose elements are all present:
  // token = HMAC-SHA256(linkage key, key id || 0x00 || value), where value joins the key's
  // elements with '|' in recipe order. `elements` are normalised; derived elements are computed
  // here from them (AddDerivedElements). A key holding both FORENAME and SURNAME takes the two
  // names in sorted order, so swapped names agree (normalise.h). A missing element means no
  // token for that key, never a token of an empty value.
  std::vector<v1::MatchToken> Tokens(const PersonElements& elements);

  // Keyed hash of the source system's record reference, so re-sent and corrected records keep
  // their identity at the hub without revealing the reference.
  std::string RecordId(absl::string_view dataset, absl::string_view source_reference);

  // Keyed digest naming a batch by its content: a re-run of the same extract gives the same ids.
  std::string BatchId(absl::string_view dataset, absl::string_view content);

  // The recipe's normalisation rules (nicknames, placeholders), for building the elements.
  const PersonNormaliser& normaliser() const { return normaliser_; }

 private:
  struct Signer {
    std::string version;
    std::unique_ptr<crypto::HmacSha256Signer> hmac;
  };
  Pseudonymiser(LinkageKeys keys, v1::LinkageRecipe recipe);

  // Per match key, in recipe order: "key id" 0x00, and whether it holds both names.
  struct KeyPlan {
    std::string prefix;
    bool sorts_names = false;
  };
  std::vector<Signer> token_signers_;
  std::vector<KeyPlan> key_plans_;
  crypto::HmacSha256Signer record_ids_;
  v1::LinkageRecipe recipe_;
  PersonNormaliser normaliser_;
  PersonElements scratch_;  // elements plus derived ones, reused across rows
  std::string value_;
};

}  // namespace confide::agent
