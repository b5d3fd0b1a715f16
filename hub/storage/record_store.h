#pragma once

// Durable storage of de-identified records, batch by batch.

#include <functional>
#include <string>
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

class RecordStore {
 public:
  virtual ~RecordStore() = default;
  // Decides the outcome for (agency, batch id), then in ONE durable (fsynced) write stores the
  // records and batch entry (kStored only) together with the audit event `make_audit(outcome)`,
  // so a batch never exists without its audit event and vice versa. Unavailable on I/O failure,
  // in which case nothing is stored. Thread-safe.
  virtual absl::StatusOr<PutBatchResult> PutBatch(
      const BatchWrite& write, const std::function<v1::AuditEvent(BatchOutcome)>& make_audit) = 0;

  // Calls `visit` for every stored record of `dataset` (any agency). Thread-safe; sees a
  // consistent snapshot.
  virtual absl::Status ScanDataset(
      absl::string_view dataset,
      const std::function<void(const v1::StoredRecord&)>& visit) const = 0;
};

}  // namespace confide::hub
