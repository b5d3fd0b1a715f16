#include "hub/storage/rocksdb_store.h"

#include <iterator>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/hash.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "hub/audit/audit_leaf.h"
#include "hub/storage/internal/rocksdb_status.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"

namespace confide::hub {
namespace {

using internal::FromRocks;

constexpr const char* kFamilyNames[] = {"default",      "records",     "batches",       "audit",
                                        "audit_leaves", "audit_heads", "privacy_ledger"};

std::string RecordKey(absl::string_view dataset, absl::string_view agency,
                      absl::string_view record_id) {
  return absl::StrCat(dataset, std::string(1, '\0'), agency, std::string(1, '\0'), record_id);
}

std::string BatchKey(absl::string_view agency, absl::string_view batch_id) {
  return absl::StrCat(agency, std::string(1, '\0'), batch_id);
}

// Big-endian so keys sort in sequence order.
std::string SequenceKey(uint64_t sequence) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i) {
    key[i] = static_cast<char>(sequence & 0xff);
    sequence >>= 8;
  }
  return key;
}

uint64_t DecodeSequenceKey(const rocksdb::Slice& key) {
  uint64_t sequence = 0;
  for (size_t i = 0; i < key.size() && i < 8; ++i) {
    sequence = (sequence << 8) | static_cast<unsigned char>(key[i]);
  }
  return sequence;
}

rocksdb::WriteOptions DurableWrite() {
  rocksdb::WriteOptions options;
  options.sync = true;  // An acknowledged batch or audited response must survive power loss.
  return options;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksDbStore>> RocksDbStore::Open(const std::string& path) {
  std::unique_ptr<RocksDbStore> store(new RocksDbStore);
  store->path_ = path;
  CONFIDE_RETURN_IF_ERROR(store->OpenDatabase());
  CONFIDE_RETURN_IF_ERROR(store->RebuildAuditTree());
  return store;
}

absl::Status RocksDbStore::OpenDatabase() {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.paranoid_checks = true;
  // The MANIFEST records the first and last key of every data file it has ever listed, so keys of
  // purged records would linger there. Rolling it on every change keeps it to live files only.
  options.max_manifest_file_size = 1;
  static_assert(std::size(kFamilyNames) == kFamilyCount);
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const char* name : kFamilyNames) {
    families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  rocksdb::DB* raw = nullptr;
  handles_.clear();
  CONFIDE_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(options, path_, families, &handles_, &raw),
                                    absl::StrCat("cannot open database in ", path_)));
  db_.reset(raw);
  return absl::OkStatus();
}

void RocksDbStore::CloseDatabase() {
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    if (db_ != nullptr) {
      db_->DestroyColumnFamilyHandle(handle);
    }
  }
  handles_.clear();
  db_.reset();
}

RocksDbStore::~RocksDbStore() { CloseDatabase(); }

absl::StatusOr<std::shared_lock<std::shared_mutex>> RocksDbStore::ReadAccess() const {
  std::shared_lock<std::shared_mutex> reading(db_mu_);
  if (db_ != nullptr) {
    return reading;
  }
  // Closed by a recovery that could not reopen it: try again, since the disk may be back.
  reading.unlock();
  {
    std::lock_guard<std::mutex> lock(write_mu_);
    CONFIDE_RETURN_IF_ERROR(const_cast<RocksDbStore*>(this)->EnsureWritable());
  }
  reading.lock();
  if (db_ == nullptr) {
    return absl::UnavailableError("storage is unavailable (recovering from a failed write)");
  }
  return reading;
}

absl::Status RocksDbStore::EnsureWritable() {
  if (!resume_needed_.load()) {
    return absl::OkStatus();
  }
  if (db_ != nullptr && db_->Resume().ok()) {
    resume_needed_.store(false);
    return absl::OkStatus();
  }
  // A failed fsync is fatal to RocksDB (the kernel may have dropped the unsynced pages), so it
  // will not resume: reopen instead, which replays exactly what reached the disk, and rebuild
  // the audit tree from it (the failed write may or may not be there; either way nothing was
  // acknowledged for it).
  std::unique_lock<std::shared_mutex> exclusive(db_mu_);
  CloseDatabase();
  CONFIDE_RETURN_IF_ERROR(OpenDatabase());
  CONFIDE_RETURN_IF_ERROR(RebuildAuditTree());
  resume_needed_.store(false);
  LogInfo("hub", "storage recovered after a failed write; audit log of ", next_sequence_ - 1,
          " events verified");
  return absl::OkStatus();
}

