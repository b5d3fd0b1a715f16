#pragma once

// A working in-memory RecordStore and AuditLog with the same contract as RocksDbStore (the
// contract tests in tests/hub/storage/ run against both): outcomes per (agency, batch id),
// records keyed by (dataset, agency, record id) so a re-sent record replaces the old one,
// withdrawals confined to the caller's own records, one gap-free audit sequence shared by
// PutBatch, Withdraw and Append, and all-or-nothing writes.
//
// Fault injection: while FailWrites(true) is in force, PutBatch, Withdraw and Append return
// Unavailable and change nothing (no record, no batch entry, no audit event, no sequence number
// used), as RocksDbStore does when its fsynced write fails. FailReads(true) does the same for
// ScanDataset and List. Thread-safe.
//
// It is also a working AuditTree: the same leaf hashes and tree as RocksDbStore; signed heads
// are kept in memory (SaveSignedHead fails like a write while FailWrites is in force).

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "confide/v1/audit.pb.h"
#include "confide/v1/storage.pb.h"
#include "hub/audit/audit_leaf.h"
#include "hub/audit/audit_log.h"
#include "hub/audit/audit_tree.h"
#include "hub/audit/merkle.h"
#include "hub/storage/record_store.h"

namespace confide::testing {

class InMemoryRecordStore final : public hub::RecordStore,
                                  public hub::AuditLog,
                                  public hub::AuditTree {
 public:
  absl::StatusOr<hub::PutBatchResult> PutBatch(
      const hub::BatchWrite& write,
      const std::function<v1::AuditEvent(hub::BatchOutcome)>& make_audit) override {
    std::lock_guard<std::mutex> lock(mu_);
    hub::PutBatchResult result;
    auto existing = batches_.find({write.agency, write.batch_id});
    if (existing == batches_.end()) {
      result.outcome = hub::BatchOutcome::kStored;
    } else {
      result.outcome = existing->second.content_hash() == write.content_hash
                           ? hub::BatchOutcome::kDuplicate
                           : hub::BatchOutcome::kConflict;
    }
    v1::AuditEvent event = make_audit(result.outcome);
    if (fail_writes_) {
      return absl::UnavailableError("injected write failure (InMemoryRecordStore)");
    }
    // Past this point nothing can fail, so the write is all-or-nothing.
    if (result.outcome == hub::BatchOutcome::kStored) {
      for (const v1::StoredRecord& record : write.records) {
        records_[{record.dataset(), record.agency(), record.record_id()}] = record;
      }
      v1::StoredBatch& entry = batches_[{write.agency, write.batch_id}];
      entry.set_agency(write.agency);
      entry.set_dataset(write.dataset);
      entry.set_content_hash(write.content_hash);
      entry.set_records(static_cast<int64_t>(write.records.size()));
    }
    result.audit_sequence = AppendLocked(std::move(event));
    return result;
  }

  absl::StatusOr<hub::WithdrawalResult> Withdraw(
      const hub::WithdrawalWrite& write,
      const std::function<v1::AuditEvent(const hub::WithdrawalResult&)>& make_audit) override {
    std::lock_guard<std::mutex> lock(mu_);
    hub::WithdrawalResult result;
    std::set<std::tuple<std::string, std::string, std::string>> doomed;
    std::set<std::string> batches(write.batch_ids.begin(), write.batch_ids.end());
    for (const std::string& record_id : write.record_ids) {
      auto it = records_.find({write.dataset, write.agency, record_id});
      if (it == records_.end()) {
        ++result.records_not_found;
      } else if (doomed.insert(it->first).second) {
        batches.insert(it->second.batch_id());
      }
    }
    const std::set<std::string> wanted(write.batch_ids.begin(), write.batch_ids.end());
    for (const auto& [key, record] : records_) {
      if (std::get<0>(key) == write.dataset && std::get<1>(key) == write.agency &&
          wanted.count(record.batch_id()) > 0) {
        doomed.insert(key);
      }
    }
    result.records_removed = static_cast<int64_t>(doomed.size());
    for (const auto& key : doomed) {
      result.removed_record_ids.push_back(std::get<2>(key));
    }
    std::vector<std::pair<std::string, std::string>> doomed_batches;
    for (const std::string& batch_id : batches) {
      auto it = batches_.find({write.agency, batch_id});
      if (it != batches_.end() && it->second.dataset() == write.dataset) {
        doomed_batches.push_back(it->first);
      }
    }
    result.batches_removed = static_cast<int64_t>(doomed_batches.size());
    v1::AuditEvent event = make_audit(result);
    if (fail_writes_) {
      return absl::UnavailableError("injected write failure (InMemoryRecordStore)");
    }
    for (const auto& key : doomed) {
      records_.erase(key);
    }
    for (const auto& key : doomed_batches) {
      batches_.erase(key);
    }
    result.audit_sequence = AppendLocked(std::move(event));
    return result;
  }

  absl::StatusOr<hub::PurgeResult> PurgeBefore(
      absl::string_view dataset, int64_t cutoff,
      const std::function<v1::AuditEvent(int64_t)>& make_audit) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<RecordKey> doomed;
    for (const auto& [key, record] : records_) {
      if (record.dataset() == dataset && record.event_time() < cutoff) {
        doomed.push_back(key);
      }
    }
    hub::PurgeResult result;
    result.records_purged = static_cast<int64_t>(doomed.size());
    for (const RecordKey& key : doomed) {
      result.purged_records.emplace_back(std::get<1>(key), std::get<2>(key));
    }
    if (doomed.empty()) {
      return result;
    }
    v1::AuditEvent event = make_audit(result.records_purged);
    if (fail_writes_) {
      return absl::UnavailableError("injected write failure (InMemoryRecordStore)");
    }
    for (const RecordKey& key : doomed) {
      records_.erase(key);
    }
    result.audit_sequence = AppendLocked(std::move(event));
    return result;
  }

