#pragma once

// Durable storage of de-identified records, batch by batch.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "confide/v1/audit.pb.h"
#include "confide/v1/storage.pb.h"

namespace confide::hub {

struct BatchWrite {
  std::string agency;
  std::string dataset;
  std::string batch_id;
  std::string content_hash;               // SHA-256 of the batch as received
  std::vector<v1::StoredRecord> records;  // tokens already re-keyed
};

enum class BatchOutcome {
  kStored,     // records written
  kDuplicate,  // same batch id and content already stored: nothing written
  kConflict,   // same batch id, different content: nothing written
};

struct PutBatchResult {
  BatchOutcome outcome = BatchOutcome::kStored;
  uint64_t audit_sequence = 0;
};

// Records one agency withdraws from one dataset: by record id, and/or every record whose latest
// write came from one of `batch_ids`.
struct WithdrawalWrite {
  std::string agency;
  std::string dataset;
  std::vector<std::string> record_ids;
  std::vector<std::string> batch_ids;
};

struct WithdrawalResult {
  int64_t records_removed = 0;
  int64_t records_not_found = 0;  // ids in record_ids that (dataset, agency) does not hold
  int64_t batches_removed = 0;    // batch entries cleared
  uint64_t audit_sequence = 0;
  std::vector<std::string> removed_record_ids;  // one per record removed (for the person index)
};

struct PurgeResult {
  int64_t records_purged = 0;
  uint64_t audit_sequence = 0;  // 0 when nothing was purged (and nothing audited)
  // (agency, record id) of each record purged (for the person index).
  std::vector<std::pair<std::string, std::string>> purged_records;
};

class RecordStore {
 public:
  virtual ~RecordStore() = default;
  // Decides the outcome for (agency, batch id), then in ONE durable (fsynced) write stores the
  // records and batch entry (kStored only) together with the audit event `make_audit(outcome)`,
  // so a batch never exists without its audit event and vice versa. Unavailable on I/O failure,
  // in which case nothing is stored. Thread-safe.
  virtual absl::StatusOr<PutBatchResult> PutBatch(
      const BatchWrite& write, const std::function<v1::AuditEvent(BatchOutcome)>& make_audit) = 0;

  // Removes the records of (write.dataset, write.agency) named by id or last written by one of
  // write.batch_ids, and the batch entries of those batches and of every batch that lost a
  // record (so re-pushing the same content stores it again), in ONE durable write together with
  // the audit event `make_audit(result)`. Never touches another agency's records. Unavailable on
  // I/O failure, in which case nothing is removed. Thread-safe.
  virtual absl::StatusOr<WithdrawalResult> Withdraw(
      const WithdrawalWrite& write,
      const std::function<v1::AuditEvent(const WithdrawalResult&)>& make_audit) = 0;

  // Deletes every record of `dataset` (any agency) whose event time is before `cutoff` (civil
  // seconds since 1970), with the audit event `make_audit(count)` in ONE durable write, then
  // flushes and compacts so the deleted bytes leave the data files and the write-ahead log.
  // Nothing is written or audited when no record is that old. Thread-safe.
  virtual absl::StatusOr<PurgeResult> PurgeBefore(
      absl::string_view dataset, int64_t cutoff,
      const std::function<v1::AuditEvent(int64_t purged)>& make_audit) = 0;

  // Calls `visit` for every stored record of `dataset` (any agency). Thread-safe; sees a
  // consistent snapshot.
  virtual absl::Status ScanDataset(
      absl::string_view dataset,
      const std::function<void(const v1::StoredRecord&)>& visit) const = 0;
};

}  // namespace confide::hub