absl::StatusOr<PutBatchResult> RocksDbStore::PutBatch(
    const BatchWrite& write, const std::function<v1::AuditEvent(BatchOutcome)>& make_audit) {
  std::lock_guard<std::mutex> lock(write_mu_);
  CONFIDE_RETURN_IF_ERROR(EnsureWritable());
  PutBatchResult result;
  const std::string batch_key = BatchKey(write.agency, write.batch_id);
  std::string existing;
  rocksdb::Status get = db_->Get(rocksdb::ReadOptions(), handles_[kBatches], batch_key, &existing);
  rocksdb::WriteBatch batch;
  if (get.ok()) {
    v1::StoredBatch stored;
    if (!stored.ParseFromString(existing)) {
      return absl::DataLossError("stored batch entry is unreadable");
    }
    result.outcome = stored.content_hash() == write.content_hash ? BatchOutcome::kDuplicate
                                                                 : BatchOutcome::kConflict;
  } else if (get.IsNotFound()) {
    result.outcome = BatchOutcome::kStored;
    for (const v1::StoredRecord& record : write.records) {
      CONFIDE_RETURN_IF_ERROR(
          FromRocks(batch.Put(handles_[kRecords],
                              RecordKey(record.dataset(), record.agency(), record.record_id()),
                              record.SerializeAsString()),
                    "staging record"));
    }
    v1::StoredBatch entry;
    entry.set_agency(write.agency);
    entry.set_dataset(write.dataset);
    entry.set_content_hash(write.content_hash);
    entry.set_records(static_cast<int64_t>(write.records.size()));
    CONFIDE_RETURN_IF_ERROR(FromRocks(
        batch.Put(handles_[kBatches], batch_key, entry.SerializeAsString()), "staging batch"));
  } else {
    return FromRocks(get, "looking up batch");
  }
  v1::AuditEvent event = make_audit(result.outcome);
  MerkleFrontier frontier = frontier_;
  CONFIDE_RETURN_IF_ERROR(StageAudit(batch, event, next_sequence_, frontier));
  CONFIDE_RETURN_IF_ERROR(WriteDurably(batch, "writing batch"));
  frontier_ = std::move(frontier);
  root_ = frontier_.Root();
  result.audit_sequence = next_sequence_++;
  return result;
}

