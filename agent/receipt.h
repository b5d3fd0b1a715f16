#pragma once

// Push receipts: a JSON record of one push (v1::PushReceipt) that the data lead keeps. It names
// the file by name, size and SHA-256 (never its contents), gives the counts and every batch id
// with the hub's outcome and audit sequence number, and is what `withdraw --receipt` reads.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "confide/v1/ingest.pb.h"

namespace confide::agent {

// Pretty-printed JSON with numbers as numbers and snake_case names, e.g.
// {"dataset": "police_crime", "file": {"name": ..., "bytes": ..., "sha256": ...},
//  "counts": {"read": ..., ...}, "batches": [{"batch_id": ..., "records": ..., "outcome":
//  "STORED", "audit_sequence": ...}], "started": ..., "finished": ..., "hub_policy_version": ...}
std::string ReceiptToJson(const v1::PushReceipt& receipt);

// Parses a receipt written by ReceiptToJson (unknown fields ignored). InvalidArgument names the
// file.
absl::StatusOr<v1::PushReceipt> ReadReceipt(const std::string& path);

// RFC 3339 in UTC to the second, as receipts use.
std::string ReceiptTime(absl::Time time);

}  // namespace confide::agent
