#pragma once

// RocksDB-backed RecordStore, AuditLog and PrivacyLedger sharing one database, so that a batch
// (or an epsilon charge) and its audit event commit in one atomic, fsynced WriteBatch. Column
// families and key encodings stay in the .cc file.
//
// Tamper evidence: each audit event's Merkle leaf hash is written in the same WriteBatch as the
// event, and the tree's frontier is kept in memory (O(log n) per append). Open() rebuilds the
// tree from the stored events, and refuses (DataLoss, naming the first bad sequence) when an
// event no longer matches its leaf hash, a sequence is missing, or the rebuilt tree disagrees
// with a saved signed head.
//
// Group commit: concurrent Append callers are batched by a leader into one fsynced WriteBatch;
// each caller returns only once its own event is durable (or with the group's error).

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hub/audit/audit_log.h"
#include "hub/audit/audit_tree.h"
#include "hub/audit/merkle.h"
#include "hub/storage/privacy_ledger.h"
#include "hub/storage/record_store.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace confide::hub {

class RocksDbStore final : public RecordStore,
                           public AuditLog,
                           public AuditTree,
                           public PrivacyLedger {
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

  AuditTreeState CurrentTree() const override;
  absl::StatusOr<std::vector<std::string>> LeafHashes(uint64_t tree_size) const override;
  absl::Status SaveSignedHead(const v1::SignedTreeHead& head) override;
  absl::StatusOr<v1::SignedTreeHead> LatestSignedHead() const override;

  // PrivacyLedger (rocksdb_privacy_ledger.cc). Spend lives in its own column family, out of
  // reach of record scans, retention purges and withdrawals.
  absl::StatusOr<ChargeOutcome> Charge(
      const BudgetCharge& charge,
      const std::function<v1::AuditEvent(const ChargeOutcome&)>& make_audit) override;
  absl::StatusOr<double> Spent(absl::string_view analyst,
                               absl::string_view agreement) const override;

  uint64_t audit_events() const;

 private:
  // After a durable delete (purge or withdrawal, audited as `sequence`): flushes and compacts so
  // the deleted records' bytes leave the data files, the write-ahead log and the MANIFEST.
  // Called with write_mu_ held.
  absl::Status EraseDeletedBytes(uint64_t sequence);

  enum Family : size_t {
    kDefault = 0,
    kRecords,
    kBatches,
    kAudit,
    kAuditLeaves,    // sequence -> 32-byte Merkle leaf hash of the event
    kAuditHeads,     // tree size -> SignedTreeHead
    kPrivacyLedger,  // epsilon spent per (analyst, agreement) and queries charged
    kFamilyCount
  };
  struct PendingAppend;
  RocksDbStore() = default;

  absl::Status OpenDatabase();
  void CloseDatabase();
  // Before any write: after a failed durable write, resumes or reopens the database (and
  // rebuilds the audit tree from it). Unavailable while the disk still fails. Requires write_mu_.
  absl::Status EnsureWritable();
  // A shared hold on the open database for a reader, reopening it first if a failed recovery
  // left it closed. Unavailable while it cannot be opened.
  absl::StatusOr<std::shared_lock<std::shared_mutex>> ReadAccess() const;
  absl::Status RebuildAuditTree();
  // Stages `event` as sequence `sequence` (event and leaf hash) into `batch` and `frontier`.
  absl::Status StageAudit(rocksdb::WriteBatch& batch, v1::AuditEvent& event, uint64_t sequence,
                          MerkleFrontier& frontier);
  // One fsynced write; resumes the database first if an earlier durable write failed.
  absl::Status WriteDurably(rocksdb::WriteBatch& batch, absl::string_view what);
  // Writes one group of appends (the leader's job). Requires write_mu_.
  absl::Status WriteAppendGroup(const std::vector<PendingAppend*>& group);

  std::string path_;
  // Readers hold it shared; EnsureWritable holds it exclusively while it reopens the database.
  // Writers need not take it: they hold write_mu_, under which alone the database is reopened.
  mutable std::shared_mutex db_mu_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned; freed before db_
  // Serialises sequence assignment and writes so audit sequence numbers are gap-free.
  mutable std::mutex write_mu_;
  uint64_t next_sequence_ = 1;
  std::atomic<bool> resume_needed_{false};  // a durable write failed; Resume() before the next
  MerkleFrontier frontier_;  // guarded by write_mu_; covers events 1..next_sequence_-1
  std::string root_;         // guarded by write_mu_; frontier_.Root(), cached

  // Group commit: appenders queue here; whoever finds no leader writes the whole queue.
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<PendingAppend*> queue_;  // guarded by queue_mu_
  bool leader_active_ = false;        // guarded by queue_mu_
};

}  // namespace confide::hub
