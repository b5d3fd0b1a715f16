#include "tools/synth/internal/calendar.h"

namespace confide::synth::internal {

int DaysInYear(int year) {
  return static_cast<int>(absl::CivilDay(year + 1, 1, 1) - absl::CivilDay(year, 1, 1));
}

bool IsWeekendNight(absl::CivilSecond t) {
  const absl::Weekday weekday = absl::GetWeekday(absl::CivilDay(t));
  if (t.hour() >= 20) {
    return weekday == absl::Weekday::friday || weekday == absl::Weekday::saturday;
  }
  if (t.hour() < 3) {
    return weekday == absl::Weekday::saturday || weekday == absl::Weekday::sunday;
  }
  return false;
}

absl::CivilSecond SampleTime(Rng& rng, int year, HourWeightFn weight, double max_weight) {
  const absl::CivilDay first(year, 1, 1);
  const uint64_t days = static_cast<uint64_t>(DaysInYear(year));
  for (;;) {
    const absl::CivilDay day = first + static_cast<absl::civil_diff_t>(rng.Below(days));
    const int hour = static_cast<int>(rng.Below(24));
    if (rng.Unit() * max_weight < weight(day, hour)) {
      const int minute = static_cast<int>(rng.Below(60));
      const int second = static_cast<int>(rng.Below(60));
      return absl::CivilSecond(day.year(), day.month(), day.day(), hour, minute, second);
    }
  }
}

}  // namespace confide::synth::internal
