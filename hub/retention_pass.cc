// Exchange::RunRetention: purge what no agreement may keep any longer.

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "hub/exchange.h"
#include "policy/retention.h"

namespace confide::hub {

absl::StatusOr<int64_t> Exchange::RunRetention() {
  std::shared_ptr<const policy::Policy> current = policy();
  absl::CivilDay today = absl::ToCivilDay(clock_.Now(), absl::UTCTimeZone());
  int64_t total = 0;
  for (const v1::Dataset& dataset : current->proto().datasets()) {
    absl::optional<int> days = policy::DatasetRetentionDays(*current, dataset.id());
    if (!days.has_value()) {
      continue;  // no agreement covers it, so nothing can have been pushed under the policy
    }
    absl::CivilDay cutoff_day = today - *days;
    int64_t cutoff = policy::RetentionCutoff(today, *days);
    std::unique_lock<std::shared_mutex> linkage_lock(linkage_mu_);
    absl::StatusOr<PurgeResult> purged =
        records_.PurgeBefore(dataset.id(), cutoff, [&](int64_t count) {
          v1::AuditEvent event;
          event.set_time_micros(absl::ToUnixMicros(clock_.Now()));
          event.set_actor("confide://hub");
          event.set_action("retention.purge");
          event.set_dataset(dataset.id());
          event.set_decision(v1::AuditEvent::ALLOW);
          event.set_rule("retention.expired");
          event.set_record_count(count);
          event.set_policy_version(current->version());
          event.set_reason(absl::StrFormat(
              "purged %d records with events before %04d-%02d-%02d (retention %d days)", count,
              cutoff_day.year(), cutoff_day.month(), cutoff_day.day(), *days));
          return event;
        });
    if (!purged.ok()) {
      // Possibly after its durable write (while erasing the deleted bytes).
      StoreWriteFailedLocked();
      return purged.status();
    }
    StoreWriteSucceededLocked();
    if (!purged->purged_records.empty()) {
      std::vector<linkage::RecordRef> removed;
      removed.reserve(purged->purged_records.size());
      for (const auto& [agency, record_id] : purged->purged_records) {
        removed.push_back(linkage::RecordRef{dataset.id(), agency, record_id});
      }
      UnindexLocked(removed);
    }
    linkage_lock.unlock();
    total += purged->records_purged;
  }
  return total;
}

}  // namespace confide::hub
