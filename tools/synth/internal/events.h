#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "tools/synth/internal/population.h"
#include "tools/synth/internal/rng.h"

namespace confide::synth::internal {

// The Serious Violence Duty offence groups, in the hub's lower-case codes.
enum class OffenceGroup {
  kHomicide,
  kAttemptedMurder,
  kWoundingGbh,
  kAssaultWithInjury,
  kRobbery,
  kThreatsToKill,
  kRape,
  kSexualAssault,
  kArsonEndangeringLife,
};

struct OffenceInfo {
  absl::string_view group;        // "assault_with_injury"
  absl::string_view code;         // Home Office style, "8/1"
  absl::string_view description;  // "Assault, occasioning actual bodily harm"
};
const OffenceInfo& Describe(OffenceGroup group);

struct PoliceEvent {
  std::string reference;  // "MP/25/0001234", unique, increasing with time
  size_t person = 0;      // index into the population
  OffenceGroup offence = OffenceGroup::kAssaultWithInjury;
  bool knife = false;
  bool firearm = false;
  bool domestic = false;
  absl::CivilSecond committed;
  std::string location;  // full postcode
};

enum class Means { kKnife, kBluntObject, kBodyPart, kFirearm, kOther };
absl::string_view MeansName(Means means);  // "Knife", "Blunt object", ...

struct EdEvent {
  std::string reference;  // "ED-RQ6-00012345", unique, increasing with time
  size_t person = 0;
  absl::CivilSecond arrival;
  std::string incident_postcode;
  Means means = Means::kBodyPart;
  bool admitted = false;
};

enum class CallCategory { kStabWound, kGunshot, kAssault, kSexualAssault };
absl::string_view CallCategoryName(CallCategory category);  // "Stab wound", ...

struct AmbulanceEvent {
  std::string reference;  // "NWAS-25-0012345", unique, increasing with time
  size_t person = 0;
  absl::CivilSecond call;
  std::string incident_postcode;
  CallCategory category = CallCategory::kAssault;
  bool conveyed = false;          // taken to hospital
  size_t police_crime = kNobody;  // index of the police event it attended, if any
};

struct FireEvent {
  std::string reference;  // "MFRS-2025-004321"
  absl::CivilSecond time;
  bool primary = false;
  absl::string_view motive;    // "Deliberate", "Accidental", "Not known"
  absl::string_view property;  // "Dwelling", "Vehicle", "Refuse", "Grassland", "Other building"
  std::string postcode;
};

// All return events sorted by time, with references assigned in that order, every time inside
// `year`. `people` must be non-empty and be what `victims` was built from.
std::vector<PoliceEvent> MakePoliceEvents(Rng& rng, int count, int year,
                                          const std::vector<Person>& people,
                                          const VictimSampler& victims);

// About 45% of call-outs attend a police-recorded violent crime minutes after it; the rest are
// drawn independently, mostly people unknown to police. Stabbings and shootings are nearly
// always conveyed to hospital, other assaults about half the time.
std::vector<AmbulanceEvent> MakeAmbulanceEvents(Rng& rng, int count, int year,
                                                const std::vector<Person>& people,
                                                const VictimSampler& victims,
                                                const std::vector<PoliceEvent>& police);

// Up to half of ED attendances arrive by ambulance (a conveyed call-out in `ambulance`, 25 to
// 100 minutes after the call). About 40% in all are the victim of an injury offence in `police`
// (by ambulance, or arriving on their own within hours or days); the rest are drawn
// independently, so unknown to police, as the Cardiff Model expects.
std::vector<EdEvent> MakeEdEvents(Rng& rng, int count, int year, const std::vector<Person>& people,
                                  const VictimSampler& victims,
                                  const std::vector<PoliceEvent>& police,
                                  const std::vector<AmbulanceEvent>& ambulance);

std::vector<FireEvent> MakeFireEvents(Rng& rng, int count, int year);

}  // namespace confide::synth::internal
