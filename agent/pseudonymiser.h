#pragma once

// Keyed pseudonyms computed at the agency. The linkage key never leaves the agency and is never
// logged; only HMAC outputs are sent.

#include <map>
#include <string>
#include <vector>

#include "common/crypto/hash.h"
#include "confide/v1/ingest.pb.h"
#include "confide/v1/policy.pb.h"

namespace confide::agent {

// Normalised person elements of one record (missing elements are absent).
using PersonElements = std::map<v1::PersonElement, std::string>;

// Not thread-safe (holds HMAC contexts); use one per thread.
class Pseudonymiser {
 public:
  Pseudonymiser(absl::string_view linkage_key, std::string key_version, v1::LinkageRecipe recipe);

  // token = HMAC-SHA256(linkage key, key id || 0x00 || normalised value), one per match key
  // whose elements are all present. A missing element means no token, never an empty one.
  std::vector<v1::MatchToken> Tokens(const PersonElements& elements);

  // Keyed hash of the source system's record reference, so re-sent and corrected records keep
  // their identity at the hub without revealing the reference.
  std::string RecordId(absl::string_view dataset, absl::string_view source_reference);

  // Keyed digest naming a batch by its content: a re-run of the same extract gives the same ids.
  std::string BatchId(absl::string_view dataset, absl::string_view content);

 private:
  crypto::HmacSha256Signer tokens_;
  crypto::HmacSha256Signer record_ids_;
  std::string key_version_;
  v1::LinkageRecipe recipe_;
};

}  // namespace confide::agent