  absl::Status ScanDataset(
      absl::string_view dataset,
      const std::function<void(const v1::StoredRecord&)>& visit) const override {
    std::vector<v1::StoredRecord> snapshot;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (fail_reads_) {
        return absl::UnavailableError("injected read failure (InMemoryRecordStore)");
      }
      for (const auto& [key, record] : records_) {
        if (std::get<0>(key) == dataset) {
          snapshot.push_back(record);
        }
      }
    }
    // Visit outside the lock: the snapshot is consistent and `visit` may call back.
    for (const v1::StoredRecord& record : snapshot) {
      visit(record);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<uint64_t> Append(v1::AuditEvent event) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (fail_writes_) {
      return absl::UnavailableError("injected write failure (InMemoryRecordStore)");
    }
    return AppendLocked(std::move(event));
  }

  absl::StatusOr<std::vector<v1::AuditEvent>> List(
      const v1::ListAuditRequest& request) const override {
    std::lock_guard<std::mutex> lock(mu_);
    if (fail_reads_) {
      return absl::UnavailableError("injected read failure (InMemoryRecordStore)");
    }
    const size_t limit = request.limit() > 0 ? static_cast<size_t>(request.limit()) : 1000;
    std::vector<v1::AuditEvent> events;
    for (const v1::AuditEvent& event : audit_) {
      if (events.size() >= limit) {
        break;
      }
      if (hub::MatchesAuditFilter(event, request)) {
        events.push_back(event);
      }
    }
    return events;
  }

  hub::AuditTreeState CurrentTree() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return hub::AuditTreeState{.tree_size = frontier_.size(), .root_hash = frontier_.Root()};
  }

  absl::StatusOr<std::vector<std::string>> LeafHashes(uint64_t tree_size) const override {
    std::lock_guard<std::mutex> lock(mu_);
    if (fail_reads_) {
      return absl::UnavailableError("injected read failure (InMemoryRecordStore)");
    }
    if (tree_size > leaf_hashes_.size()) {
      return absl::OutOfRangeError("tree size beyond the log");
    }
    return std::vector<std::string>(leaf_hashes_.begin(), leaf_hashes_.begin() + tree_size);
  }

  absl::Status SaveSignedHead(const v1::SignedTreeHead& head) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (fail_writes_) {
      return absl::UnavailableError("injected write failure (InMemoryRecordStore)");
    }
    heads_[head.tree_size()] = head;
    return absl::OkStatus();
  }

  absl::StatusOr<v1::SignedTreeHead> LatestSignedHead() const override {
    std::lock_guard<std::mutex> lock(mu_);
    if (heads_.empty()) {
      return absl::NotFoundError("no signed audit tree head saved yet");
    }
    return heads_.rbegin()->second;
  }

  void FailWrites(bool fail) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_writes_ = fail;
  }
  void FailReads(bool fail) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_reads_ = fail;
  }

  // Inspection for tests.
  size_t record_count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return records_.size();
  }
  std::vector<v1::StoredRecord> AllRecords() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<v1::StoredRecord> all;
    for (const auto& [key, record] : records_) {
      all.push_back(record);
    }
    return all;
  }
  std::vector<v1::AuditEvent> AllEvents() const {
    std::lock_guard<std::mutex> lock(mu_);
    return audit_;
  }

 private:
  uint64_t AppendLocked(v1::AuditEvent event) {
    const uint64_t sequence = audit_.size() + 1;
    event.set_sequence(sequence);
    leaf_hashes_.push_back(hub::AuditLeafHash(event));
    frontier_.Append(leaf_hashes_.back());
    audit_.push_back(std::move(event));
    return sequence;
  }

  using RecordKey = std::tuple<std::string, std::string, std::string>;

  mutable std::mutex mu_;
  bool fail_writes_ = false;
  bool fail_reads_ = false;
  // (dataset, agency, record id): the key RocksDbStore uses, so scans visit in the same order.
  std::map<RecordKey, v1::StoredRecord> records_;
  std::map<std::pair<std::string, std::string>, v1::StoredBatch> batches_;  // (agency, batch id)
  std::vector<v1::AuditEvent> audit_;     // audit_[i] has sequence i + 1
  std::vector<std::string> leaf_hashes_;  // leaf_hashes_[i] is audit_[i]'s
  hub::MerkleFrontier frontier_;
  std::map<uint64_t, v1::SignedTreeHead> heads_;  // by tree size
};

}  // namespace confide::testing
