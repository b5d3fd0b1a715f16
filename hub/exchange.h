#pragma once

// All hub logic, with no gRPC types: authorise every request against the current policy, audit
// every decision durably before answering, and delegate to storage and the query engine.
// Built from injected dependencies so it is unit-tested with fakes.
//
// Thread-safe. The policy can be replaced at any time (SIGHUP); each request uses the policy
// that was current when it started.
//
// Analytics: Exchange keeps a PersonIndex and a columnar copy of the records (ColumnStore) in
// step with the store. Every store write (push, withdrawal, purge) and the updates that follow
// it happen under one exclusive lock, and queries hold it shared for their whole run, so they
// see the store, the persons and the columns in the same state.

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "common/identity.h"
#include "confide/v1/admin.pb.h"
#include "confide/v1/audit.pb.h"
#include "confide/v1/ingest.pb.h"
#include "confide/v1/query.pb.h"
#include "hub/analytics/column_store.h"
#include "hub/analytics/publish.h"
#include "hub/audit/audit_log.h"
#include "hub/audit/tree_head_issuer.h"
#include "hub/linkage/person_index.h"
#include "hub/storage/privacy_ledger.h"
#include "hub/storage/record_store.h"
#include "policy/authorizer.h"
#include "policy/policy.h"

namespace confide::hub {

struct ExchangeOptions {
  int max_batch_records = 5000;
};

class Exchange {
 public:
  // `hub_secret` re-keys every match token before storage; it never leaves this object.
  // `tree_heads` (not owned; may be null in tests that do not need it, in which case the tree
  // RPCs answer Unavailable) issues signed tree heads and proofs.
  // `privacy_ledger` (not owned; may be null when no agreement uses differential privacy, whose
  // queries are then refused Unavailable) holds each analyst's epsilon spend.
  Exchange(std::shared_ptr<const policy::Policy> policy, RecordStore& records, AuditLog& audit,
           const Clock& clock, std::string hub_secret, ExchangeOptions options = {},
           TreeHeadIssuer* tree_heads = nullptr, PrivacyLedger* privacy_ledger = nullptr);

  // Errors: PermissionDenied (policy), InvalidArgument (malformed batch), FailedPrecondition
  // (same batch id, different content), Unavailable (storage or audit failed: nothing stored).
  absl::StatusOr<v1::PushAck> Push(const Identity& caller, const v1::Batch& batch);
  absl::StatusOr<v1::GetDatasetResponse> GetDataset(const Identity& caller,
                                                    const v1::GetDatasetRequest& request);
  // Removes the caller's own records (hub/withdraw.cc), never another agency's, audited as one
  // event with counts. Errors: PermissionDenied (not a contributor of the dataset),
  // InvalidArgument (malformed ids), Unavailable (storage or audit failed: nothing removed).
  absl::StatusOr<v1::WithdrawResponse> Withdraw(const Identity& caller,
                                                const v1::WithdrawRequest& request);
  absl::StatusOr<v1::QueryResult> Query(const Identity& caller, const v1::QueryRequest& request);
  absl::StatusOr<v1::ListAuditResponse> ListAudit(const Identity& caller,
                                                  const v1::ListAuditRequest& request);
  absl::StatusOr<v1::HealthResponse> Health(const Identity& caller);
  // Audit log tamper evidence (hub/audit_exchange.cc), each audited before it answers.
  // Errors: PermissionDenied, InvalidArgument/OutOfRange (sizes), Unavailable (audit or head
  // could not be made durable: nothing returned).
  absl::StatusOr<v1::GetTreeHeadResponse> GetTreeHead(const Identity& caller);
  absl::StatusOr<v1::GetConsistencyProofResponse> GetConsistencyProof(
      const Identity& caller, const v1::GetConsistencyProofRequest& request);
  absl::StatusOr<v1::GetInclusionProofResponse> GetInclusionProof(
      const Identity& caller, const v1::GetInclusionProofRequest& request);

  // Audits a request refused before it reached a handler (e.g. a certificate without a Confide
  // identity) and returns `why`, or Unavailable if the refusal could not be audited.
  absl::Status RecordRefusal(absl::string_view action, absl::string_view peer,
                             const absl::Status& why);
  // Audits a hub lifecycle event ("hub.start", "policy.reload", ...).
  absl::Status RecordEvent(absl::string_view action, v1::AuditEvent::Decision decision,
                           absl::string_view detail);

  // Purges, dataset by dataset, records past the longest retention of any agreement covering
  // them (policy/retention.h), auditing each purge with its count. Returns the total purged.
  // Run at start-up and periodically by the hub.
  absl::StatusOr<int64_t> RunRetention();

