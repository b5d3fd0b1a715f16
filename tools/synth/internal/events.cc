#include "tools/synth/internal/events.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "absl/strings/str_format.h"
#include "tools/synth/internal/calendar.h"
#include "tools/synth/internal/geography.h"

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

// Violence: quiet early morning, rising through the evening; Friday and Saturday nights
// several times busier; a little busier in summer and at Christmas.
constexpr std::array<double, 24> kViolenceByHour = {1.0, 0.9, 0.8, 0.5, 0.3, 0.2, 0.2, 0.3,
                                                    0.4, 0.5, 0.6, 0.7, 0.8, 0.8, 0.9, 1.0,
                                                    1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.6, 1.3};
constexpr double kWeekendNightBoost = 2.8;
constexpr double kMaxViolenceWeight = 1.6 * kWeekendNightBoost * 1.15;

double ViolenceWeight(absl::CivilDay day, int hour) {
  const int month = day.month();
  const double season = (month >= 6 && month <= 8) ? 1.15 : (month == 12 ? 1.1 : 1.0);
  const absl::CivilSecond t(day.year(), day.month(), day.day(), hour);
  const bool new_years_night = month == 1 && day.day() == 1 && hour < 3;
  return kViolenceByHour[static_cast<size_t>(hour)] * season *
         (IsWeekendNight(t) || new_years_night ? kWeekendNightBoost : 1.0);
}

// Where a non-domestic incident happened: town centres at night, otherwise mostly near home.
std::string IncidentPostcode(Rng& rng, const Person& victim, absl::CivilSecond when) {
  if (rng.Chance(IsWeekendNight(when) ? 0.45 : 0.15)) {
    return MakePostcode(rng, PickHotSpot(rng));
  }
  const int borough = rng.Chance(0.6) ? victim.borough : PickBorough(rng);
  return MakePostcode(rng, PickDistrict(rng, borough));
}

// Sorts by time (stable, so ties keep draw order) and numbers in that order with gaps, as a
// force-wide or trust-wide sequence seen through one extract would have.
template <typename Event, typename TimeOf>
void AssignReferences(Rng& rng, std::vector<Event>& events, TimeOf time_of,
                      absl::string_view prefix, int digits, int first, int max_gap) {
  std::stable_sort(events.begin(), events.end(),
                   [&](const Event& a, const Event& b) { return time_of(a) < time_of(b); });
  int number = first;
  for (Event& event : events) {
    event.reference = absl::StrFormat("%s%0*d", prefix, digits, number);
    number += rng.Between(1, max_gap);
  }
}

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

// Most ED assault victims never report to police (the premise of the Cardiff Model), so an
// attendance not tied to a crime prefers someone police have no record of.
size_t PickUnreportedVictim(Rng& rng, const VictimSampler& victims,
                            const std::vector<bool>& police_victims) {
  const char sex = rng.Chance(0.7) ? 'M' : 'F';
  size_t person = victims.Pick(rng, sex);
  for (int attempt = 0; attempt < 20 && police_victims[person] && !rng.Chance(0.1); ++attempt) {
    person = victims.Pick(rng, sex);
  }
  return person;
}

// `minutes` plus random seconds. Draws are sequenced statement by statement throughout: the
// order in which operands of one expression are evaluated is unspecified, and would let two
// compilers give different files for one seed.
absl::civil_diff_t DelaySeconds(Rng& rng, int minutes) {
  const int seconds = rng.Between(0, 59);
  return absl::civil_diff_t{60} * minutes + seconds;
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
    e.committed = SampleTime(rng, year, ViolenceWeight, kMaxViolenceWeight);
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
                                  const std::vector<PoliceEvent>& police) {
  const absl::CivilSecond year_end(year, 12, 31, 23, 59, 59);
  std::vector<size_t> candidates;
  for (size_t i = 0; i < police.size(); ++i) {
    if (CanBringToEd(police[i].offence)) {
      candidates.push_back(i);
    }
  }
  for (size_t i = candidates.size(); i > 1; --i) {  // Fisher-Yates with our own generator.
    std::swap(candidates[i - 1], candidates[rng.Below(i)]);
  }
  const size_t linked = std::min(candidates.size(), static_cast<size_t>(std::lround(0.4 * count)));

  std::vector<bool> police_victims(people.size(), false);
  for (const PoliceEvent& crime : police) {
    police_victims[crime.person] = true;
  }

  std::vector<EdEvent> events(static_cast<size_t>(count));
  for (size_t i = 0; i < events.size(); ++i) {
    EdEvent& e = events[i];
    if (i < linked) {
      const PoliceEvent& crime = police[candidates[i]];
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
    } else {
      e.person = PickUnreportedVictim(rng, victims, police_victims);
      absl::CivilSecond incident;
      do {
        incident = SampleTime(rng, year, ViolenceWeight, kMaxViolenceWeight);
        e.arrival = incident + DelaySeconds(rng, rng.Between(10, 240));
      } while (e.arrival > year_end);
      e.incident_postcode = IncidentPostcode(rng, people[e.person], incident);
      e.means = kAllMeans[rng.Pick(kAllMeansWeights)];
    }
    e.admitted = AdmittedFor(rng, e.means);
  }
  AssignReferences(
      rng, events, [](const EdEvent& e) { return e.arrival; }, "ED-RQ6-", 8,
      rng.Between(10000, 99999), 20);
  return events;
}

}  // namespace confide::synth::internal
