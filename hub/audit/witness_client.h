#pragma once

// An audit witness run by every agency's agent and by the IG officer's CLI. Each time it is
// asked it fetches the hub's latest signed tree head and a consistency proof from the last head
// it verified, checks both (hub/audit/witness.h) and remembers the new head durably. A hub that
// rewrites or rolls back its audit history is caught by any witness that saw the old history;
// one that shows two witnesses different views is caught when they compare heads
// (CrossCheck).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "confide/v1/audit.grpc.pb.h"
#include "confide/v1/witness.pb.h"
#include "hub/audit/tree_head.h"

namespace confide::hub {

class AuditWitness {
 public:
  // Loads the witness state at `state_path` if it exists. `pinned_public_key_pem` is the hub's
  // audit key handed over out of band; empty means the key is pinned the first time it is seen
  // (and kept in the state). FailedPrecondition when the state is unreadable or was made with a
  // different key than the pinned one.
  static absl::StatusOr<std::unique_ptr<AuditWitness>> Open(std::string state_path,
                                                            std::string pinned_public_key_pem);
  // The same, with the pinned key read from `public_key_file` (PEM; empty: pin on first use), as
  // the agent and CLI configs name it. InvalidArgument when the file cannot be read.
  static absl::StatusOr<std::unique_ptr<AuditWitness>> OpenWithKeyFile(
      std::string state_path, const std::string& public_key_file);

  struct Observation {
    v1::SignedTreeHead head;                     // the hub's head, now verified and remembered
    std::optional<v1::SignedTreeHead> previous;  // what this witness had verified before
    bool key_pinned_now = false;                 // first use without a configured key
  };

  // Fetches, checks and remembers the hub's latest head. DataLoss (with a precise message) when
  // the hub's history does not extend the one this witness verified: the state file is then
  // left untouched, as evidence. Other errors come from the hub call or the state file.
  absl::StatusOr<Observation> Observe(v1::Audit::StubInterface& hub);

  // Split-view check against `other`, a head another witness verified: OK when the hub proves
  // that the smaller of `other` and this witness's last head is a prefix of the larger.
  // DataLoss when `other` is not signed by the pinned key or the hub cannot prove it. Call after
  // Observe.
  absl::Status CrossCheck(v1::Audit::StubInterface& hub, const v1::SignedTreeHead& other);

  const std::optional<v1::SignedTreeHead>& last_head() const { return last_; }
  const std::string& state_path() const { return state_path_; }

  // Reads the head out of a witness state file (for comparing with another witness).
  static absl::StatusOr<v1::SignedTreeHead> ReadHead(const std::string& state_path);

 private:
  AuditWitness() = default;
  absl::Status Remember(const v1::SignedTreeHead& head);
  absl::StatusOr<std::vector<std::string>> FetchProof(v1::Audit::StubInterface& hub, uint64_t first,
                                                      uint64_t second);

  std::string state_path_;
  std::string public_key_pem_;
  std::unique_ptr<TreeHeadVerifier> verifier_;
  std::optional<v1::SignedTreeHead> last_;
};

}  // namespace confide::hub
