#pragma once

// A working in-memory PrivacyLedger with the same contract as RocksDbStore's (the contract tests
// in tests/hub/storage/privacy_ledger_test.cc run against both): whole micro-epsilon per
// (analyst, agreement), repeats per (fingerprint, epsilon) free, every outcome audited, and
// all-or-nothing charges. Audit events go to the AuditLog it is given (e.g. the
// InMemoryRecordStore the test already uses), so they share its sequence; the ledger changes only
// once that append has succeeded.
//
// Fault injection: while FailWrites(true) is in force, Charge returns Unavailable and changes
// nothing (no spend, no audit event); FailReads(true) does the same for Spent. Thread-safe.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "confide/v1/audit.pb.h"
#include "hub/audit/audit_log.h"
#include "hub/storage/privacy_ledger.h"

namespace confide::testing {

class FakePrivacyLedger final : public hub::PrivacyLedger {
 public:
  // `audit` must outlive the ledger.
  explicit FakePrivacyLedger(hub::AuditLog& audit) : audit_(audit) {}

  absl::StatusOr<hub::ChargeOutcome> Charge(
      const hub::BudgetCharge& charge,
      const std::function<v1::AuditEvent(const hub::ChargeOutcome&)>& make_audit) override {
    CONFIDE_RETURN_IF_ERROR(hub::ledger::ValidateCharge(charge));
    // Held across the append: a concurrent charge cannot decide on a spend about to change.
    std::lock_guard<std::mutex> lock(mu_);
    const std::pair<std::string, std::string> who(charge.analyst, charge.agreement);
    const QueryKey query{charge.analyst, charge.agreement, charge.query_fingerprint,
                         hub::ledger::ChargeMicros(charge.epsilon)};
    auto spent = spent_.find(who);
    hub::ledger::Decision decision = hub::ledger::Decide(
        charge, spent == spent_.end() ? 0 : spent->second, queries_.count(query) > 0);
    v1::AuditEvent event = make_audit(decision.outcome);
    if (fail_writes_) {
      return absl::UnavailableError("injected write failure (FakePrivacyLedger)");
    }
    CONFIDE_ASSIGN_OR_RETURN(decision.outcome.audit_sequence, audit_.Append(std::move(event)));
    // Past the append nothing can fail, so the charge is all-or-nothing.
    if (decision.outcome.kind == hub::ChargeOutcome::kCharged) {
      spent_[who] = decision.spent_after_micros;
      queries_.insert(query);
    }
    return decision.outcome;
  }

  absl::StatusOr<double> Spent(absl::string_view analyst,
                               absl::string_view agreement) const override {
    std::lock_guard<std::mutex> lock(mu_);
    if (fail_reads_) {
      return absl::UnavailableError("injected read failure (FakePrivacyLedger)");
    }
    auto spent = spent_.find({std::string(analyst), std::string(agreement)});
    return hub::ledger::MicrosToEpsilon(spent == spent_.end() ? 0 : spent->second);
  }

  void FailWrites(bool fail) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_writes_ = fail;
  }
  void FailReads(bool fail) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_reads_ = fail;
  }

 private:
  // (analyst, agreement, fingerprint, charged micro-epsilon)
  using QueryKey = std::tuple<std::string, std::string, std::string, int64_t>;

  hub::AuditLog& audit_;
  mutable std::mutex mu_;
  bool fail_writes_ = false;
  bool fail_reads_ = false;
  std::map<std::pair<std::string, std::string>, int64_t> spent_;  // micro-epsilon
  std::set<QueryKey> queries_;
};

}  // namespace confide::testing
