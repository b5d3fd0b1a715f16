#pragma once

// The Merkle tree over the audit log, as kept by the store that holds the events. Every event a
// store appends (by AuditLog::Append or together with a record write) is a leaf in the same
// atomic write, so the tree always covers exactly the durable events.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "confide/v1/audit.pb.h"

namespace confide::hub {

struct AuditTreeState {
  uint64_t tree_size = 0;
  std::string root_hash;  // raw 32 bytes; MerkleEmptyRoot() when empty
};

class AuditTree {
 public:
  virtual ~AuditTree() = default;
  // Size and root of the tree of every durable event. Thread-safe.
  virtual AuditTreeState CurrentTree() const = 0;
  // Leaf hashes of events 1..tree_size (index i is sequence i + 1). OutOfRange when tree_size
  // exceeds the current size; Unavailable on I/O failure. Thread-safe.
  virtual absl::StatusOr<std::vector<std::string>> LeafHashes(uint64_t tree_size) const = 0;
  // Durably keeps a signed head whose size and root the caller took from CurrentTree(), so a
  // restart can check the rebuilt tree against it. Thread-safe.
  virtual absl::Status SaveSignedHead(const v1::SignedTreeHead& head) = 0;
  // The saved head with the largest tree size; NotFound when none was saved. Thread-safe.
  virtual absl::StatusOr<v1::SignedTreeHead> LatestSignedHead() const = 0;
};

}  // namespace confide::hub
