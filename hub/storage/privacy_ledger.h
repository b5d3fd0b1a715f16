#pragma once

// The differential-privacy budget ledger: epsilon spent per (analyst, agreement), charged in
// ONE durable write together with the audit event of the query that spends it.
//
// Amounts are kept as whole micro-epsilon (10^-6), so repeated charges never drift. Rounding
// always favours privacy: a charge is rounded up and a budget down (a value within 10^-12 of a
// multiple of 10^-6 counts as that multiple, so decimal policy values are exact). This matches
// the quantisation of policy/privacy/noise.h, whose noise is at least as strong as the epsilon
// charged here.
//
// Repeats: a query fingerprint charged before by the same analyst under the same agreement with
// the same epsilon costs nothing, because deterministic noise gives the same answer again. This
// is sound only if the fingerprint covers everything the answer depends on (the canonical query,
// the data fingerprint, mechanism and epsilon): the caller must build it from the same parts as
// the noise context. The same fingerprint with a different epsilon is a new charge.

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "confide/v1/audit.pb.h"

namespace confide::hub {

struct BudgetCharge {
  std::string analyst;            // certificate identity
  std::string agreement;          // agreement id
  std::string query_fingerprint;  // opaque bytes, e.g. a SHA-256 (see the file comment)
  double epsilon = 0;             // this query's cost, > 0
  double budget = 0;              // the agreement's total per analyst, >= 0 (policy may change it)
};

struct ChargeOutcome {
  enum Kind {
    kCharged,  // epsilon added to the analyst's spend
    kRepeat,   // same fingerprint (and epsilon) charged before: costs nothing, same answer
    kRefused,  // would exceed the budget: nothing charged
  };
  Kind kind = kCharged;
  double spent_before = 0;      // epsilon spent before this charge
  double spent_after = 0;       // equal to spent_before unless kCharged
  double remaining = 0;         // budget - spent_after, never negative
  uint64_t audit_sequence = 0;  // the audit event's sequence (set once it is written)
};

class PrivacyLedger {
 public:
  virtual ~PrivacyLedger() = default;

  // Decides the outcome for `charge` against the analyst's spend under the agreement, then in
  // ONE durable (fsynced) write records the spend (kCharged only) together with the audit event
  // `make_audit(outcome)`, whatever the outcome (a refusal and a repeat are audited too). So
  // epsilon is never spent without its audit event and vice versa. `make_audit` sees the outcome
  // before the write (audit_sequence still 0: the event gets its sequence as it is written; the
  // returned outcome has it). InvalidArgument for an empty analyst, agreement or
  // fingerprint, or an epsilon or budget that is not finite, not positive (epsilon) or negative
  // (budget), or above 10^9; Unavailable on I/O failure, in which case nothing is charged or
  // audited. Thread-safe: concurrent charges for one (analyst, agreement) never overspend.
  virtual absl::StatusOr<ChargeOutcome> Charge(
      const BudgetCharge& charge,
      const std::function<v1::AuditEvent(const ChargeOutcome&)>& make_audit) = 0;

  // Epsilon spent so far by `analyst` under `agreement` (0 when none). Thread-safe.
  virtual absl::StatusOr<double> Spent(absl::string_view analyst,
                                       absl::string_view agreement) const = 0;
};

// Shared by PrivacyLedger implementations, so they agree to the micro-epsilon.
namespace ledger {

inline constexpr double kMaxLedgerValue = 1e9;

// InvalidArgument ("expected ..., got ...") unless the charge is well formed (see Charge).
absl::Status ValidateCharge(const BudgetCharge& charge);

// Whole micro-epsilon: a charge rounded up, a budget rounded down (see the file comment).
int64_t ChargeMicros(double epsilon);
int64_t BudgetMicros(double budget);
double MicrosToEpsilon(int64_t micros);

struct Decision {
  ChargeOutcome outcome;       // audit_sequence left 0
  int64_t spent_after_micros;  // what to store when outcome.kind == kCharged
};

// The outcome of `charge` for an analyst who has spent `spent_micros` and has (`repeat`) or has
// not charged this fingerprint with this epsilon before. Requires ValidateCharge(charge).ok().
Decision Decide(const BudgetCharge& charge, int64_t spent_micros, bool repeat);

}  // namespace ledger

}  // namespace confide::hub