  // Replaces the policy. When its linkage recipe or datasets differ from those the person index
  // was built for, rebuilds the index (or, if that fails, the next query that needs it does).
  void ReplacePolicy(std::shared_ptr<const policy::Policy> policy);
  std::shared_ptr<const policy::Policy> policy() const;

  // Builds the person index from the store under the current policy (hub/linkage_sync.cc).
  // Called at start-up; queries that need persons build it themselves if it is missing.
  // Errors: the store's scan errors (the index is then left missing).
  absl::StatusOr<linkage::IndexStats> RebuildLinkage();

 private:
  // Runs the authoriser; on denial audits and returns PermissionDenied naming the rule.
  absl::StatusOr<policy::Decision> Authorize(const policy::Policy& policy,
                                             const policy::AccessRequest& request,
                                             v1::AuditEvent& event);
  v1::AuditEvent NewEvent(const Identity& caller, policy::Action action,
                          const policy::Policy& policy) const;
  // Appends `event`; a failure becomes Unavailable so the caller answers nothing.
  absl::StatusOr<uint64_t> Audit(v1::AuditEvent event);
  // Audits a failure (invalid input etc.) and returns it, or Unavailable if auditing failed.
  absl::Status AuditFailure(v1::AuditEvent event, const absl::Status& status);

  absl::StatusOr<v1::QueryResult> RunQuery(std::shared_ptr<const policy::Policy> policy,
                                           const v1::QueryRequest& request, const Identity& caller,
                                           v1::AuditEvent& event);
  // Differential privacy for a query under `agreement` (hub/private_query.cc): noise on every
  // published count and sum, then the epsilon charge, audited with `event` in one write.
  // ResourceExhausted (with the budget left) when the analyst's budget cannot pay for it.
  absl::StatusOr<v1::QueryResult> PublishPrivately(
      const v1::Agreement& agreement, const query::ParsedQuery& parsed, uint64_t data_fingerprint,
      const std::vector<analytics::ExactGroup>& groups, analytics::PublishOptions publish,
      const policy::Policy& policy, const Identity& caller, v1::AuditEvent& event);

  // hub/linkage_sync.cc. The *Locked ones require linkage_mu_ held exclusively.
  absl::Status RebuildLinkageLocked(std::shared_ptr<const policy::Policy> policy);
  void DropLinkageLocked();
  // Records each row's person in the columns; drops both on failure.
  absl::Status RefreshPersonsLocked();
  // Called after every store write, with its outcome, before the index is updated.
  void StoreWriteFailedLocked();
  void StoreWriteSucceededLocked();
  // Rebuilds an existing index that was built for another recipe or dataset list.
  void MaybeRebuildLinkage(std::shared_ptr<const policy::Policy> policy);
  // Drops the index (found out of step with the store); the next query rebuilds it.
  void DropLinkage();
  // Applies a store write to the person index and the columns (linkage_mu_ held exclusively).
  void IndexStoredLocked(const std::vector<v1::StoredRecord>& records);
  void UnindexLocked(const std::vector<linkage::RecordRef>& records);
  // The columns for a query under `policy`, building them (and the person index) first when
  // missing or built for another policy, and recording each row's person first when
  // `needs_persons`. On success `lock` holds linkage_mu_ shared.
  absl::StatusOr<const analytics::ColumnStore*> ColumnsForQuery(
      std::shared_ptr<const policy::Policy> policy, bool needs_persons,
      std::shared_lock<std::shared_mutex>& lock);

  mutable std::mutex policy_mu_;
  std::shared_ptr<const policy::Policy> policy_;
  RecordStore& records_;
  AuditLog& audit_;
  const Clock& clock_;
  const std::string hub_secret_;
  const ExchangeOptions options_;
  const absl::Time started_;
  TreeHeadIssuer* const tree_heads_;     // not owned; may be null
  PrivacyLedger* const privacy_ledger_;  // not owned; may be null
  // Keys the differential-privacy noise (derived from the hub secret, domain-separated from
  // token re-keying, whose HMAC inputs all start "confide-rekey-v1").
  const std::string noise_key_;

  std::shared_mutex linkage_mu_;
  std::unique_ptr<linkage::PersonIndex> persons_;    // guarded by linkage_mu_; null until built
  std::unique_ptr<analytics::ColumnStore> columns_;  // guarded by linkage_mu_; built with persons_
  std::string persons_built_for_;                    // guarded by linkage_mu_; LinkageInputs()
  bool store_write_failed_ = false;                  // guarded by linkage_mu_
};

}  // namespace confide::hub
