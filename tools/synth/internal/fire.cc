// Fire incidents: no people, so no linkage, but the same seeded calendar and geography.

#include <algorithm>
#include <array>

#include "absl/strings/str_format.h"
#include "tools/synth/internal/calendar.h"
#include "tools/synth/internal/events.h"
#include "tools/synth/internal/geography.h"

namespace confide::synth::internal {
namespace {

// Secondary (refuse, grass) fires cluster in the early evening, in spring when grass is dry,
// and above all in the run-up to Bonfire Night, which Merseyside Fire and Rescue plans around.
constexpr std::array<double, 24> kFireByHour = {0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.2, 0.2,
                                                0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
                                                1.2, 1.4, 1.6, 1.7, 1.7, 1.5, 1.2, 1.0};
constexpr double kBonfireBoost = 4.0;
constexpr double kMaxFireWeight = 1.7 * kBonfireBoost;

double FireWeight(absl::CivilDay day, int hour) {
  const absl::CivilDay bonfire_start(day.year(), 10, 25);
  const absl::CivilDay bonfire_end(day.year(), 11, 6);
  double season = 1.0;
  if (day >= bonfire_start && day <= bonfire_end) {
    season = kBonfireBoost;
  } else if (day.month() == 4 || day.month() == 5) {
    season = 1.5;
  } else if (day.month() == 7 || day.month() == 8) {
    season = 1.2;
  }
  return kFireByHour[static_cast<size_t>(hour)] * season;
}

constexpr std::array<absl::string_view, 3> kMotives = {"Deliberate", "Accidental", "Not known"};
constexpr std::array<double, 3> kPrimaryMotiveWeights = {35, 55, 10};
constexpr std::array<double, 3> kSecondaryMotiveWeights = {65, 20, 15};

constexpr std::array<absl::string_view, 5> kProperties = {"Dwelling", "Vehicle", "Refuse",
                                                          "Grassland", "Other building"};
constexpr std::array<double, 5> kPrimaryPropertyWeights = {45, 35, 0, 0, 20};
constexpr std::array<double, 5> kSecondaryPropertyWeights = {0, 5, 55, 35, 5};

}  // namespace

std::vector<FireEvent> MakeFireEvents(Rng& rng, int count, int year) {
  std::vector<FireEvent> events(static_cast<size_t>(count));
  for (FireEvent& e : events) {
    e.time = SampleTime(rng, year, FireWeight, kMaxFireWeight);
    e.primary = rng.Chance(0.3);
    e.motive = kMotives[rng.Pick(e.primary ? kPrimaryMotiveWeights : kSecondaryMotiveWeights)];
    e.property =
        kProperties[rng.Pick(e.primary ? kPrimaryPropertyWeights : kSecondaryPropertyWeights)];
    e.postcode = MakePostcode(rng, PickDistrict(rng, PickBorough(rng)));
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const FireEvent& a, const FireEvent& b) { return a.time < b.time; });
  int number = rng.Between(1, 1000);
  for (FireEvent& e : events) {
    e.reference = absl::StrFormat("MFRS-%04d-%06d", year, number);
    number += rng.Between(1, 3);
  }
  return events;
}

}  // namespace confide::synth::internal
