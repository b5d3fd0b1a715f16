#include "tools/synth/internal/events.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "absl/strings/str_format.h"
#include "tools/synth/internal/violence.h"

namespace confide::synth::internal {
namespace {

struct OffenceProfile {
  OffenceInfo info;
  double weight;    // share of recorded serious violence, percent
  double knife;     // P(knife or sharp object)
  double firearm;   // P(firearm)
  double domestic;  // P(domestic)
  double female;    // P(victim is female), non-domestic
};

// Indexed by OffenceGroup. Shares and flag rates are shaped like Merseyside's published
// serious violence profile: mostly ABH, homicide about 0.1%.
constexpr std::array<OffenceProfile, 9> kOffences = {{
    {{"homicide", "1/1", "Murder, of persons aged 1 year or over"}, 0.1, 0.40, 0.10, 0.20, 0.25},
    {{"attempted_murder", "2/0", "Attempted murder"}, 0.6, 0.55, 0.15, 0.15, 0.20},
    {{"wounding_gbh", "5/1", "Wounding, with intent to do grievous bodily harm"},
     12.0,
     0.40,
     0.03,
     0.20,
     0.25},
    {{"assault_with_injury", "8/1", "Assault, occasioning actual bodily harm"},
     55.0,
     0.15,
     0.005,
     0.33,
     0.35},
    {{"robbery", "34/1", "Robbery, of personal property"}, 14.0, 0.30, 0.02, 0.0, 0.15},
    {{"threats_to_kill", "3/1", "Threats to kill"}, 3.5, 0.25, 0.03, 0.40, 0.50},
    {{"rape", "19/1", "Rape, penetration without consent"}, 5.0, 0.03, 0.0, 0.40, 0.90},
    {{"sexual_assault", "17/1", "Sexual assault, by touching"}, 9.0, 0.01, 0.0, 0.20, 0.85},
    {{"arson_endangering_life", "56/1", "Arson, endangering life"}, 0.8, 0.0, 0.0, 0.25, 0.50},
}};

const OffenceProfile& Profile(OffenceGroup group) { return kOffences[static_cast<size_t>(group)]; }

constexpr std::array<Means, 5> kAllMeans = {Means::kKnife, Means::kBluntObject, Means::kBodyPart,
                                            Means::kFirearm, Means::kOther};
constexpr std::array<double, 5> kAllMeansWeights = {12, 15, 57, 1, 15};
constexpr std::array<Means, 3> kUnarmedMeans = {Means::kBodyPart, Means::kBluntObject,
                                                Means::kOther};
constexpr std::array<double, 3> kUnarmedWeights = {70, 20, 10};

bool CanBringToEd(OffenceGroup group) {
  return group == OffenceGroup::kAssaultWithInjury || group == OffenceGroup::kWoundingGbh ||
         group == OffenceGroup::kRobbery || group == OffenceGroup::kAttemptedMurder;
}

// What the ED records for a patient brought in by ambulance.
Means MeansFor(Rng& rng, CallCategory category) {
  switch (category) {
    case CallCategory::kStabWound:
      return Means::kKnife;
    case CallCategory::kGunshot:
      return Means::kFirearm;
    case CallCategory::kSexualAssault:
      return rng.Chance(0.7) ? Means::kBodyPart : Means::kOther;
    case CallCategory::kAssault:
      break;
  }
  return kUnarmedMeans[rng.Pick(kUnarmedWeights)];
}

bool AdmittedFor(Rng& rng, Means means) {
  switch (means) {
    case Means::kFirearm:
      return rng.Chance(0.7);
    case Means::kKnife:
      return rng.Chance(0.45);
    default:
      return rng.Chance(0.15);
  }
}

}  // namespace

const OffenceInfo& Describe(OffenceGroup group) { return Profile(group).info; }

absl::string_view MeansName(Means means) {
  switch (means) {
    case Means::kKnife:
      return "Knife";
    case Means::kBluntObject:
      return "Blunt object";
    case Means::kBodyPart:
      return "Body part";
    case Means::kFirearm:
      return "Firearm";
    case Means::kOther:
      return "Other";
  }
  return "Other";
}

std::vector<PoliceEvent> MakePoliceEvents(Rng& rng, int count, int year,
                                          const std::vector<Person>& people,
                                          const VictimSampler& victims) {
  std::array<double, kOffences.size()> offence_weights;
  for (size_t i = 0; i < kOffences.size(); ++i) {
    offence_weights[i] = kOffences[i].weight;
  }
  std::vector<PoliceEvent> events(static_cast<size_t>(count));
  for (PoliceEvent& e : events) {
    e.offence = static_cast<OffenceGroup>(rng.Pick(offence_weights));
    const OffenceProfile& profile = Profile(e.offence);
    e.domestic = rng.Chance(profile.domestic);
    const bool female = rng.Chance(e.domestic ? 0.75 : profile.female);
    e.person = victims.Pick(rng, female ? 'F' : 'M');
    e.firearm = rng.Chance(profile.firearm);
    e.knife = !e.firearm && rng.Chance(profile.knife);
    e.committed = SampleViolenceTime(rng, year);
    const Person& victim = people[e.person];
    const bool at_home = e.domestic || e.offence == OffenceGroup::kArsonEndangeringLife;
    e.location =
        at_home && rng.Chance(0.85) ? victim.postcode : IncidentPostcode(rng, victim, e.committed);
  }
  AssignReferences(
      rng, events, [](const PoliceEvent& e) { return e.committed; },
      absl::StrFormat("MP/%02d/", year % 100), 7, rng.Between(1000, 60000), 12);
  return events;
}

std::vector<EdEvent> MakeEdEvents(Rng& rng, int count, int year, const std::vector<Person>& people,
                                  const VictimSampler& victims,
                                  const std::vector<PoliceEvent>& police,
                                  const std::vector<AmbulanceEvent>& ambulance) {
  const absl::CivilSecond year_end(year, 12, 31, 23, 59, 59);
  std::vector<EdEvent> events(static_cast<size_t>(count));
  std::vector<bool> crime_seen_in_ed(police.size(), false);
  size_t next = 0;
  long police_linked = 0;

  // Conveyed call-outs arrive first. A conveyed patient who is not here went to another trust.
  std::vector<size_t> conveyed;
  for (size_t i = 0; i < ambulance.size(); ++i) {
    if (ambulance[i].conveyed) {
      conveyed.push_back(i);
    }
  }
  Shuffle(rng, conveyed);
  const size_t by_ambulance =
      std::min(conveyed.size(), static_cast<size_t>(std::lround(0.5 * count)));
  for (; next < by_ambulance; ++next) {
    const AmbulanceEvent& call = ambulance[conveyed[next]];
    EdEvent& e = events[next];
    e.person = call.person;
    e.arrival = std::min(year_end, call.call + DelaySeconds(rng, rng.Between(25, 100)));
    e.incident_postcode = call.incident_postcode;
    e.means = MeansFor(rng, call.category);
    if (call.police_crime != kNobody) {
      crime_seen_in_ed[call.police_crime] = true;
      ++police_linked;
    }
  }

  // Victims of a police-recorded injury offence who make their own way in.
  std::vector<size_t> candidates;
  for (size_t i = 0; i < police.size(); ++i) {
    if (CanBringToEd(police[i].offence) && !crime_seen_in_ed[i]) {
      candidates.push_back(i);
    }
  }
  Shuffle(rng, candidates);
  const long wanted = std::max(0L, std::lround(0.4 * count) - police_linked);
  const size_t direct =
      std::min({candidates.size(), static_cast<size_t>(wanted), events.size() - next});
  for (size_t i = 0; i < direct; ++i, ++next) {
    const PoliceEvent& crime = police[candidates[i]];
    EdEvent& e = events[next];
    e.person = crime.person;
    // Most arrive within hours; some only present a day or more later.
    const int delay_minutes = rng.Chance(0.85) ? rng.Between(15, 360) : rng.Between(1440, 5040);
    e.arrival = std::min(year_end, crime.committed + DelaySeconds(rng, delay_minutes));
    e.incident_postcode = crime.location;
    if (crime.firearm) {
      e.means = Means::kFirearm;
    } else if (crime.knife) {
      e.means = Means::kKnife;
    } else {
      e.means = kUnarmedMeans[rng.Pick(kUnarmedWeights)];
    }
  }

  std::vector<bool> police_victims(people.size(), false);
  for (const PoliceEvent& crime : police) {
    police_victims[crime.person] = true;
  }
  for (; next < events.size(); ++next) {
    EdEvent& e = events[next];
    e.person = PickUnreportedVictim(rng, victims, police_victims);
    absl::CivilSecond incident;
    do {
      incident = SampleViolenceTime(rng, year);
      e.arrival = incident + DelaySeconds(rng, rng.Between(10, 240));
    } while (e.arrival > year_end);
    e.incident_postcode = IncidentPostcode(rng, people[e.person], incident);
    e.means = kAllMeans[rng.Pick(kAllMeansWeights)];
  }
  for (EdEvent& e : events) {
    e.admitted = AdmittedFor(rng, e.means);
  }
  AssignReferences(
      rng, events, [](const EdEvent& e) { return e.arrival; }, "ED-RQ6-", 8,
      rng.Between(10000, 99999), 20);
  return events;
}

}  // namespace confide::synth::internal
