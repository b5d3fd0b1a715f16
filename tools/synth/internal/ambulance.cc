// Ambulance call-outs to assaults: many attend a crime the police also record, and conveyed
// patients go on to the emergency department (events.cc links them there).

#include <algorithm>
#include <array>
#include <cmath>

#include "absl/strings/str_format.h"
#include "tools/synth/internal/events.h"
#include "tools/synth/internal/violence.h"

namespace confide::synth::internal {
namespace {

// How likely a crime of each group is to bring an ambulance, indexed by OffenceGroup.
constexpr std::array<double, 9> kAttendance = {
    0.9,   // homicide
    0.9,   // attempted murder
    0.6,   // wounding / GBH
    0.25,  // assault with injury
    0.1,   // robbery
    0.0,   // threats to kill
    0.2,   // rape
    0.05,  // sexual assault
    0.1,   // arson endangering life
};

constexpr std::array<CallCategory, 4> kCategories = {CallCategory::kStabWound,
                                                     CallCategory::kGunshot, CallCategory::kAssault,
                                                     CallCategory::kSexualAssault};
constexpr std::array<double, 4> kIndependentCategoryWeights = {14, 1, 78, 7};

CallCategory CategoryOf(const PoliceEvent& crime) {
  if (crime.firearm) {
    return CallCategory::kGunshot;
  }
  if (crime.knife) {
    return CallCategory::kStabWound;
  }
  if (crime.offence == OffenceGroup::kRape || crime.offence == OffenceGroup::kSexualAssault) {
    return CallCategory::kSexualAssault;
  }
  return CallCategory::kAssault;
}

bool Conveyed(Rng& rng, CallCategory category) {
  switch (category) {
    case CallCategory::kStabWound:
      return rng.Chance(0.85);
    case CallCategory::kGunshot:
      return rng.Chance(0.9);
    case CallCategory::kSexualAssault:
      return rng.Chance(0.65);
    case CallCategory::kAssault:
      break;
  }
  return rng.Chance(0.55);
}

}  // namespace

absl::string_view CallCategoryName(CallCategory category) {
  switch (category) {
    case CallCategory::kStabWound:
      return "Stab wound";
    case CallCategory::kGunshot:
      return "Gunshot wound";
    case CallCategory::kSexualAssault:
      return "Sexual assault";
    case CallCategory::kAssault:
      break;
  }
  return "Assault";
}

std::vector<AmbulanceEvent> MakeAmbulanceEvents(Rng& rng, int count, int year,
                                                const std::vector<Person>& people,
                                                const VictimSampler& victims,
                                                const std::vector<PoliceEvent>& police) {
  const absl::CivilSecond year_end(year, 12, 31, 23, 59, 59);
  std::vector<size_t> candidates;
  for (size_t i = 0; i < police.size(); ++i) {
    if (rng.Chance(kAttendance[static_cast<size_t>(police[i].offence)])) {
      candidates.push_back(i);
    }
  }
  Shuffle(rng, candidates);
  const size_t linked = std::min(candidates.size(), static_cast<size_t>(std::lround(0.45 * count)));

  std::vector<bool> police_victims(people.size(), false);
  for (const PoliceEvent& crime : police) {
    police_victims[crime.person] = true;
  }
  std::vector<AmbulanceEvent> events(static_cast<size_t>(count));
  for (size_t i = 0; i < events.size(); ++i) {
    AmbulanceEvent& e = events[i];
    if (i < linked) {
      const PoliceEvent& crime = police[candidates[i]];
      e.person = crime.person;
      e.call = std::min(year_end, crime.committed + DelaySeconds(rng, rng.Between(1, 25)));
      e.incident_postcode = crime.location;
      e.category = CategoryOf(crime);
      e.police_crime = candidates[i];
    } else {
      e.person = PickUnreportedVictim(rng, victims, police_victims);
      absl::CivilSecond incident;
      do {
        incident = SampleViolenceTime(rng, year);
        e.call = incident + DelaySeconds(rng, rng.Between(1, 20));
      } while (e.call > year_end);
      e.incident_postcode = IncidentPostcode(rng, people[e.person], incident);
      e.category = kCategories[rng.Pick(kIndependentCategoryWeights)];
    }
    e.conveyed = Conveyed(rng, e.category);
  }
  AssignReferences(
      rng, events, [](const AmbulanceEvent& e) { return e.call; },
      absl::StrFormat("NWAS-%02d-", year % 100), 7, rng.Between(100000, 900000), 6);
  return events;
}

}  // namespace confide::synth::internal
