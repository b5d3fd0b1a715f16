#pragma once

// Pieces shared by the police, ambulance and ED event generators.

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "tools/synth/internal/population.h"
#include "tools/synth/internal/rng.h"

namespace confide::synth::internal {

// Violence: quiet early morning, rising through the evening; Friday and Saturday nights
// several times busier; a little busier in summer and at Christmas. Never above
// kMaxViolenceWeight.
inline constexpr double kWeekendNightBoost = 2.8;
inline constexpr double kMaxViolenceWeight = 1.6 * kWeekendNightBoost * 1.15;
double ViolenceWeight(absl::CivilDay day, int hour);

// A second in `year` drawn from ViolenceWeight.
absl::CivilSecond SampleViolenceTime(Rng& rng, int year);

// Where a non-domestic incident happened: town centres at night, otherwise mostly near home.
std::string IncidentPostcode(Rng& rng, const Person& victim, absl::CivilSecond when);

// Most assault victims seen by health services never report to police (the premise of the
// Cardiff Model), so an event not tied to a crime prefers someone police have no record of.
size_t PickUnreportedVictim(Rng& rng, const VictimSampler& victims,
                            const std::vector<bool>& police_victims);

// `minutes` plus random seconds. Draws are sequenced statement by statement throughout: the
// order in which operands of one expression are evaluated is unspecified, and would let two
// compilers give different files for one seed.
absl::civil_diff_t DelaySeconds(Rng& rng, int minutes);

// Fisher-Yates with our own generator (std::shuffle's algorithm is implementation-defined).
template <typename T>
void Shuffle(Rng& rng, std::vector<T>& items) {
  for (size_t i = items.size(); i > 1; --i) {
    std::swap(items[i - 1], items[rng.Below(i)]);
  }
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

}  // namespace confide::synth::internal