absl::StatusOr<WithdrawalResult> RocksDbStore::Withdraw(
    const WithdrawalWrite& write,
    const std::function<v1::AuditEvent(const WithdrawalResult&)>& make_audit) {
  // Under write_mu_ nothing else writes, so the reads below and the delete batch agree.
  std::lock_guard<std::mutex> lock(write_mu_);
  CONFIDE_RETURN_IF_ERROR(EnsureWritable());
  WithdrawalResult result;
  rocksdb::WriteBatch batch;
  absl::flat_hash_set<std::string> removed_keys;
  absl::flat_hash_set<std::string> batches_to_clear(write.batch_ids.begin(), write.batch_ids.end());
  v1::StoredRecord record;
  for (const std::string& record_id : write.record_ids) {
    std::string key = RecordKey(write.dataset, write.agency, record_id);
    if (removed_keys.contains(key)) {
      continue;
    }
    std::string value;
    rocksdb::Status get = db_->Get(rocksdb::ReadOptions(), handles_[kRecords], key, &value);
    if (get.IsNotFound()) {
      ++result.records_not_found;
      continue;
    }
    CONFIDE_RETURN_IF_ERROR(FromRocks(get, "looking up record"));
    if (!record.ParseFromString(value)) {
      return absl::DataLossError("a stored record is unreadable");
    }
    batches_to_clear.insert(record.batch_id());
    CONFIDE_RETURN_IF_ERROR(
        FromRocks(batch.Delete(handles_[kRecords], key), "staging record removal"));
    removed_keys.insert(std::move(key));
    ++result.records_removed;
    result.removed_record_ids.push_back(record_id);
  }
  if (!write.batch_ids.empty()) {
    const absl::flat_hash_set<std::string> wanted(write.batch_ids.begin(), write.batch_ids.end());
    // The agency's own key prefix: another agency's records are never visited.
    const std::string prefix = RecordKey(write.dataset, write.agency, "");
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), handles_[kRecords]));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return absl::DataLossError("a stored record is unreadable");
      }
      std::string key = it->key().ToString();
      if (!wanted.contains(record.batch_id()) || removed_keys.contains(key)) {
        continue;
      }
      CONFIDE_RETURN_IF_ERROR(
          FromRocks(batch.Delete(handles_[kRecords], key), "staging record removal"));
      removed_keys.insert(std::move(key));
      ++result.records_removed;
      result.removed_record_ids.push_back(record.record_id());
    }
    CONFIDE_RETURN_IF_ERROR(FromRocks(it->status(), "scanning records"));
  }
  for (const std::string& batch_id : batches_to_clear) {
    const std::string key = BatchKey(write.agency, batch_id);
    std::string value;
    rocksdb::Status get = db_->Get(rocksdb::ReadOptions(), handles_[kBatches], key, &value);
    if (get.IsNotFound()) {
      continue;
    }
    CONFIDE_RETURN_IF_ERROR(FromRocks(get, "looking up batch"));
    v1::StoredBatch entry;
    if (!entry.ParseFromString(value)) {
      return absl::DataLossError("stored batch entry is unreadable");
    }
    if (entry.dataset() != write.dataset) {
      continue;
    }
    CONFIDE_RETURN_IF_ERROR(
        FromRocks(batch.Delete(handles_[kBatches], key), "staging batch removal"));
    ++result.batches_removed;
  }
  v1::AuditEvent event = make_audit(result);
  MerkleFrontier frontier = frontier_;
  CONFIDE_RETURN_IF_ERROR(StageAudit(batch, event, next_sequence_, frontier));
  CONFIDE_RETURN_IF_ERROR(WriteDurably(batch, "writing withdrawal"));
  frontier_ = std::move(frontier);
  root_ = frontier_.Root();
  result.audit_sequence = next_sequence_++;
  // Withdrawn records must not linger on disk either.
  CONFIDE_RETURN_IF_ERROR(EraseDeletedBytes(result.audit_sequence));
  return result;
}

absl::StatusOr<PurgeResult> RocksDbStore::PurgeBefore(
    absl::string_view dataset, int64_t cutoff,
    const std::function<v1::AuditEvent(int64_t purged)>& make_audit) {
  std::lock_guard<std::mutex> lock(write_mu_);
  CONFIDE_RETURN_IF_ERROR(EnsureWritable());
  const std::string prefix = absl::StrCat(dataset, std::string(1, '\0'));
  rocksdb::WriteBatch batch;
  PurgeResult result;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kRecords]));
  v1::StoredRecord record;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("a stored record is unreadable");
    }
    if (record.event_time() < cutoff) {
      CONFIDE_RETURN_IF_ERROR(
          FromRocks(batch.Delete(handles_[kRecords], it->key()), "staging purge"));
      ++result.records_purged;
      result.purged_records.emplace_back(record.agency(), record.record_id());
    }
  }
  CONFIDE_RETURN_IF_ERROR(FromRocks(it->status(), "scanning for expired records"));
  if (result.records_purged == 0) {
    return result;
  }
  v1::AuditEvent event = make_audit(result.records_purged);
  MerkleFrontier frontier = frontier_;
  CONFIDE_RETURN_IF_ERROR(StageAudit(batch, event, next_sequence_, frontier));
  CONFIDE_RETURN_IF_ERROR(WriteDurably(batch, "purging records"));
  frontier_ = std::move(frontier);
  root_ = frontier_.Root();
  result.audit_sequence = next_sequence_++;
  CONFIDE_RETURN_IF_ERROR(EraseDeletedBytes(result.audit_sequence));
  return result;
}

