#include "tools/synth/internal/violence.h"

#include <array>

#include "tools/synth/internal/calendar.h"
#include "tools/synth/internal/geography.h"

namespace confide::synth::internal {
namespace {

constexpr std::array<double, 24> kViolenceByHour = {1.0, 0.9, 0.8, 0.5, 0.3, 0.2, 0.2, 0.3,
                                                    0.4, 0.5, 0.6, 0.7, 0.8, 0.8, 0.9, 1.0,
                                                    1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.6, 1.3};

}  // namespace

double ViolenceWeight(absl::CivilDay day, int hour) {
  const int month = day.month();
  const double season = (month >= 6 && month <= 8) ? 1.15 : (month == 12 ? 1.1 : 1.0);
  const absl::CivilSecond t(day.year(), day.month(), day.day(), hour);
  const bool new_years_night = month == 1 && day.day() == 1 && hour < 3;
  return kViolenceByHour[static_cast<size_t>(hour)] * season *
         (IsWeekendNight(t) || new_years_night ? kWeekendNightBoost : 1.0);
}

absl::CivilSecond SampleViolenceTime(Rng& rng, int year) {
  return SampleTime(rng, year, ViolenceWeight, kMaxViolenceWeight);
}

std::string IncidentPostcode(Rng& rng, const Person& victim, absl::CivilSecond when) {
  if (rng.Chance(IsWeekendNight(when) ? 0.45 : 0.15)) {
    return MakePostcode(rng, PickHotSpot(rng));
  }
  const int borough = rng.Chance(0.6) ? victim.borough : PickBorough(rng);
  return MakePostcode(rng, PickDistrict(rng, borough));
}

size_t PickUnreportedVictim(Rng& rng, const VictimSampler& victims,
                            const std::vector<bool>& police_victims) {
  const char sex = rng.Chance(0.7) ? 'M' : 'F';
  size_t person = victims.Pick(rng, sex);
  for (int attempt = 0; attempt < 20 && police_victims[person] && !rng.Chance(0.1); ++attempt) {
    person = victims.Pick(rng, sex);
  }
  return person;
}

absl::civil_diff_t DelaySeconds(Rng& rng, int minutes) {
  const int seconds = rng.Between(0, 59);
  return absl::civil_diff_t{60} * minutes + seconds;
}

}  // namespace confide::synth::internal
