#pragma once

// The Merkle leaf of an audit event: a canonical, protobuf-independent encoding of every field
// of v1::AuditEvent (sequence included), so the hub, `confide audit verify` and any future
// verifier hash the same bytes whatever protobuf library serialised the event.

#include <string>

#include "confide/v1/audit.pb.h"

namespace confide::hub {

// "confide.audit.leaf.v1" || for each field in field-number order: u32 field number, then
// u64 length and bytes (strings) or 8 bytes (integers); all integers big-endian. A field added
// to AuditEvent must be added here with a new version tag (a unit test checks the field count).
std::string AuditLeafBytes(const v1::AuditEvent& event);

// MerkleLeafHash(AuditLeafBytes(event)).
std::string AuditLeafHash(const v1::AuditEvent& event);

}  // namespace confide::hub