absl::Status RocksDbStore::EraseDeletedBytes(uint64_t sequence) {
  // Deleting only writes tombstones: flush every family so the write-ahead log holding the old
  // values becomes obsolete (and is deleted), then force a bottommost compaction so no SST keeps
  // them either.
  CONFIDE_RETURN_IF_ERROR(
      FromRocks(db_->Flush(rocksdb::FlushOptions(), handles_), "flushing after deletion"));
  CONFIDE_RETURN_IF_ERROR(
      FromRocks(db_->FlushWAL(/*sync=*/true), "syncing the log after deletion"));
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  CONFIDE_RETURN_IF_ERROR(
      FromRocks(db_->CompactRange(compact, handles_[kRecords], nullptr, nullptr),
                "compacting after deletion"));
  // One more change after the compaction so the MANIFEST rolls over to one that lists only the
  // compacted files (see max_manifest_file_size in Open).
  CONFIDE_RETURN_IF_ERROR(FromRocks(
      db_->Put(DurableWrite(), handles_[kDefault], "last-deletion-sequence", SequenceKey(sequence)),
      "recording the deletion"));
  CONFIDE_RETURN_IF_ERROR(FromRocks(db_->Flush(rocksdb::FlushOptions(), handles_[kDefault]),
                                    "flushing after deletion"));
  return absl::OkStatus();
}

absl::Status RocksDbStore::ScanDataset(
    absl::string_view dataset, const std::function<void(const v1::StoredRecord&)>& visit) const {
  CONFIDE_ASSIGN_OR_RETURN(std::shared_lock<std::shared_mutex> reading, ReadAccess());
  const std::string prefix = absl::StrCat(dataset, std::string(1, '\0'));
  rocksdb::ReadOptions options;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, handles_[kRecords]));
  v1::StoredRecord record;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("a stored record is unreadable");
    }
    visit(record);
  }
  return FromRocks(it->status(), "scanning records");
}

struct RocksDbStore::PendingAppend {
  v1::AuditEvent event;
  bool done = false;
  absl::Status status;
  uint64_t sequence = 0;
};

absl::StatusOr<uint64_t> RocksDbStore::Append(v1::AuditEvent event) {
  PendingAppend me;
  me.event = std::move(event);
  std::unique_lock<std::mutex> queue_lock(queue_mu_);
  queue_.push_back(&me);
  queue_cv_.wait(queue_lock, [&] { return me.done || !leader_active_; });
  if (!me.done) {
    // Leader: take everyone queued so far (this caller included) and write them as one group
    // while later arrivals queue up for the next leader.
    leader_active_ = true;
    std::vector<PendingAppend*> group(queue_.begin(), queue_.end());
    queue_.clear();
    queue_lock.unlock();
    absl::Status status;
    {
      std::lock_guard<std::mutex> lock(write_mu_);
      status = WriteAppendGroup(group);
    }
    queue_lock.lock();
    for (PendingAppend* pending : group) {
      if (!status.ok()) {
        pending->status = status;
      }
      pending->done = true;
    }
    leader_active_ = false;
    queue_cv_.notify_all();
  }
  if (!me.status.ok()) {
    return me.status;
  }
  return me.sequence;
}

absl::Status RocksDbStore::WriteAppendGroup(const std::vector<PendingAppend*>& group) {
  CONFIDE_RETURN_IF_ERROR(EnsureWritable());
  rocksdb::WriteBatch batch;
  MerkleFrontier frontier = frontier_;
  uint64_t sequence = next_sequence_;
  for (PendingAppend* pending : group) {
    pending->sequence = sequence;
    CONFIDE_RETURN_IF_ERROR(StageAudit(batch, pending->event, sequence++, frontier));
  }
  // All or nothing: on failure no sequence number is used and the tree is unchanged.
  CONFIDE_RETURN_IF_ERROR(WriteDurably(batch, "appending audit events"));
  frontier_ = std::move(frontier);
  root_ = frontier_.Root();
  next_sequence_ = sequence;
  return absl::OkStatus();
}

absl::Status RocksDbStore::StageAudit(rocksdb::WriteBatch& batch, v1::AuditEvent& event,
                                      uint64_t sequence, MerkleFrontier& frontier) {
  event.set_sequence(sequence);
  std::string leaf_hash = AuditLeafHash(event);
  const std::string key = SequenceKey(sequence);
  CONFIDE_RETURN_IF_ERROR(FromRocks(batch.Put(handles_[kAudit], key, event.SerializeAsString()),
                                    "staging audit event"));
  CONFIDE_RETURN_IF_ERROR(
      FromRocks(batch.Put(handles_[kAuditLeaves], key, leaf_hash), "staging audit leaf"));
  frontier.Append(std::move(leaf_hash));
  return absl::OkStatus();
}

