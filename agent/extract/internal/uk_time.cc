#include "agent/extract/internal/uk_time.h"

#include "absl/time/time.h"

namespace confide::agent::internal {
namespace {

absl::CivilSecond LastSundayOneAmUtc(absl::civil_year_t year, int month) {
  absl::CivilDay last = absl::CivilDay(absl::CivilMonth(year, month) + 1) - 1;
  while (absl::GetWeekday(last) != absl::Weekday::sunday) {
    --last;
  }
  return absl::CivilSecond(last.year(), last.month(), last.day(), 1, 0, 0);
}

struct London {
  bool loaded = false;
  absl::TimeZone zone;
};

// Loaded once and thread-safely; tzdata may be missing from slim images.
const London& LondonZone() {
  static const London london = [] {
    London result;
    result.loaded = absl::LoadTimeZone("Europe/London", &result.zone);
    return result;
  }();
  return london;
}

}  // namespace

absl::CivilSecond UkCivilFromUtcBuiltIn(absl::CivilSecond utc) {
  const absl::CivilSecond start = LastSundayOneAmUtc(utc.year(), 3);
  const absl::CivilSecond end = LastSundayOneAmUtc(utc.year(), 10);
  return utc >= start && utc < end ? utc + 3600 : utc;
}

absl::CivilSecond UkCivilFromUtc(absl::CivilSecond utc) {
  const London& london = LondonZone();
  if (!london.loaded) {
    return UkCivilFromUtcBuiltIn(utc);
  }
  return absl::ToCivilSecond(absl::FromCivil(utc, absl::UTCTimeZone()), london.zone);
}

}  // namespace confide::agent::internal
