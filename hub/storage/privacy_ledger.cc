#include "hub/storage/privacy_ledger.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace confide::hub::ledger {
namespace {

constexpr double kMicro = 1e6;
// A product within 10^-6 of a whole number of micro-epsilon is that number, so that floating
// point representation error (0.3 * 10^6 = 299999.99999999994) never moves a value by a unit.
constexpr double kSlack = 1e-6;

}  // namespace

absl::Status ValidateCharge(const BudgetCharge& charge) {
  if (charge.analyst.empty() || charge.agreement.empty() || charge.query_fingerprint.empty()) {
    return absl::InvalidArgumentError(
        "expected a non-empty analyst, agreement and query fingerprint for a privacy charge");
  }
  if (!std::isfinite(charge.epsilon) || charge.epsilon <= 0 || charge.epsilon > kMaxLedgerValue) {
    return absl::InvalidArgumentError(absl::StrCat("expected an epsilon above 0 and at most ",
                                                   kMaxLedgerValue, ", got ", charge.epsilon));
  }
  if (!std::isfinite(charge.budget) || charge.budget < 0 || charge.budget > kMaxLedgerValue) {
    return absl::InvalidArgumentError(absl::StrCat("expected a privacy budget from 0 to ",
                                                   kMaxLedgerValue, ", got ", charge.budget));
  }
  return absl::OkStatus();
}

int64_t ChargeMicros(double epsilon) {
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(epsilon * kMicro - kSlack)));
}

int64_t BudgetMicros(double budget) {
  return std::max<int64_t>(0, static_cast<int64_t>(std::floor(budget * kMicro + kSlack)));
}

double MicrosToEpsilon(int64_t micros) { return static_cast<double>(micros) / kMicro; }

Decision Decide(const BudgetCharge& charge, int64_t spent_micros, bool repeat) {
  const int64_t budget = BudgetMicros(charge.budget);
  Decision decision;
  decision.spent_after_micros = spent_micros;
  if (repeat) {
    decision.outcome.kind = ChargeOutcome::kRepeat;
  } else if (spent_micros + ChargeMicros(charge.epsilon) > budget) {
    decision.outcome.kind = ChargeOutcome::kRefused;
  } else {
    decision.outcome.kind = ChargeOutcome::kCharged;
    decision.spent_after_micros = spent_micros + ChargeMicros(charge.epsilon);
  }
  decision.outcome.spent_before = MicrosToEpsilon(spent_micros);
  decision.outcome.spent_after = MicrosToEpsilon(decision.spent_after_micros);
  decision.outcome.remaining =
      MicrosToEpsilon(std::max<int64_t>(0, budget - decision.spent_after_micros));
  return decision;
}

}  // namespace confide::hub::ledger