absl::Status RocksDbStore::RebuildAuditTree() {
  // Heads saved earlier, smallest first: the rebuilt tree must pass through each of them.
  std::vector<v1::SignedTreeHead> heads;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), handles_[kAuditHeads]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      v1::SignedTreeHead head;
      if (!head.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return absl::DataLossError("a saved audit tree head is unreadable");
      }
      heads.push_back(std::move(head));
    }
    CONFIDE_RETURN_IF_ERROR(FromRocks(it->status(), "reading audit tree heads"));
  }
  size_t next_head = 0;
  auto check_heads = [&](const MerkleFrontier& frontier) -> absl::Status {
    while (next_head < heads.size() && heads[next_head].tree_size() == frontier.size()) {
      if (!crypto::ConstantTimeEquals(heads[next_head].root_hash(), frontier.Root())) {
        return absl::DataLossError(absl::StrCat(
            "the audit log no longer matches its signed head at tree size ", frontier.size(),
            ": an event at or before sequence ", frontier.size(), " was changed"));
      }
      ++next_head;
    }
    return absl::OkStatus();
  };
  MerkleFrontier frontier;
  CONFIDE_RETURN_IF_ERROR(check_heads(frontier));
  rocksdb::WriteBatch backfill;  // leaf hashes for events written before leaves were stored
  std::unique_ptr<rocksdb::Iterator> events(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kAudit]));
  std::unique_ptr<rocksdb::Iterator> leaves(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kAuditLeaves]));
  leaves->SeekToFirst();
  v1::AuditEvent event;
  for (events->SeekToFirst(); events->Valid(); events->Next()) {
    const uint64_t expected = frontier.size() + 1;
    const uint64_t sequence = DecodeSequenceKey(events->key());
    if (sequence != expected) {
      return absl::DataLossError(
          absl::StrCat("audit event ", expected, " is missing (next stored is ", sequence, ")"));
    }
    if (!event.ParseFromArray(events->value().data(), static_cast<int>(events->value().size())) ||
        event.sequence() != sequence) {
      return absl::DataLossError(absl::StrCat("audit event ", sequence, " is unreadable"));
    }
    std::string leaf_hash = AuditLeafHash(event);
    if (leaves->Valid() && DecodeSequenceKey(leaves->key()) == sequence) {
      if (!crypto::ConstantTimeEquals(leaves->value().ToString(), leaf_hash)) {
        return absl::DataLossError(
            absl::StrCat("audit event ", sequence, " was changed after it was written"));
      }
      leaves->Next();
    } else if (leaves->Valid() || (!heads.empty() && heads.back().tree_size() >= sequence)) {
      return absl::DataLossError(
          absl::StrCat("the leaf hash of audit event ", sequence, " is missing"));
    } else {
      CONFIDE_RETURN_IF_ERROR(FromRocks(
          backfill.Put(handles_[kAuditLeaves], events->key(), leaf_hash), "staging audit leaf"));
    }
    frontier.Append(std::move(leaf_hash));
    CONFIDE_RETURN_IF_ERROR(check_heads(frontier));
  }
  CONFIDE_RETURN_IF_ERROR(FromRocks(events->status(), "reading the audit log"));
  CONFIDE_RETURN_IF_ERROR(FromRocks(leaves->status(), "reading audit leaves"));
  if (leaves->Valid()) {
    return absl::DataLossError(absl::StrCat("audit event ", DecodeSequenceKey(leaves->key()),
                                            " is missing but its leaf hash remains"));
  }
  if (next_head < heads.size()) {
    return absl::DataLossError(
        absl::StrCat("the audit log has ", frontier.size(), " events but a signed head covers ",
                     heads.back().tree_size(), ": events were removed from the tail"));
  }
  if (backfill.Count() > 0) {
    CONFIDE_RETURN_IF_ERROR(
        FromRocks(db_->Write(DurableWrite(), &backfill), "storing audit leaf hashes"));
  }
  next_sequence_ = frontier.size() + 1;
  root_ = frontier.Root();
  frontier_ = std::move(frontier);
  return absl::OkStatus();
}

