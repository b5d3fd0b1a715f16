#pragma once

// RocksDB-backed RecordStore and AuditLog sharing one database, so that a batch and its audit
// event commit in one atomic, fsynced WriteBatch. Column families and key encodings stay in the
// .cc file.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hub/audit/audit_log.h"
#include "hub/storage/record_store.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
}  // namespace rocksdb

namespace confide::hub {

class RocksDbStore final : public RecordStore, public AuditLog {
 public:
  // Opens (creating if needed) the database in `path`.
  static absl::StatusOr<std::unique_ptr<RocksDbStore>> Open(const std::string& path);
  ~RocksDbStore() override;  // destroys column-family handles, then the DB

  absl::StatusOr<PutBatchResult> PutBatch(
      const BatchWrite& write,
      const std::function<v1::AuditEvent(BatchOutcome)>& make_audit) override;
  absl::StatusOr<WithdrawalResult> Withdraw(
      const WithdrawalWrite& write,
      const std::function<v1::AuditEvent(const WithdrawalResult&)>& make_audit) override;
  absl::StatusOr<PurgeResult> PurgeBefore(
      absl::string_view dataset, int64_t cutoff,
      const std::function<v1::AuditEvent(int64_t purged)>& make_audit) override;
  absl::Status ScanDataset(
      absl::string_view dataset,
      const std::function<void(const v1::StoredRecord&)>& visit) const override;

  absl::StatusOr<uint64_t> Append(v1::AuditEvent event) override;
  absl::StatusOr<std::vector<v1::AuditEvent>> List(
      const v1::ListAuditRequest& request) const override;

  uint64_t audit_events() const;

 private:
  enum Family : size_t { kDefault = 0, kRecords, kBatches, kAudit, kFamilyCount };
  RocksDbStore() = default;

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned; freed before db_
  // Serialises sequence assignment and writes so audit sequence numbers are gap-free.
  mutable std::mutex write_mu_;
  uint64_t next_sequence_ = 1;
};

}  // namespace confide::hub
