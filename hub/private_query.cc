// Exchange::PublishPrivately: differentially private answers and the epsilon ledger.
//
// Noise is deterministic: it is keyed by the hub's noise key and seeded by the analyst, the
// agreement, the canonical query, the data it ran on and the cell, so asking again returns the
// same answer (nothing to average) and costs nothing; new data gives fresh noise and a new
// charge.

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/crypto/hash.h"
#include "common/status_macros.h"
#include "hub/exchange.h"
#include "policy/privacy/noise.h"

namespace confide::hub {
namespace {

privacy::NoiseMechanism MechanismOf(const v1::DifferentialPrivacy& dp) {
  return dp.mechanism() == v1::DifferentialPrivacy::LAPLACE ? privacy::NoiseMechanism::kLaplace
                                                            : privacy::NoiseMechanism::kGeometric;
}

std::string Epsilon(double epsilon) { return absl::StrFormat("%.6g", epsilon); }

}  // namespace

absl::StatusOr<v1::QueryResult> Exchange::PublishPrivately(
    const v1::Agreement& agreement, const query::ParsedQuery& parsed, uint64_t data_fingerprint,
    const std::vector<analytics::ExactGroup>& groups, analytics::PublishOptions publish,
    const policy::Policy& policy, const Identity& caller, v1::AuditEvent& event) {
  if (privacy_ledger_ == nullptr) {
    return AuditFailure(std::move(event),
                        absl::UnavailableError("this hub has no privacy budget ledger"));
  }
  const v1::DifferentialPrivacy& dp = agreement.differential_privacy();
  const privacy::NoiseMechanism mechanism = MechanismOf(dp);
  std::vector<query::Aggregate> aggregates;
  for (const query::SelectItem& item : parsed.select) {
    if (item.kind == query::SelectItem::Kind::kAggregate) {
      aggregates.push_back(item.aggregate);
    }
  }
  const double per_measure = dp.epsilon_per_query() / static_cast<double>(aggregates.size());
  const double bound = std::max(1, dp.max_records_per_person());
  double max_weight = 0;
  for (const v1::HarmWeight& weight : policy.proto().reference().harm_weights()) {
    if (weight.dataset() == parsed.dataset) {
      max_weight = std::max(max_weight, weight.weight());
    }
  }
  // SUM(harm) releases a noisy count (for suppression) and a noisy sum: half the epsilon each.
  auto count_epsilon = [&](size_t m) {
    return aggregates[m].kind == query::AggregateKind::kSumHarm ? per_measure / 2 : per_measure;
  };
  const std::string fingerprint_text = privacy::NoiseContext(
      {caller.uri, agreement.id(), query::ToString(parsed), absl::StrCat(data_fingerprint),
       absl::StrCat(static_cast<int>(mechanism)), Epsilon(dp.epsilon_per_query()),
       absl::StrCat(bound), policy.version()});
  const std::string fingerprint = crypto::Sha256(fingerprint_text);
  CONFIDE_RETURN_IF_ERROR(privacy::ValidateNoiseParameters(per_measure / 2, bound));
  CONFIDE_RETURN_IF_ERROR(
      privacy::ValidateNoiseParameters(per_measure / 2, std::max(1.0, bound * max_weight)));

  auto source = [&](absl::string_view what, size_t m,
                    const analytics::ExactGroup& group) -> privacy::NoiseSource {
    std::vector<std::string> parts = {fingerprint, std::string(what), absl::StrCat(m)};
    parts.insert(parts.end(), group.dims.begin(), group.dims.end());
    std::vector<absl::string_view> views(parts.begin(), parts.end());
    // The key is 32 bytes and the context well-formed, so Create cannot fail.
    return *privacy::NoiseSource::Create(noise_key_, privacy::NoiseContext(views));
  };
  publish.noisy_count = [&](size_t m, const analytics::ExactGroup& group, int64_t exact) {
    privacy::NoiseSource noise = source("count", m, group);
    if (mechanism == privacy::NoiseMechanism::kLaplace) {
      return exact + static_cast<int64_t>(std::llround(noise.Laplace(count_epsilon(m), bound)));
    }
    return exact + noise.TwoSidedGeometric(count_epsilon(m), bound);
  };
  publish.noisy_sum = [&](size_t m, const analytics::ExactGroup& group, double exact) {
    privacy::NoiseSource noise = source("sum", m, group);
    return exact + noise.Laplace(per_measure / 2, std::max(1.0, bound * max_weight));
  };
  // Suppression of small noisy counts is post-processing; hiding further cells to protect them
  // would add nothing the noise does not already give, and would hide real figures.
  publish.rules.secondary_suppression = false;
  std::string failed_rule;
  absl::StatusOr<v1::QueryResult> published =
      analytics::Publish(parsed, groups, publish, &failed_rule);
  if (!published.ok()) {
    return AuditFailure(std::move(event), published.status());
  }
  v1::QueryResult& result = *published;
  result.set_differentially_private(true);
  result.add_notes(absl::StrCat(
      "Differentially private (",
      mechanism == privacy::NoiseMechanism::kLaplace ? "Laplace" : "geometric", " noise, epsilon ",
      Epsilon(per_measure), " per measure, at most ", bound,
      " records per person): each count is within +/-",
      Epsilon(privacy::NoiseHalfWidth(mechanism, per_measure, bound)),
      " of the truth at 95% before rounding; every combination of the dimensions' values is "
      "listed, including empty ones"));
  int64_t suppressed = 0;
  for (const v1::ResultRow& row : result.rows()) {
    for (const v1::ResultCell& cell : row.measures()) {
      suppressed += cell.suppressed() ? 1 : 0;
    }
  }
  result.set_policy_version(policy.version());
  event.set_record_count(result.rows_size());
  const std::string summary =
      absl::StrCat(event.reason(), "; ", result.rows_size(), " cells, ", suppressed, " suppressed");
  BudgetCharge charge{caller.uri, agreement.id(), fingerprint, dp.epsilon_per_query(), dp.budget()};
  absl::StatusOr<ChargeOutcome> outcome =
      privacy_ledger_->Charge(charge, [&](const ChargeOutcome& decided) {
        v1::AuditEvent out = event;
        switch (decided.kind) {
          case ChargeOutcome::kCharged:
            out.set_reason(absl::StrCat(
                summary, "; differential privacy: epsilon ", Epsilon(charge.epsilon), " charged, ",
                Epsilon(decided.remaining), " of ", Epsilon(dp.budget()), " left"));
            break;
          case ChargeOutcome::kRepeat:
            out.set_reason(absl::StrCat(summary,
                                        "; differential privacy: repeat of an earlier query on "
                                        "the same data, same answer, nothing charged; ",
                                        Epsilon(decided.remaining), " of ", Epsilon(dp.budget()),
                                        " left"));
            break;
          case ChargeOutcome::kRefused:
            out.set_decision(v1::AuditEvent::DENY);
            out.set_rule("privacy.budget-exhausted");
            out.set_record_count(0);
            out.set_reason(absl::StrCat("privacy budget exhausted: the query needs epsilon ",
                                        Epsilon(charge.epsilon), ", ", Epsilon(decided.remaining),
                                        " of ", Epsilon(dp.budget()), " left"));
            break;
        }
        return out;
      });
  if (!outcome.ok()) {
    return absl::UnavailableError(
        absl::StrCat("nothing answered; retry later: ", outcome.status().message()));
  }
  if (outcome->kind == ChargeOutcome::kRefused) {
    return absl::ResourceExhaustedError(
        absl::StrCat("privacy budget exhausted under agreement '", agreement.id(),
                     "': this query needs epsilon ", Epsilon(charge.epsilon), " and you have ",
                     Epsilon(outcome->remaining), " of ", Epsilon(dp.budget()),
                     " left; repeating an earlier query costs nothing, otherwise ask "
                     "your information governance officer"));
  }
  result.set_epsilon_charged(outcome->kind == ChargeOutcome::kCharged ? charge.epsilon : 0);
  result.set_epsilon_remaining(outcome->remaining);
  result.set_audit_sequence(outcome->audit_sequence);
  return result;
}

}  // namespace confide::hub