AuditTreeState RocksDbStore::CurrentTree() const {
  std::lock_guard<std::mutex> lock(write_mu_);
  return AuditTreeState{.tree_size = next_sequence_ - 1, .root_hash = root_};
}

absl::StatusOr<std::vector<std::string>> RocksDbStore::LeafHashes(uint64_t tree_size) const {
  if (tree_size > CurrentTree().tree_size) {
    return absl::OutOfRangeError(absl::StrCat("expected a tree size of at most ",
                                              CurrentTree().tree_size, ", got ", tree_size));
  }
  // TODO(audit): O(n) per proof; keep interior nodes (tiles) once logs outgrow memory.
  std::vector<std::string> hashes;
  hashes.reserve(tree_size);
  CONFIDE_ASSIGN_OR_RETURN(std::shared_lock<std::shared_mutex> reading, ReadAccess());
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kAuditLeaves]));
  for (it->SeekToFirst(); it->Valid() && hashes.size() < tree_size; it->Next()) {
    hashes.push_back(it->value().ToString());
  }
  CONFIDE_RETURN_IF_ERROR(FromRocks(it->status(), "reading audit leaves"));
  if (hashes.size() != tree_size) {
    return absl::DataLossError("audit leaf hashes are missing");
  }
  return hashes;
}

absl::Status RocksDbStore::SaveSignedHead(const v1::SignedTreeHead& head) {
  std::lock_guard<std::mutex> lock(write_mu_);
  CONFIDE_RETURN_IF_ERROR(EnsureWritable());
  rocksdb::WriteBatch batch;
  CONFIDE_RETURN_IF_ERROR(FromRocks(
      batch.Put(handles_[kAuditHeads], SequenceKey(head.tree_size()), head.SerializeAsString()),
      "staging the audit tree head"));
  return WriteDurably(batch, "saving the audit tree head");
}

absl::Status RocksDbStore::WriteDurably(rocksdb::WriteBatch& batch, absl::string_view what) {
  // After a failed durable write every later write first recovers the database
  // (EnsureWritable), so service returns by itself once the disk does, while each write in
  // between fails (and so its request fails closed).
  rocksdb::Status written = db_->Write(DurableWrite(), &batch);
  if (!written.ok()) {
    resume_needed_.store(true);
  }
  return FromRocks(written, what);
}

absl::StatusOr<v1::SignedTreeHead> RocksDbStore::LatestSignedHead() const {
  CONFIDE_ASSIGN_OR_RETURN(std::shared_lock<std::shared_mutex> reading, ReadAccess());
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kAuditHeads]));
  it->SeekToLast();
  CONFIDE_RETURN_IF_ERROR(FromRocks(it->status(), "reading audit tree heads"));
  if (!it->Valid()) {
    return absl::NotFoundError("no signed audit tree head saved yet");
  }
  v1::SignedTreeHead head;
  if (!head.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
    return absl::DataLossError("a saved audit tree head is unreadable");
  }
  return head;
}

absl::StatusOr<std::vector<v1::AuditEvent>> RocksDbStore::List(
    const v1::ListAuditRequest& request) const {
  CONFIDE_ASSIGN_OR_RETURN(std::shared_lock<std::shared_mutex> reading, ReadAccess());
  const size_t limit = request.limit() > 0 ? static_cast<size_t>(request.limit()) : 1000;
  std::vector<v1::AuditEvent> events;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[kAudit]));
  v1::AuditEvent event;
  for (it->Seek(SequenceKey(request.after_sequence() + 1)); it->Valid() && events.size() < limit;
       it->Next()) {
    if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("audit event ", DecodeSequenceKey(it->key()), " is unreadable"));
    }
    if (MatchesAuditFilter(event, request)) {
      events.push_back(event);
    }
  }
  CONFIDE_RETURN_IF_ERROR(FromRocks(it->status(), "reading the audit log"));
  return events;
}

uint64_t RocksDbStore::audit_events() const {
  std::lock_guard<std::mutex> lock(write_mu_);
  return next_sequence_ - 1;
}

}  // namespace confide::hub
