#include "hub/audit/audit_leaf.h"

#include <cstdint>

#include "hub/audit/merkle.h"

namespace confide::hub {
namespace {

void PutBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

void PutInteger(std::string& out, uint32_t field, uint64_t value) {
  PutBigEndian(out, field, 4);
  PutBigEndian(out, value, 8);
}

void PutString(std::string& out, uint32_t field, const std::string& value) {
  PutBigEndian(out, field, 4);
  PutBigEndian(out, value.size(), 8);
  out.append(value);
}

}  // namespace

std::string AuditLeafBytes(const v1::AuditEvent& event) {
  std::string out = "confide.audit.leaf.v1";
  PutInteger(out, 1, event.sequence());
  PutInteger(out, 2, static_cast<uint64_t>(event.time_micros()));
  PutString(out, 3, event.actor());
  PutString(out, 4, event.agency());
  PutString(out, 5, event.role());
  PutString(out, 6, event.action());
  PutString(out, 7, event.dataset());
  PutString(out, 8, event.agreement());
  PutString(out, 9, event.purpose());
  PutInteger(out, 10, static_cast<uint64_t>(static_cast<int64_t>(event.decision())));
  PutString(out, 11, event.reason());
  PutString(out, 12, event.rule());
  PutString(out, 13, event.policy_version());
  PutString(out, 14, event.detail());
  PutInteger(out, 15, static_cast<uint64_t>(event.record_count()));
  return out;
}

std::string AuditLeafHash(const v1::AuditEvent& event) {
  return MerkleLeafHash(AuditLeafBytes(event));
}

}  // namespace confide::hub
