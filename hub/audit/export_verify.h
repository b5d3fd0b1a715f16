#pragma once

// Offline verification of a `confide audit export` (JSON lines; see v1::AuditExportLine):
// recomputes the Merkle tree from the exported events, checks the signed tree head, and says
// precisely what is wrong: the first changed, removed, reordered or inserted event, a truncated
// tail, or a rollback/rewrite relative to a trusted earlier head. Pure; thread-compatible.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "confide/v1/audit.pb.h"

namespace confide::hub {

inline constexpr char kAuditExportFormat[] = "confide-audit-export-v1";

struct ExportVerifyOptions {
  // Pinned PEM public key. Empty: the export's own header key is used and the report says the
  // key was not pinned (anyone who can rewrite the export can also replace that key).
  std::string public_key_pem;
  // An earlier head the verifier trusts (e.g. the last one it verified): the export must extend
  // it. Its signature is checked with the same key.
  std::optional<v1::SignedTreeHead> trusted_head;
};

struct ExportVerifyReport {
  bool ok = false;
  v1::SignedTreeHead head;            // the export's head (when one was found)
  uint64_t events = 0;                // events read
  uint64_t first_bad_sequence = 0;    // 0 when none could be named
  std::vector<std::string> problems;  // empty when ok; the first is the most precise
  std::vector<std::string> notes;     // e.g. "public key not pinned"
};

// InvalidArgument only when the export cannot be read at all (e.g. empty); every integrity
// failure is reported in the report instead.
absl::StatusOr<ExportVerifyReport> VerifyAuditExport(absl::string_view export_text,
                                                     const ExportVerifyOptions& options);

// JSON (protobuf JSON, proto field names) of a tree head, as kept in the CLI's state file and
// passed with --trusted-head.
std::string TreeHeadToJson(const v1::SignedTreeHead& head);
absl::StatusOr<v1::SignedTreeHead> TreeHeadFromJson(absl::string_view json);

// One export line as JSON (no trailing newline).
std::string ExportLineToJson(const v1::AuditExportLine& line);

}  // namespace confide::hub
